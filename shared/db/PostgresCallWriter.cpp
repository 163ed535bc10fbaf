#include "PostgresCallWriter.h"

#include "CallBatch.h"
#include "CallRows.h"
#include "Database.h"

#include <QSqlError>

namespace Switchboard {
namespace {

// A batch's rows come as JSON arrays of arrays (CallBatch::json()): one parameter, one round
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

} // namespace

struct PostgresCallWriter::Statements
{
    explicit Statements(const QSqlDatabase &db)
        : selectCalls(db)
        , writeBatch(db)
    {
        selectCalls.prepare(CallRows::selectSql(QLatin1String(kKnownDigests)) +
                            QLatin1String(kWhereCallOfBatch));
        writeBatch.prepare(QString::fromLatin1(kWriteBatch).arg(SqlDialect::callChangesChannel()));
    }

    QSqlQuery selectCalls;
    QSqlQuery writeBatch;
};

PostgresCallWriter::PostgresCallWriter(Database &database)
    : m_statements(database)
{}

PostgresCallWriter::~PostgresCallWriter() = default;

bool PostgresCallWriter::reconnect()
{
    QString error;
    if (m_statements.reconnect(&error))
        return true;
    setLastError(error);
    return false;
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
        write.bindValue(1, CallBatch::json(rows.calls));
        write.bindValue(2, CallBatch::json(batch.newEventRows()));
        write.bindValue(3, CallBatch::json(rows.voicemailsGone));
        write.bindValue(4, CallBatch::json(rows.voicemails));
        if (!exec(write))
            return false;
        while (write.next())
            written.insert(write.value(0).toString());
        write.finish();
    }
    *results = batch.resultsIfWritten(written);
    return true;
}

} // namespace Switchboard
