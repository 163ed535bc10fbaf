#include "CallLogFill.h"

#include "Database.h"

#include <QSqlError>

namespace Switchboard {

CallLogFill::CallLogFill(Database &database)
    : m_database(database)
    , m_insertCall(database.connection())
    , m_insertAnsweredCall(database.connection())
    , m_insertVoicemail(database.connection())
    , m_insertStatusEvent(database.connection())
{}

CallLogFill::~CallLogFill() = default;

bool CallLogFill::begin()
{
    QSqlQuery control(m_database.connection());
    if (control.exec(QStringLiteral("BEGIN")))
        return true;
    m_lastError = control.lastError().text();
    return false;
}

bool CallLogFill::clear()
{
    QSqlQuery clear(m_database.connection());
    for (const char *sql :
         {"DELETE FROM voicemails", "DELETE FROM call_events", "DELETE FROM calls"}) {
        if (!clear.exec(QLatin1String(sql))) {
            m_lastError = QLatin1String(sql) + QStringLiteral(": ") + clear.lastError().text();
            return false;
        }
    }
    return true;
}

bool CallLogFill::commit()
{
    QSqlQuery control(m_database.connection());
    if (control.exec(QStringLiteral("COMMIT")))
        return true;
    m_lastError = control.lastError().text();
    return false;
}

bool CallLogFill::settle()
{
    if (m_database.dialect().isSqlite())
        return true;
    QSqlQuery vacuum(m_database.connection());
    if (vacuum.exec(QStringLiteral("VACUUM ANALYZE")))
        return true;
    m_lastError = QStringLiteral("VACUUM ANALYZE: ") + vacuum.lastError().text();
    return false;
}

bool CallLogFill::insertCall(const QVariantList &columns)
{
    return insert(
        m_insertCall,
        QStringLiteral(
            "INSERT INTO calls (call_sid, account_sid, from_number, to_number, caller_name,"
            " from_city, from_state, from_country, started_at, answered_at, ended_at, status,"
            " duration_s, menu_choice, forwarded_to, dial_status, talk_duration_s, outcome,"
            " revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        columns);
}

bool CallLogFill::insertAnsweredCall(const QVariantList &columns)
{
    return insert(
        m_insertAnsweredCall,
        QStringLiteral(
            "INSERT INTO calls (call_sid, account_sid, from_number, to_number, caller_name,"
            " from_city, from_state, from_country, started_at, answered_at, ended_at, status,"
            " duration_s, menu_choice, forwarded_to, dial_status, talk_duration_s, outcome,"
            " revision, answered_by_name, answered_by_number, direction) VALUES (?, ?, ?, ?, ?,"
            " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        columns);
}

bool CallLogFill::insertVoicemail(const QVariantList &columns)
{
    return insert(m_insertVoicemail,
                  QStringLiteral("INSERT INTO voicemails (call_sid, recording_sid, recording_url,"
                                 " recording_status, duration_s, created_at, download_state,"
                                 " heard_at) VALUES (?, ?, ?, 'completed', ?, ?, ?, ?)"),
                  columns);
}

bool CallLogFill::insertStatusEvent(const QString &callSid, qint64 receivedAt,
                                    const QString &digest, const QString &params)
{
    return insert(m_insertStatusEvent,
                  QStringLiteral("INSERT INTO call_events (call_sid, received_at, kind,"
                                 " call_status, digest, params)"
                                 " VALUES (?, ?, 'status', 'in-progress', ?, ?)"),
                  {callSid, receivedAt, digest, params});
}

bool CallLogFill::insert(QSqlQuery &statement, const QString &sql, const QVariantList &values)
{
    // Prepared at the first row: preparing costs more than inserting one.
    if (statement.lastQuery().isEmpty() && !statement.prepare(sql)) {
        m_lastError = statement.lastError().text();
        return false;
    }
    for (int i = 0; i < values.size(); ++i)
        statement.bindValue(i, values.at(i));
    if (statement.exec())
        return true;
    m_lastError = statement.lastError().text();
    return false;
}

} // namespace Switchboard
