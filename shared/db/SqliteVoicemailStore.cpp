#include "SqliteVoicemailStore.h"

#include "Database.h"

#include <QSqlError>

namespace Switchboard {

SqliteVoicemailStore::SqliteVoicemailStore(Database &database)
    : m_claimDueDownloads(database.connection())
    , m_storeAudio(database.connection())
    , m_downloadFailed(database.connection())
    , m_bumpRevision(database.connection())
    , m_control(database.connection())
{
    // Media is ready once Twilio said so; a recording whose status callback never came is
    // tried a minute after its <Record> action. Claiming moves a download's next attempt past
    // its lease. Only the subquery looks for due voicemails; the update takes the ones it
    // found by key: a condition of its own on the download state made SQLite read every
    // pending voicemail at each claim, a growing backlog under load.
    m_claimDueDownloads.prepare(QStringLiteral(
        "UPDATE voicemails SET next_attempt_at = ? WHERE call_sid IN ("
        "SELECT call_sid FROM voicemails WHERE download_state = 'pending'"
        " AND next_attempt_at <= ? AND (recording_status = 'completed' OR created_at <= ?)"
        " ORDER BY next_attempt_at LIMIT ?)"
        " RETURNING call_sid, recording_sid, recording_url, download_attempts"));
    m_storeAudio.prepare(QStringLiteral(
        "UPDATE voicemails SET download_state = 'downloaded', audio = ?, bytes = ?, sha256 = ?,"
        " content_type = ?, last_error = '', download_attempts = download_attempts + 1"
        " WHERE call_sid = ?"));
    m_downloadFailed.prepare(QStringLiteral(
        "UPDATE voicemails SET download_state = ?, last_error = ?, next_attempt_at = ?,"
        " download_attempts = download_attempts + 1 WHERE call_sid = ?"));
    // Desktops read a call again when its revision moves on.
    m_bumpRevision.prepare(
        QStringLiteral("UPDATE calls SET revision = (SELECT COALESCE(MAX(revision), 0) + 1 FROM"
                       " calls) WHERE call_sid = ?"));
}

QList<VoicemailStore::Download> SqliteVoicemailStore::claimDueDownloads(const QDateTime &now,
                                                                        int limit, int leaseSeconds)
{
    bindClaim(m_claimDueDownloads, now, limit, leaseSeconds);
    if (!exec(m_claimDueDownloads))
        return {};
    return claimed(m_claimDueDownloads);
}

bool SqliteVoicemailStore::storeAudio(const QString &callSid, const QByteArray &audio,
                                      const QString &sha256, const QString &contentType)
{
    return changeVoicemail(m_storeAudio, callSid,
                           {audio, qint64(audio.size()), sha256, contentType});
}

bool SqliteVoicemailStore::recordDownloadFailure(const QString &callSid,
                                                 const QString &downloadState, const QString &error,
                                                 qint64 nextAttemptAtMs)
{
    return changeVoicemail(m_downloadFailed, callSid, {downloadState, error, nextAttemptAtMs});
}

bool SqliteVoicemailStore::changeVoicemail(QSqlQuery &update, const QString &callSid,
                                           const QVariantList &values)
{
    // IMMEDIATE takes the write lock at once: no other process's commit can come between the
    // voicemail's change and its call's revision.
    if (!m_control.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        setLastError(m_control.lastError().text());
        return false;
    }
    if (changeAndRevise(update, callSid, values)) {
        if (m_control.exec(QStringLiteral("COMMIT")))
            return true;
        setLastError(m_control.lastError().text());
    }
    m_control.exec(QStringLiteral("ROLLBACK"));
    return false;
}

bool SqliteVoicemailStore::changeAndRevise(QSqlQuery &update, const QString &callSid,
                                           const QVariantList &values)
{
    int parameters = 0;
    for (const QVariant &value : values)
        update.bindValue(parameters++, value);
    update.bindValue(parameters++, callSid);
    const bool updated = exec(update);
    unbind(update, parameters); // let go of the audio
    if (!updated)
        return false;
    if (update.numRowsAffected() != 1)
        return noVoicemail(callSid);
    m_bumpRevision.bindValue(0, callSid);
    return exec(m_bumpRevision);
}

} // namespace Switchboard
