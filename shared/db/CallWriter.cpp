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

} // namespace Switchboard
