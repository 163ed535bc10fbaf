#include "SqliteCallWriter.h"

#include "CallBatch.h"
#include "CallRows.h"
#include "Database.h"

#include <QSqlError>

namespace Switchboard {

SqliteCallWriter::SqliteCallWriter(Database &database)
    : m_selectCalls(database.connection())
    , m_upsertCall(database.connection())
    , m_insertEvent(database.connection())
    , m_deleteVoicemail(database.connection())
    , m_upsertVoicemail(database.connection())
    , m_control(database.connection())
{
    // The calls, with the batch's digests their timelines already have (both lists JSON
    // arrays, read with json_each):
    m_selectCalls.prepare(
        CallRows::selectSql(QStringLiteral(
            "(SELECT group_concat(e.digest, ',') FROM call_events e"
            " WHERE e.call_sid = c.call_sid AND e.digest IN (SELECT value FROM json_each(?)))")) +
        QStringLiteral(" WHERE c.call_sid IN (SELECT value FROM json_each(?))"));
    // Then a statement per row, its values bound (CallBatch::Row): on SQLite, running a
    // prepared statement costs less than building and parsing a JSON array of the rows. Each
    // call written takes the next revision.
    m_upsertCall.prepare(QStringLiteral(
        "INSERT INTO calls (call_sid, account_sid, from_number, to_number, caller_name,"
        " from_city, from_state, from_country, started_at, answered_at, ended_at, status,"
        " duration_s, menu_choice, forwarded_to, dial_status, talk_duration_s, outcome, revision,"
        " answered_by_name, answered_by_number, reason, route, transcription_recording_sid,"
        " transcription_text, transcription_status, direction, call_back_of, called_back_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " (SELECT COALESCE(MAX(revision), 0) + 1 FROM calls), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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
    m_insertEvent.prepare(QStringLiteral(
        "INSERT INTO call_events (call_sid, received_at, kind, call_status, digest, params)"
        " VALUES (?, ?, ?, ?, ?, ?)"));
    m_deleteVoicemail.prepare(QStringLiteral("DELETE FROM voicemails WHERE call_sid = ?"));
    m_upsertVoicemail.prepare(QStringLiteral(
        "INSERT INTO voicemails (call_sid, recording_sid, recording_url, recording_status,"
        " duration_s, created_at) VALUES (?, ?, ?, ?, ?, ?)"
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
    for (const CallBatch::Row &call : rows.calls) {
        // SQLite's writer holds the write lock: no revision read needs checking.
        if (!execRow(m_upsertCall, call, CallBatch::kReadRevisionColumn))
            return false;
    }
    const QList<CallBatch::Row> events = batch.newEventRows();
    for (const CallBatch::Row &event : events) {
        if (!execRow(m_insertEvent, event))
            return false;
    }
    for (const QString &callSid : rows.voicemailsGone) {
        m_deleteVoicemail.bindValue(0, callSid);
        if (!exec(m_deleteVoicemail))
            return false;
    }
    for (const CallBatch::Row &voicemail : rows.voicemails) {
        if (!execRow(m_upsertVoicemail, voicemail))
            return false;
    }
    return true;
}

bool SqliteCallWriter::execRow(QSqlQuery &statement, const QVariantList &row, qsizetype skip)
{
    int position = 0;
    for (qsizetype column = 0; column < row.size(); ++column) {
        if (column != skip)
            statement.bindValue(position++, row.at(column));
    }
    return exec(statement);
}

} // namespace Switchboard
