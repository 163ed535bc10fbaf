#include "PostgresCallWriter.h"

#include "CallBatch.h"
#include "CallRows.h"
#include "Database.h"

#include <QSqlError>

namespace Switchboard {
namespace {

// A batch's rows come as JSON arrays of arrays (CallBatch::Rows): one parameter, one round
// trip, however many rows. jsonb: parsed once, where each ->> on a json value would parse its
// row again. "= ANY (ARRAY(...))", not "IN (set-returning function)", which PostgreSQL plans
// as a scan of the whole table.
//
// The batch's calls (CallRows::selectSql()), with the digests of the batch their timelines
// already have.
const char kKnownDigests[] =
    "(SELECT string_agg(e.digest, ',') FROM call_events e WHERE e.call_sid = c.call_sid"
    " AND e.digest = ANY (ARRAY(SELECT jsonb_array_elements_text(?::jsonb))))";
const char kWhereCallOfBatch[] =
    " WHERE c.call_sid = ANY (ARRAY(SELECT jsonb_array_elements_text(?::jsonb)))";

// A batch in one statement, which commits on its own. `held` first takes, without waiting,
// the locks of the changed calls (advisory locks: kept in memory, where a row lock would be
// written to the table and its WAL; MATERIALIZED: tried once, before `written` reads it).
// `written` upserts the calls held: a new call gets a fresh revision; an existing row is
// updated only if its revision is still the one read (NULL for a call the batch found no row
// of). The events and voicemails are written for the calls written only. Every data-changing
// WITH query runs to completion, whether or not it is read. The result: the calls written,
// each notified to listeners when the statement commits (%1: the channel).
const char kWriteBatch[] =
    "WITH held AS MATERIALIZED (SELECT sid AS call_sid"
    " FROM jsonb_array_elements_text(?::jsonb) AS sid"
    " WHERE pg_try_advisory_xact_lock(hashtext(sid))),"
    " written AS (INSERT INTO calls (call_sid, account_sid, from_number, to_number,"
    " caller_name, from_city, from_state, from_country, started_at, answered_at, ended_at,"
    " status, duration_s, menu_choice, forwarded_to, dial_status, talk_duration_s, outcome,"
    " revision, answered_by_name, answered_by_number, reason, route,"
    " transcription_recording_sid, transcription_text, transcription_status, direction, "
    "call_back_of, called_back_by)"
    " SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4,"
    " r.value ->> 5, r.value ->> 6, r.value ->> 7, (r.value ->> 8)::BIGINT,"
    " (r.value ->> 9)::BIGINT, (r.value ->> 10)::BIGINT, r.value ->> 11,"
    " (r.value ->> 12)::INTEGER, r.value ->> 13, r.value ->> 14, r.value ->> 15,"
    " (r.value ->> 16)::INTEGER, r.value ->> 17,"
    " COALESCE((r.value ->> 18)::BIGINT, nextval('call_revisions')),"
    " r.value ->> 19, r.value ->> 20, r.value ->> 21, r.value ->> 22, r.value ->> 23,"
    " r.value ->> 24, r.value ->> 25, r.value ->> 26, r.value ->> 27, r.value ->> 28"
    " FROM jsonb_array_elements(?::jsonb) WITH ORDINALITY AS r(value, key)"
    " WHERE r.value ->> 0 IN (SELECT call_sid FROM held)"
    " ON CONFLICT (call_sid) DO UPDATE SET"
    " account_sid = excluded.account_sid, from_number = excluded.from_number,"
    " to_number = excluded.to_number, caller_name = excluded.caller_name,"
    " from_city = excluded.from_city, from_state = excluded.from_state,"
    " from_country = excluded.from_country, started_at = excluded.started_at,"
    " answered_at = excluded.answered_at, ended_at = excluded.ended_at,"
    " status = excluded.status, duration_s = excluded.duration_s,"
    " menu_choice = excluded.menu_choice, forwarded_to = excluded.forwarded_to,"
    " dial_status = excluded.dial_status, talk_duration_s = excluded.talk_duration_s,"
    " outcome = excluded.outcome, revision = nextval('call_revisions'),"
    " answered_by_name = excluded.answered_by_name,"
    " answered_by_number = excluded.answered_by_number, reason = excluded.reason,"
    " route = excluded.route,"
    " transcription_recording_sid = excluded.transcription_recording_sid,"
    " transcription_text = excluded.transcription_text,"
    " transcription_status = excluded.transcription_status,"
    " direction = excluded.direction, call_back_of = excluded.call_back_of,"
    " called_back_by = excluded.called_back_by"
    " WHERE calls.revision = excluded.revision"
    " RETURNING call_sid, pg_notify('%1', call_sid)),"
    " events AS (INSERT INTO call_events (call_sid, received_at, kind, call_status, digest,"
    " params)"
    " SELECT r.value ->> 0, (r.value ->> 1)::BIGINT, r.value ->> 2, r.value ->> 3,"
    " r.value ->> 4, r.value ->> 5"
    " FROM jsonb_array_elements(?::jsonb) WITH ORDINALITY AS r(value, key)"
    " WHERE r.value ->> 0 IN (SELECT call_sid FROM written) ORDER BY r.key),"
    " voicemails_gone AS (DELETE FROM voicemails"
    " WHERE call_sid = ANY (ARRAY(SELECT jsonb_array_elements_text(?::jsonb)))"
    " AND call_sid IN (SELECT call_sid FROM written)),"
    " voicemails AS (INSERT INTO voicemails (call_sid, recording_sid, recording_url,"
    " recording_status, duration_s, created_at)"
    " SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3,"
    " (r.value ->> 4)::INTEGER, (r.value ->> 5)::BIGINT"
    " FROM jsonb_array_elements(?::jsonb) WITH ORDINALITY AS r(value, key)"
    " WHERE r.value ->> 0 IN (SELECT call_sid FROM written)"
    " ON CONFLICT (call_sid) DO UPDATE SET recording_status = excluded.recording_status)"
    " SELECT * FROM written";

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

// Prepared once per connection: preparing costs more than running these statements.
struct PostgresCallWriter::Statements
{
    explicit Statements(const QSqlDatabase &db)
        : selectCalls(db)
        , writeBatch(db)
        , claimDueDownloads(db)
        , storeAudio(db)
        , downloadFailed(db)
    {}

    QSqlQuery selectCalls;
    QSqlQuery writeBatch;
    QSqlQuery claimDueDownloads;
    QSqlQuery storeAudio;
    QSqlQuery downloadFailed;
};

PostgresCallWriter::PostgresCallWriter(Database &database)
    : m_database(database)
{
    prepare();
}

PostgresCallWriter::~PostgresCallWriter() = default;

void PostgresCallWriter::prepare()
{
    m_statements = std::make_unique<Statements>(m_database.connection());
    Statements &s = *m_statements;
    // Every statement here finds its rows by key. They are planned once per connection, maybe
    // while the log is still empty: the plan must stay an index lookup as the tables grow,
    // before statistics catch up.
    QSqlQuery(m_database.connection()).exec(QStringLiteral("SET enable_seqscan = off"));
    s.selectCalls.prepare(CallRows::selectSql(QLatin1String(kKnownDigests)) +
                          QLatin1String(kWhereCallOfBatch));
    s.writeBatch.prepare(QString::fromLatin1(kWriteBatch).arg(SqlDialect::callChangesChannel()));
    s.claimDueDownloads.prepare(QLatin1String(kClaimDueDownloads));
    s.storeAudio.prepare(withCallLockedAndRevised(kStoreAudio));
    s.downloadFailed.prepare(withCallLockedAndRevised(kDownloadFailed));
}

bool PostgresCallWriter::reconnect()
{
    m_statements.reset(); // no query may hold the old connection while it is replaced
    QString error;
    const bool reconnected = m_database.reconnect(&error);
    if (!reconnected)
        setLastError(error);
    prepare();
    return reconnected;
}

bool PostgresCallWriter::recordAll(const QList<CallWriter::Event> &events,
                                   QList<CallWriter::Result> *results)
{
    CallBatch batch(events);
    QString error;
    // Maybe the first statement on a connection the server has dropped since: then once more
    // on a new one.
    if (!batch.readCalls(m_statements->selectCalls, &error)) {
        setLastError(error);
        if (!reconnect())
            return false;
        if (!batch.readCalls(m_statements->selectCalls, &error)) {
            setLastError(error);
            return false;
        }
    }
    batch.fold();
    QSet<QString> written;
    if (batch.changesAnything()) {
        const CallBatch::Rows rows = batch.rows();
        QSqlQuery &write = m_statements->writeBatch;
        write.bindValue(0, batch.changedCalls());
        write.bindValue(1, rows.calls);
        write.bindValue(2, rows.events);
        write.bindValue(3, rows.voicemailsGone);
        write.bindValue(4, rows.voicemails);
        if (!exec(write))
            return false;
        while (write.next())
            written.insert(write.value(0).toString());
        write.finish();
    }
    *results = batch.resultsIfWritten(written);
    return true;
}

QList<CallWriter::Download> PostgresCallWriter::claimDueDownloads(const QDateTime &now, int limit,
                                                                  int leaseSeconds)
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

QSqlQuery &PostgresCallWriter::statement(VoicemailChange change)
{
    switch (change) {
    case VoicemailChange::StoreAudio:
        return m_statements->storeAudio;
    case VoicemailChange::DownloadFailed:
        break;
    }
    return m_statements->downloadFailed;
}

bool PostgresCallWriter::changeVoicemail(VoicemailChange change, const QString &callSid,
                                         const QVariantList &values)
{
    // The statement is looked up again after a reconnect, which prepares new ones.
    const auto run = [&] {
        QSqlQuery &query = statement(change);
        int parameter = 0;
        query.bindValue(parameter++, callSid); // for the lock
        for (const QVariant &value : values)
            query.bindValue(parameter++, value);
        if (change == VoicemailChange::StoreAudio) // see kStoreAudio
            query.bindValue(1, QString::fromLatin1(values.constFirst().toByteArray().toBase64()));
        query.bindValue(parameter, callSid);
        const bool done = exec(query);
        for (int i = 0; i <= parameter; ++i)
            query.bindValue(i, QVariant()); // let go of the audio
        return done;
    };
    // Maybe the first statement on a connection the server has dropped since: then once more
    // on a new one.
    if (!run() && !(reconnect() && run()))
        return false;
    QSqlQuery &query = statement(change);
    const bool found = query.next();
    query.finish();
    return found || noVoicemail(callSid);
}

} // namespace Switchboard
