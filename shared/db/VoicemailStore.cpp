#include "VoicemailStore.h"

#include "core/CallStatus.h"
#include "Database.h"
#include "PostgresVoicemailStore.h"
#include "SqliteVoicemailStore.h"

#include <QCryptographicHash>
#include <QSqlError>

namespace Switchboard {

VoicemailStore::VoicemailStore(Database &database)
{
    if (database.dialect().isSqlite())
        m_engine = std::make_unique<SqliteVoicemailStore>(database);
    else
        m_engine = std::make_unique<PostgresVoicemailStore>(database);
}

VoicemailStore::~VoicemailStore() = default;

QList<VoicemailStore::Download> VoicemailStore::claimDueDownloads(const QDateTime &now, int limit,
                                                                  int leaseSeconds)
{
    return m_engine->claimDueDownloads(now, limit, leaseSeconds);
}

bool VoicemailStore::storeAudio(const QString &callSid, const QByteArray &audio,
                                const QString &contentType)
{
    // Hashed before the change: on SQLite its transaction keeps every other writer out.
    const QString sha256 =
        QString::fromLatin1(QCryptographicHash::hash(audio, QCryptographicHash::Sha256).toHex());
    return m_engine->storeAudio(callSid, audio, sha256, contentType);
}

bool VoicemailStore::recordDownloadFailure(const QString &callSid, const QString &error,
                                           const QDateTime &retryAt, bool giveUp)
{
    return m_engine->recordDownloadFailure(
        callSid, downloadStateToString(giveUp ? DownloadState::Failed : DownloadState::Pending),
        error, retryAt.toMSecsSinceEpoch());
}

QString VoicemailStore::lastError() const
{
    return m_engine->lastError();
}

bool VoicemailStore::Engine::exec(QSqlQuery &query)
{
    if (query.exec())
        return true;
    m_lastError = query.lastError().text();
    return false;
}

bool VoicemailStore::Engine::noVoicemail(const QString &callSid)
{
    m_lastError = QStringLiteral("call %1 has no voicemail").arg(callSid);
    return false;
}

void VoicemailStore::Engine::bindClaim(QSqlQuery &claim, const QDateTime &now, int limit,
                                       int leaseSeconds)
{
    claim.bindValue(0, now.addSecs(leaseSeconds).toMSecsSinceEpoch()); // the next attempt
    claim.bindValue(1, now.toMSecsSinceEpoch());                       // due by now
    claim.bindValue(2, now.addSecs(-kStatusCallbackGraceSeconds).toMSecsSinceEpoch()); // none came
    claim.bindValue(3, limit);
}

QList<VoicemailStore::Download> VoicemailStore::Engine::claimed(QSqlQuery &claim)
{
    QList<Download> downloads;
    while (claim.next())
        downloads.append({claim.value(0).toString(), claim.value(1).toString(),
                          claim.value(2).toString(), claim.value(3).toInt()});
    claim.finish();
    return downloads;
}

void VoicemailStore::Engine::unbind(QSqlQuery &query, int parameters)
{
    for (int i = 0; i < parameters; ++i)
        query.bindValue(i, QVariant());
}

} // namespace Switchboard
