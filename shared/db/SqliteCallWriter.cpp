#include "SqliteCallWriter.h"

#include "CallBatch.h"
#include "CallRows.h"
#include "Database.h"

#include <QSqlError>

namespace Switchboard {

SqliteCallWriter::SqliteCallWriter(Database &database)
    : m_selectCalls(database.connection())
    , m_upsertCalls(database.connection())
    , m_insertEvents(database.connection())
    , m_deleteVoicemails(database.connection())
    , m_upsertVoicemails(database.connection())
    , m_control(database.connection())
{
    // A batch's rows come as JSON arrays of arrays (CallBatch::Rows), read with json_each:
    // r.value ->> n is the row's element n (a JSON number already an integer), r.key its
    // position. The calls, with the batch's digests their timelines already have:
    m_selectCalls.prepare(
        CallRows::selectSql(QStringLiteral(
            "(SELECT group_concat(e.digest, ',') FROM call_events e"
            " WHERE e.call_sid = c.call_sid AND e.digest IN (SELECT value FROM json_each(?)))")) +
        QStringLiteral(" WHERE c.call_sid IN (SELECT value FROM json_each(?))"));
    // SQLite evaluates the MAX once per statement: the row's position keeps revisions apart.
    // "WHERE true" tells the parser that ON CONFLICT is the upsert's, not a join's.
    m_upsertCalls.prepare(QStringLiteral(
        "INSERT INTO calls (call_sid, account_sid, from_number, to_number, caller_name,"
        " from_city, from_state, from_country, started_at, answered_at, ended_at, status,"
        " duration_s, menu_choice, forwarded_to, dial_status, talk_duration_s, outcome, revision,"
        " answered_by_name, answered_by_number, reason, route, transcription_recording_sid,"
        " transcription_text, transcription_status, direction, call_back_of, called_back_by)"
        " SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4,"
        " r.value ->> 5, r.value ->> 6, r.value ->> 7, r.value ->> 8, r.value ->> 9,"
        " r.value ->> 10, r.value ->> 11, r.value ->> 12, r.value ->> 13, r.value ->> 14,"
        " r.value ->> 15, r.value ->> 16, r.value ->> 17,"
        " (SELECT COALESCE(MAX(revision), 0) FROM calls) + 1 + r.key,"
        " r.value ->> 19, r.value ->> 20, r.value ->> 21, r.value ->> 22, r.value ->> 23,"
        " r.value ->> 24, r.value ->> 25, r.value ->> 26, r.value ->> 27, r.value ->> 28"
        " FROM json_each(?) AS r WHERE true"
        " ON CONFLICT (call_sid) DO UPDATE SET"
        " account_sid = excluded.account_sid, from_number = excluded.from_number,"
        " to_number = excluded.to_number, caller_name = excluded.caller_name,"
        " from_city = excluded.from_city, from_state = excluded.from_state,"
        " from_country = excluded.from_country, started_at = excluded.started_at,"
        " answered_at = excluded.answered_at, ended_at = excluded.ended_at,"
        " status = excluded.status, duration_s = excluded.duration_s,"
        " menu_choice = excluded.menu_choice, forwarded_to = excluded.forwarded_to,"
        " dial_status = excluded.dial_status, talk_duration_s = excluded.talk_duration_s,"
        " outcome = excluded.outcome, revision = excluded.revision,"
        " answered_by_name = excluded.answered_by_name,"
        " answered_by_number = excluded.answered_by_number, reason = excluded.reason,"
        " route = excluded.route,"
        " transcription_recording_sid = excluded.transcription_recording_sid,"
        " transcription_text = excluded.transcription_text,"
        " transcription_status = excluded.transcription_status,"
        " direction = excluded.direction, call_back_of = excluded.call_back_of,"
        " called_back_by = excluded.called_back_by"));
    m_insertEvents.prepare(QStringLiteral(
        "INSERT INTO call_events (call_sid, received_at, kind, call_status, digest, params)"
        " SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4,"
        " r.value ->> 5 FROM json_each(?) AS r WHERE true ORDER BY r.key"));
    m_deleteVoicemails.prepare(QStringLiteral(
        "DELETE FROM voicemails WHERE call_sid IN (SELECT value FROM json_each(?))"));
    m_upsertVoicemails.prepare(QStringLiteral(
        "INSERT INTO voicemails (call_sid, recording_sid, recording_url, recording_status,"
        " duration_s, created_at)"
        " SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4,"
        " r.value ->> 5 FROM json_each(?) AS r WHERE true"
        " ON CONFLICT (call_sid) DO UPDATE SET recording_status = excluded.recording_status"));
}

bool SqliteCallWriter::begin()
{
    // IMMEDIATE takes the write lock at once: no other process's commit can invalidate what
    // the transaction reads.
    if (m_control.exec(QStringLiteral("BEGIN IMMEDIATE")))
        return true;
    setLastError(m_control.lastError().text());
    return false;
}

bool SqliteCallWriter::commit()
{
    if (m_control.exec(QStringLiteral("COMMIT")))
        return true;
    setLastError(m_control.lastError().text());
    rollback();
    return false;
}

void SqliteCallWriter::rollback()
{
    m_selectCalls.finish();
    m_control.exec(QStringLiteral("ROLLBACK"));
}

bool SqliteCallWriter::recordAll(const QList<CallWriter::Event> &events,
                                 QList<CallWriter::Result> *results)
{
    CallBatch batch(events);
    if (!begin())
        return false;
    QString error;
    if (!batch.readCalls(m_selectCalls, &error)) {
        setLastError(error);
        rollback();
        return false;
    }
    batch.fold();
    if (!writeCalls(batch)) {
        rollback();
        return false;
    }
    if (!commit())
        return false;
    *results = batch.results();
    return true;
}

bool SqliteCallWriter::writeCalls(const CallBatch &batch)
{
    if (!batch.changesAnything())
        return true;
    const CallBatch::Rows rows = batch.rows();
    m_upsertCalls.bindValue(0, rows.calls);
    if (!exec(m_upsertCalls))
        return false;
    m_insertEvents.bindValue(0, rows.events);
    if (!exec(m_insertEvents))
        return false;
    if (rows.anyVoicemailGone) {
        m_deleteVoicemails.bindValue(0, rows.voicemailsGone);
        if (!exec(m_deleteVoicemails))
            return false;
    }
    if (!rows.anyVoicemail)
        return true;
    m_upsertVoicemails.bindValue(0, rows.voicemails);
    return exec(m_upsertVoicemails);
}

} // namespace Switchboard
