#pragma once

#include <QSqlQuery>
#include <QString>
#include <QVariant>

namespace Switchboard {

class Database;

// Rows written straight into the log's tables, all in one transaction, around CallWriter:
// how the benchmarks fill a big log, or one of an older schema, fast. Nothing keeps a call's
// row, timeline and revision consistent here: that is the caller's business.
class CallLogFill final
{
public:
    explicit CallLogFill(Database &database);
    ~CallLogFill();
    Q_DISABLE_COPY_MOVE(CallLogFill)

    bool begin();
    // Empties the calls, their timelines and their voicemails (inside the fill's transaction).
    bool clear();
    // A calls row: call_sid, account_sid, from_number, to_number, caller_name, from_city,
    // from_state, from_country, started_at, answered_at, ended_at, status, duration_s,
    // menu_choice, forwarded_to, dial_status, talk_duration_s, outcome, revision.
    bool insertCall(const QVariantList &columns);
    // The same, followed by answered_by_name, answered_by_number (schema 5 on) and direction
    // (schema 6 on).
    bool insertAnsweredCall(const QVariantList &columns);
    // A completed recording's voicemails row: call_sid, recording_sid, recording_url,
    // duration_s, created_at, download_state, heard_at.
    bool insertVoicemail(const QVariantList &columns);
    // An in-progress status callback's call_events row (the columns of schema 2 on).
    bool insertStatusEvent(const QString &callSid, qint64 receivedAt, const QString &digest,
                           const QString &params);
    bool commit();
    // After the commit: what autovacuum does on a PostgreSQL server that has been running
    // (VACUUM ANALYZE: statistics for the planner, and the visibility map that lets an
    // index-only scan skip the table). Nothing on SQLite, whose log the service never analyzes.
    bool settle();

    QString lastError() const { return m_lastError; }

private:
    bool insert(QSqlQuery &statement, const QString &sql, const QVariantList &values);

    Database &m_database;
    QSqlQuery m_insertCall;
    QSqlQuery m_insertAnsweredCall;
    QSqlQuery m_insertVoicemail;
    QSqlQuery m_insertStatusEvent;
    QString m_lastError;
};

} // namespace Switchboard
