#include "ChurnLedger.h"

#include "db/Database.h"

#include <QSqlError>
#include <QSqlQuery>

namespace Switchboard::Testing {
namespace {

constexpr int kProblemsNamed = 10;

} // namespace

QString ChurnLedger::key(const QString &callSid, const QString &kind)
{
    return callSid + QLatin1Char(' ') + kind;
}

void ChurnLedger::sent(const QString &callSid, const QString &kind)
{
    ++m_webhooks[key(callSid, kind)].sent;
    m_callSids.insert(callSid);
    ++m_sent;
}

void ChurnLedger::acknowledged(const QString &callSid, const QString &kind)
{
    ++m_webhooks[key(callSid, kind)].acknowledged;
    ++m_acknowledged;
}

void ChurnLedger::cutShort(const QString &callSid)
{
    m_cutShort.insert(callSid);
}

QStringList ChurnLedger::check(Database &log, int *eventsLogged) const
{
    QStringList problems;
    const auto problem = [&problems](const QString &text) {
        if (problems.size() < kProblemsNamed)
            problems.append(text);
        else if (problems.size() == kProblemsNamed)
            problems.append(QStringLiteral("..."));
    };

    QHash<QString, int> logged; // events by key()
    QSet<QString> loggedCalls;
    *eventsLogged = 0;
    QSqlQuery events(log.connection());
    if (!events.exec(QStringLiteral(
            "SELECT call_sid, kind, COUNT(*) FROM call_events GROUP BY call_sid, kind")))
        return {QStringLiteral("reading call_events: ") + events.lastError().text()};
    while (events.next()) {
        const QString callSid = events.value(0).toString();
        logged.insert(key(callSid, events.value(1).toString()), events.value(2).toInt());
        loggedCalls.insert(callSid);
        *eventsLogged += events.value(2).toInt();
    }
    QHash<QString, int> rows; // call rows by CallSid
    QSqlQuery calls(log.connection());
    if (!calls.exec(QStringLiteral("SELECT call_sid, COUNT(*) FROM calls GROUP BY call_sid")))
        return {QStringLiteral("reading calls: ") + calls.lastError().text()};
    while (calls.next())
        rows.insert(calls.value(0).toString(), calls.value(1).toInt());

    QSet<QString> acknowledgedCalls;
    for (auto it = m_webhooks.cbegin(); it != m_webhooks.cend(); ++it) {
        const int count = logged.value(it.key());
        if (count < it->acknowledged)
            problem(QStringLiteral("%1: %2 acknowledged, %3 in the log")
                        .arg(it.key())
                        .arg(it->acknowledged)
                        .arg(count));
        if (count > it->sent)
            problem(QStringLiteral("%1: %2 sent, %3 in the log (recorded twice)")
                        .arg(it.key())
                        .arg(it->sent)
                        .arg(count));
        if (it->acknowledged > 0)
            acknowledgedCalls.insert(it.key().section(QLatin1Char(' '), 0, 0));
    }
    for (const QString &callSid : std::as_const(acknowledgedCalls)) {
        if (rows.value(callSid) != 1)
            problem(QStringLiteral("%1: %2 call rows for an acknowledged call")
                        .arg(callSid)
                        .arg(rows.value(callSid)));
    }
    for (auto it = logged.cbegin(); it != logged.cend(); ++it) {
        if (!m_webhooks.contains(it.key()))
            problem(QStringLiteral("%1: in the log, never sent").arg(it.key()));
    }
    for (auto it = rows.cbegin(); it != rows.cend(); ++it) {
        if (!m_callSids.contains(it.key()))
            problem(QStringLiteral("%1: a call row for a call nothing was sent for").arg(it.key()));
    }
    for (const QString &callSid : m_cutShort) {
        if (rows.contains(callSid) || loggedCalls.contains(callSid))
            problem(QStringLiteral("%1: its only request was cut short, yet it is in the log")
                        .arg(callSid));
    }
    return problems;
}

} // namespace Switchboard::Testing
