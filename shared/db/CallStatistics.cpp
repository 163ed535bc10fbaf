#include "CallStatistics.h"

#include "Database.h"
#include "StatisticsSql.h"

#include <algorithm>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

namespace Switchboard {
namespace {

static_assert(CallStatistics::kMaxMembers == 100, "StatisticsSql's members read LIMIT 101");

// A call's local wall-clock time in epoch ms: started_at plus the zone's offset at that
// instant. Daylight saving changes the offset inside a range, so the expression names each
// offset the range sees with the instant it starts; dividing the result by an hour or a day
// then buckets by the local clock, a 23- or 25-hour day included. The numbers are ours (from
// QTimeZone), never the user's text.
QString localTimeExpression(const StatisticsRange &range)
{
    const qint64 fromMs = range.from.toMSecsSinceEpoch();
    QString changes;
    qint64 offsetMs = qint64(range.zone.offsetFromUtc(range.from)) * 1000;
    for (const QTimeZone::OffsetData &change : range.zone.transitions(range.from, range.to)) {
        const qint64 atMs = change.atUtc.toMSecsSinceEpoch();
        if (atMs <= fromMs)
            continue;
        changes += QStringLiteral(" WHEN started_at < %1 THEN %2").arg(atMs).arg(offsetMs);
        offsetMs = qint64(change.offsetFromUtc) * 1000;
    }
    if (changes.isEmpty())
        return QStringLiteral("started_at + %1").arg(offsetMs);
    return QStringLiteral("started_at + CASE%1 ELSE %2 END").arg(changes).arg(offsetMs);
}

std::optional<double> optionalDouble(const QVariant &value)
{
    if (value.isNull())
        return std::nullopt;
    return value.toDouble();
}

} // namespace

StatisticsRange StatisticsRange::days(const QDate &first, const QDate &last, const QTimeZone &zone)
{
    return {first.startOfDay(zone), last.addDays(1).startOfDay(zone), zone};
}

qint64 OutcomeCounts::total() const
{
    qint64 sum = 0;
    for (const qint64 count : counts)
        sum += count;
    return sum;
}

CallStatistics::CallStatistics(Database &database)
    : m_database(database)
{}

std::optional<CallFigures> CallStatistics::compute(const StatisticsRange &range)
{
    if (!range.zone.isValid() || !range.from.isValid() || !range.to.isValid() ||
        range.from >= range.to) {
        m_lastError = QStringLiteral("the range is empty or invalid");
        return std::nullopt;
    }
    const QDate firstDay = range.from.toTimeZone(range.zone).date();
    const QDate lastDay = range.to.addMSecs(-1).toTimeZone(range.zone).date();
    if (firstDay.daysTo(lastDay) + 1 > kMaxDays) {
        m_lastError = QStringLiteral("the range spans more than %1 days").arg(kMaxDays);
        return std::nullopt;
    }

    CallFigures figures;
    for (QDate day = firstDay; day <= lastDay; day = day.addDays(1))
        figures.days.append(DayFigures{day, {}});

    const StatisticsSql &sql =
        m_database.dialect().isSqlite() ? StatisticsSql::sqlite() : StatisticsSql::postgres();
    QSqlQuery control(m_database.connection());
    for (const QString &statement : sql.begin) {
        if (!control.exec(statement)) {
            m_lastError = control.lastError().text();
            control.exec(QStringLiteral("ROLLBACK"));
            return std::nullopt;
        }
    }

    const QDate epoch(1970, 1, 1);
    qint64 waits = 0, talkSeconds = 0, withTalk = 0;
    bool ok = run(sql.buckets, range, localTimeExpression(range), {}, [&](const QVariantList &row) {
        const qint64 localHour = row.at(0).toLongLong();
        // Text the log should not hold counts as in progress, as the feed shows it.
        const Outcome outcome = outcomeFromString(row.at(1).toString());
        const qint64 calls = row.at(2).toLongLong();
        const qint64 dayIndex = localHour / 24 - epoch.daysTo(firstDay);
        if (dayIndex < 0 || dayIndex >= figures.days.size())
            return; // cannot be: the range's calls fall on its days
        figures.days[dayIndex].calls[outcome] += calls;
        figures.hours[size_t(localHour % 24)][outcome] += calls;
        figures.total[outcome] += calls;
        waits += row.at(3).toLongLong();
        talkSeconds += row.at(4).toLongLong();
        withTalk += row.at(5).toLongLong();
    });
    if (withTalk > 0)
        figures.averageTalkSeconds = double(talkSeconds) / double(withTalk);

    ok = ok && run(sql.members, range, {}, {}, [&](const QVariantList &row) {
             if (figures.members.size() == kMaxMembers) {
                 figures.membersTruncated = true;
                 return;
             }
             MemberFigures member;
             member.name = row.at(0).toString().left(kMaxNameChars);
             member.number = row.at(1).toString().left(kMaxNameChars);
             member.answered = row.at(2).toLongLong();
             member.talkSeconds = row.at(3).toLongLong();
             const qint64 memberWithTalk = row.at(4).toLongLong();
             if (memberWithTalk > 0)
                 member.averageTalkSeconds = double(member.talkSeconds) / double(memberWithTalk);
             figures.members.append(member);
         });

    const bool sqlite = m_database.dialect().isSqlite();
    // SQLite's medians read the middle one or two of `count` rows in order.
    const auto middle = [sqlite](qint64 count) {
        return sqlite ? QVariantList{2 - count % 2, (count - 1) / 2} : QVariantList{};
    };
    if (ok && waits > 0) {
        ok = run(sql.medianWait, range, {}, middle(waits), [&](const QVariantList &row) {
            if (const auto waitMs = optionalDouble(row.at(0)))
                figures.medianSecondsToAnswer = *waitMs / 1000.0;
        });
    }

    qint64 delays = 0;
    ok = ok && run(sql.voicemails, range, {}, {}, [&](const QVariantList &row) {
             figures.voicemails = row.at(0).toLongLong();
             figures.voicemailsHeard = row.at(1).toLongLong();
             delays = row.at(2).toLongLong();
         });
    if (ok && delays > 0) {
        ok = run(sql.medianHeard, range, {}, middle(delays), [&](const QVariantList &row) {
            if (const auto delayMs = optionalDouble(row.at(0)))
                figures.medianSecondsToHeard = *delayMs / 1000.0;
        });
    }

    if (!ok || !control.exec(sql.end)) {
        if (ok)
            m_lastError = control.lastError().text();
        control.exec(QStringLiteral("ROLLBACK"));
        return std::nullopt;
    }

    const qint64 finished = figures.total.total() - figures.total[Outcome::InProgress] -
                            figures.total[Outcome::Blocked];
    if (finished > 0)
        figures.answerRate = double(figures.total[Outcome::Answered]) / double(finished);
    return figures;
}

bool CallStatistics::run(const QString &sql, const StatisticsRange &range, const QString &localTime,
                         const QVariantList &moreValues,
                         const std::function<void(const QVariantList &)> &row)
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    QString statement = sql;
    statement.replace(QLatin1String("{LOCAL_MS}"), localTime);
    if (!query.prepare(statement)) {
        m_lastError = query.lastError().text();
        return false;
    }
    query.addBindValue(range.from.toMSecsSinceEpoch());
    query.addBindValue(range.to.toMSecsSinceEpoch());
    for (const QVariant &value : moreValues)
        query.addBindValue(value);
    if (!query.exec()) {
        m_lastError = query.lastError().text();
        return false;
    }
    const int columns = query.record().count();
    while (query.next()) {
        QVariantList values;
        values.reserve(columns);
        for (int column = 0; column < columns; ++column)
            values.append(query.value(column));
        row(values);
    }
    if (query.lastError().isValid()) {
        m_lastError = query.lastError().text();
        return false;
    }
    return true;
}

} // namespace Switchboard
