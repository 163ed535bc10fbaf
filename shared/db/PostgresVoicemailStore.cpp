#include "PostgresVoicemailStore.h"

#include "Database.h"

namespace Switchboard {
namespace {

// Media is ready once Twilio said so; a recording whose status callback never came is tried a
// minute after its <Record> action. Claiming moves a download's next attempt past its lease,
// so that no other instance fetches it meanwhile. Only the subquery looks for due voicemails:
// it locks them, and skips those another claim holds; the update takes the ones it found by
// key.
const char kClaimDueDownloads[] =
    "UPDATE voicemails SET next_attempt_at = ? WHERE call_sid IN ("
    "SELECT call_sid FROM voicemails WHERE download_state = 'pending'"
    " AND next_attempt_at <= ? AND (recording_status = 'completed' OR created_at <= ?)"
    " ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)"
    " RETURNING call_sid, recording_sid, recording_url, download_attempts";

// A change of one call's voicemail, in one statement: `held` waits for the call's lock (the
// one a batch takes), before the update's row lock; `revised` moves the call's revision on
// and notifies listeners as a batch does. The first parameter is the CallSid (for the lock),
// the last one too (the voicemail's). It selects the CallSid of the voicemail it changed.
QString withCallLockedAndRevised(const char *update)
{
    const QString statement =
        QStringLiteral("WITH held AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtext(?))),"
                       " changed AS (") +
        QLatin1String(update) +
        QStringLiteral(" WHERE call_sid = ? AND EXISTS (SELECT FROM held) RETURNING call_sid),"
                       " revised AS (UPDATE calls SET revision = nextval('call_revisions')"
                       " WHERE call_sid IN (SELECT call_sid FROM changed)"
                       " RETURNING call_sid, pg_notify('%1', call_sid))"
                       " SELECT c.call_sid FROM changed AS c,"
                       " (SELECT count(*) FROM revised) AS n");
    return statement.arg(SqlDialect::callChangesChannel());
}

// The audio is sent as base64: the driver puts parameters inside the statement's text, where
// base64 is a third the size of bytea's hex form, fewer bytes to send and to parse.
const char kStoreAudio[] =
    "UPDATE voicemails SET download_state = 'downloaded', audio = decode(?, 'base64'),"
    " bytes = ?, sha256 = ?, content_type = ?, last_error = '',"
    " download_attempts = download_attempts + 1";
const char kDownloadFailed[] =
    "UPDATE voicemails SET download_state = ?, last_error = ?, next_attempt_at = ?,"
    " download_attempts = download_attempts + 1";

} // namespace

struct PostgresVoicemailStore::Statements
{
    explicit Statements(const QSqlDatabase &db)
        : claimDueDownloads(db)
        , storeAudio(db)
        , downloadFailed(db)
    {
        claimDueDownloads.prepare(QLatin1String(kClaimDueDownloads));
        storeAudio.prepare(withCallLockedAndRevised(kStoreAudio));
        downloadFailed.prepare(withCallLockedAndRevised(kDownloadFailed));
    }

    QSqlQuery claimDueDownloads;
    QSqlQuery storeAudio;
    QSqlQuery downloadFailed;
};

PostgresVoicemailStore::PostgresVoicemailStore(Database &database)
    : m_statements(database)
{}

PostgresVoicemailStore::~PostgresVoicemailStore() = default;

bool PostgresVoicemailStore::reconnect()
{
    QString error;
    if (m_statements.reconnect(&error))
        return true;
    setLastError(error);
    return false;
}

QList<VoicemailStore::Download>
PostgresVoicemailStore::claimDueDownloads(const QDateTime &now, int limit, int leaseSeconds)
{
    const auto claim = [&] {
        QSqlQuery &query = m_statements->claimDueDownloads; // replaced by a reconnect
        bindClaim(query, now, limit, leaseSeconds);
        return exec(query);
    };
    // Maybe the first statement on a connection the server has dropped since: then once more
    // on a new one.
    if (!claim() && !(reconnect() && claim()))
        return {};
    return claimed(m_statements->claimDueDownloads);
}

bool PostgresVoicemailStore::storeAudio(const QString &callSid, const QByteArray &audio,
                                        const QString &sha256, const QString &contentType)
{
    // As base64: see kStoreAudio.
    return changeVoicemail(
        &Statements::storeAudio, callSid,
        {QString::fromLatin1(audio.toBase64()), qint64(audio.size()), sha256, contentType});
}

bool PostgresVoicemailStore::recordDownloadFailure(const QString &callSid,
                                                   const QString &downloadState,
                                                   const QString &error, qint64 nextAttemptAtMs)
{
    return changeVoicemail(&Statements::downloadFailed, callSid,
                           {downloadState, error, nextAttemptAtMs});
}

bool PostgresVoicemailStore::changeVoicemail(QSqlQuery Statements::*update, const QString &callSid,
                                             const QVariantList &values)
{
    // The statement is looked up again after a reconnect, which prepares new ones.
    const auto run = [&] {
        QSqlQuery &query = (*m_statements).*update;
        int parameters = 0;
        query.bindValue(parameters++, callSid); // for the lock
        for (const QVariant &value : values)
            query.bindValue(parameters++, value);
        query.bindValue(parameters++, callSid);
        const bool done = exec(query);
        unbind(query, parameters); // let go of the audio
        return done;
    };
    // Maybe the first statement on a connection the server has dropped since: then once more
    // on a new one.
    if (!run() && !(reconnect() && run()))
        return false;
    QSqlQuery &query = (*m_statements).*update;
    const bool found = query.next();
    query.finish();
    return found || noVoicemail(callSid);
}

} // namespace Switchboard
