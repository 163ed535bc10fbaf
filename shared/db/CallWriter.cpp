#include "CallWriter.h"

#include "Database.h"
#include "PostgresCallWriter.h"
#include "SqliteCallWriter.h"
#include "twilio/RequestSignature.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QSqlError>
#include <QThread>

namespace Switchboard {

CallWriter::CallWriter(Database &database)
{
    if (database.dialect().isSqlite())
        m_engine = std::make_unique<SqliteCallWriter>(database);
    else
        m_engine = std::make_unique<PostgresCallWriter>(database);
}

CallWriter::~CallWriter() = default;

CallWriter::Event CallWriter::event(const Webhook &webhook)
{
    // A retried webhook carries the same URL and parameters, so it has the same digest.
    const QByteArray payload = webhookKindToString(webhook.kind).toUtf8() + '\n' +
                               RequestSignature::payload(webhook.url, webhook.params);
    return {
        webhook,
        QString::fromLatin1(QCryptographicHash::hash(payload, QCryptographicHash::Sha256).toHex()),
        // Form-encoded, as Twilio sent them: a fifth of the CPU of a JSON array of pairs.
        webhook.body.isEmpty() ? QString::fromLatin1(webhook.params.encode())
                               : QString::fromUtf8(webhook.body)};
}

CallWriter::Result CallWriter::record(const Webhook &webhook)
{
    // Deferred while another writer holds the call (a voicemail being stored) or keeps
    // changing it: each try reads it anew, a moment after the last.
    const QDeadlineTimer deadline(std::chrono::seconds(5));
    QList<Result> results;
    while (recordAll({event(webhook)}, &results)) {
        if (results.constFirst() != Result::Deferred)
            return results.constFirst();
        if (deadline.hasExpired()) {
            m_engine->setLastError(QStringLiteral("call %1 stayed held by other writers for 5 s")
                                       .arg(webhook.callSid()));
            return Result::Failed;
        }
        QThread::msleep(1);
    }
    return Result::Failed;
}

bool CallWriter::recordAll(const QList<Event> &events, QList<Result> *results)
{
    return m_engine->recordAll(events, results);
}

QList<CallWriter::Download> CallWriter::claimDueDownloads(const QDateTime &now, int limit,
                                                          int leaseSeconds)
{
    return m_engine->claimDueDownloads(now, limit, leaseSeconds);
}

bool CallWriter::storeAudio(const QString &callSid, const QByteArray &audio,
                            const QString &contentType)
{
    // Hashed before the change: on SQLite its transaction keeps every other writer out.
    const QString sha256 =
        QString::fromLatin1(QCryptographicHash::hash(audio, QCryptographicHash::Sha256).toHex());
    return m_engine->changeVoicemail(Engine::VoicemailChange::StoreAudio, callSid,
                                     {audio, qint64(audio.size()), sha256, contentType});
}

bool CallWriter::recordDownloadFailure(const QString &callSid, const QString &error,
                                       const QDateTime &retryAt, bool giveUp)
{
    return m_engine->changeVoicemail(
        Engine::VoicemailChange::DownloadFailed, callSid,
        {downloadStateToString(giveUp ? DownloadState::Failed : DownloadState::Pending), error,
         retryAt.toMSecsSinceEpoch()});
}

QString CallWriter::lastError() const
{
    return m_engine->lastError();
}

bool CallWriter::Engine::exec(QSqlQuery &query)
{
    if (query.exec())
        return true;
    m_lastError = query.lastError().text();
    return false;
}

bool CallWriter::Engine::noVoicemail(const QString &callSid)
{
    m_lastError = QStringLiteral("call %1 has no voicemail").arg(callSid);
    return false;
}

void CallWriter::Engine::bindClaim(QSqlQuery &claim, const QDateTime &now, int limit,
                                   int leaseSeconds)
{
    claim.bindValue(0, now.addSecs(leaseSeconds).toMSecsSinceEpoch()); // the next attempt
    claim.bindValue(1, now.toMSecsSinceEpoch());                       // due by now
    claim.bindValue(2, now.addSecs(-kStatusCallbackGraceSeconds).toMSecsSinceEpoch()); // none came
    claim.bindValue(3, limit);
}

QList<CallWriter::Download> CallWriter::Engine::claimed(QSqlQuery &claim)
{
    QList<Download> downloads;
    while (claim.next())
        downloads.append({claim.value(0).toString(), claim.value(1).toString(),
                          claim.value(2).toString(), claim.value(3).toInt()});
    claim.finish();
    return downloads;
}

} // namespace Switchboard
