#include "CallReader.h"

#include "CallRows.h"
#include "Database.h"
#include "twilio/MenuKeys.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

namespace Switchboard {

CallReader::CallReader(Database &database)
    : m_database(database)
{}

std::optional<CallRecord> CallReader::call(const QString &callSid)
{
    QSqlQuery query(m_database.connection());
    query.prepare(CallRows::selectSql() + QStringLiteral(" WHERE c.call_sid = ?"));
    query.addBindValue(callSid);
    if (!query.exec()) {
        m_lastError = query.lastError().text();
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    return CallRows::fromQuery(query);
}

std::optional<MenuChoice> CallReader::menuChoice(const QString &callSid)
{
    m_lastError.clear(); // the reader is kept: an earlier failure is not this one's
    QSqlQuery &query =
        prepared(m_menuChoice, QStringLiteral("SELECT menu_choice FROM calls WHERE call_sid = ?"));
    query.bindValue(0, callSid);
    if (!query.exec()) {
        m_lastError = query.lastError().text();
        m_menuChoice.reset();
        return std::nullopt;
    }
    const std::optional<MenuChoice> choice =
        query.next() ? std::optional(menuChoiceFromString(query.value(0).toString()))
                     : std::nullopt;
    query.finish(); // no snapshot left pinned
    return choice;
}

QSqlQuery &CallReader::prepared(std::unique_ptr<QSqlQuery> &statement, const QString &sql)
{
    if (!statement) {
        statement = std::make_unique<QSqlQuery>(m_database.connection());
        statement->setForwardOnly(true);
        statement->prepare(sql); // a failure shows in exec()
    }
    return *statement;
}

bool CallReader::forEachCall(const std::function<bool(const CallRecord &)> &visit)
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    if (!query.exec(CallRows::selectSql() +
                    QStringLiteral(" ORDER BY c.started_at DESC, c.call_sid DESC"))) {
        m_lastError = query.lastError().text();
        return false;
    }
    while (query.next()) {
        if (!visit(CallRows::fromQuery(query)))
            break;
    }
    return true;
}

QList<CallEvent> CallReader::timeline(const QString &callSid)
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(
        QStringLiteral("SELECT id, received_at, kind, call_status, params FROM call_events"
                       " WHERE call_sid = ? ORDER BY received_at, id"));
    query.addBindValue(callSid);
    QList<CallEvent> events;
    if (!query.exec()) {
        m_lastError = query.lastError().text();
        return events;
    }
    while (query.next()) {
        CallEvent event;
        event.id = query.value(0).toLongLong();
        event.receivedAt = CallRows::fromColumn(query.value(1));
        event.kind = webhookKindFromString(query.value(2).toString()).value_or(WebhookKind::Voice);
        event.callStatus = query.value(3).toString();
        const QByteArray params = query.value(4).toByteArray();
        if (params.startsWith('[')) { // by earlier versions: a JSON array of [name, value] pairs
            for (const QJsonValue pair : QJsonDocument::fromJson(params).array())
                event.params.add(pair[0].toString(), pair[1].toString());
        } else {
            event.params = FormData::decode(params);
        }
        events.append(event);
    }
    return events;
}

std::optional<bool> CallReader::hasAcceptedLeg(const QString &callSid, const QString &dialCallSid)
{
    m_lastError.clear();
    QSqlQuery &query = prepared(
        m_screenResults, QStringLiteral("SELECT params FROM call_events"
                                        " WHERE kind = 'screen-result' AND call_sid IN (?, ?)"));
    query.bindValue(0, callSid);
    query.bindValue(1, dialCallSid.isEmpty() ? callSid : dialCallSid);
    if (!query.exec()) {
        m_lastError = query.lastError().text();
        m_screenResults.reset();
        return std::nullopt;
    }
    bool accepted = false;
    while (query.next()) {
        const FormData params = FormData::decode(query.value(0).toByteArray());
        accepted =
            accepted ||
            (screenAccepted(params.value(QStringLiteral("Digits"))) &&
             params.value(QStringLiteral("ParentCallSid")) == callSid &&
             (dialCallSid.isEmpty() || params.value(QStringLiteral("CallSid")) == dialCallSid));
    }
    query.finish(); // no snapshot left pinned
    return accepted;
}

QByteArray CallReader::voicemailAudio(const QString &callSid, QString *contentType)
{
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral("SELECT audio, content_type FROM voicemails WHERE call_sid = ?"));
    query.addBindValue(callSid);
    if (!query.exec()) {
        m_lastError = query.lastError().text();
        return {};
    }
    if (!query.next())
        return {};
    if (contentType)
        *contentType = query.value(1).toString();
    return query.value(0).toByteArray();
}

std::optional<CallReader::SizedAudio> CallReader::voicemailAudioUpTo(const QString &callSid,
                                                                     qint64 maxBytes)
{
    // length() of a blob reads its size, not its content (SQLite and PostgreSQL alike).
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral("SELECT length(audio), CASE WHEN length(audio) <= ? THEN audio "
                                 "END, content_type FROM voicemails WHERE call_sid = ?"));
    query.addBindValue(maxBytes);
    query.addBindValue(callSid);
    if (!query.exec()) {
        m_lastError = query.lastError().text();
        return std::nullopt;
    }
    SizedAudio stored;
    if (!query.next())
        return stored;
    stored.size = query.value(0).toLongLong();
    stored.audio = query.value(1).toByteArray();
    stored.contentType = query.value(2).toString();
    return stored;
}

std::optional<std::map<QString, qint64>> CallReader::callsByOutcome()
{
    return countBy(QStringLiteral("SELECT outcome, COUNT(*) FROM calls GROUP BY outcome"));
}

std::optional<std::map<QString, qint64>> CallReader::voicemailsByDownloadState()
{
    return countBy(
        QStringLiteral("SELECT download_state, COUNT(*) FROM voicemails GROUP BY download_state"));
}

std::optional<qint64> CallReader::callCount()
{
    return count(QStringLiteral("SELECT COUNT(*) FROM calls"));
}

std::optional<qint64> CallReader::eventCount()
{
    return count(QStringLiteral("SELECT COUNT(*) FROM call_events"));
}

std::optional<qint64> CallReader::count(const QString &sql)
{
    QSqlQuery query(m_database.connection());
    if (!query.exec(sql) || !query.next()) {
        m_lastError = query.lastError().text();
        return std::nullopt;
    }
    const qint64 count = query.value(0).toLongLong();
    query.finish();
    return count;
}

std::optional<std::map<QString, qint64>> CallReader::countBy(const QString &sql)
{
    QSqlQuery query(m_database.connection());
    if (!query.exec(sql)) {
        m_lastError = query.lastError().text();
        return std::nullopt;
    }
    std::map<QString, qint64> counts;
    while (query.next())
        counts[query.value(0).toString()] = query.value(1).toLongLong();
    return counts;
}

} // namespace Switchboard
