#include "BusinessHours.h"

#include "FlowJson.h"

#include <algorithm>
#include <QJsonArray>

namespace Switchboard {
namespace {

constexpr int kMinutesPerDay = 24 * 60;
const char *const kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

QStringList dayNames()
{
    QStringList names;
    for (const char *day : kDays)
        names.append(QLatin1String(day));
    return names;
}

// "HH:MM" to minutes after midnight; "24:00" only where an interval may end.
std::optional<int> minuteOfDay(const QJsonValue &value, const QString &path, bool isEnd,
                               QString *error)
{
    const auto text = FlowJson::text(value, path, 5, false, error);
    if (!text)
        return std::nullopt;
    const auto digit = [&text](int i) {
        const QChar c = text->at(i);
        return c >= u'0' && c <= u'9' ? std::optional<int>(c.unicode() - u'0') : std::nullopt;
    };
    if (text->size() == 5 && text->at(2) == u':' && digit(0) && digit(1) && digit(3) && digit(4)) {
        const int hours = *digit(0) * 10 + *digit(1), minutes = *digit(3) * 10 + *digit(4);
        if (minutes < 60 && (hours < 24 || (isEnd && hours == 24 && minutes == 0)))
            return hours * 60 + minutes;
    }
    *error = QStringLiteral("%1: %2 is not a time of day as \"HH:MM\" (00:00 to %3)")
                 .arg(path, FlowJson::quoted(*text),
                      isEnd ? QStringLiteral("24:00") : QStringLiteral("23:59"));
    return std::nullopt;
}

QString timeText(int minuteOfDay)
{
    return QStringLiteral("%1:%2")
        .arg(minuteOfDay / 60, 2, 10, QLatin1Char('0'))
        .arg(minuteOfDay % 60, 2, 10, QLatin1Char('0'));
}

std::optional<QList<BusinessHours::Interval>> readDay(const QJsonValue &value, const QString &path,
                                                      QString *error)
{
    const auto items = FlowJson::array(value, path, BusinessHours::kMaxIntervalsPerDay, error);
    if (!items)
        return std::nullopt;
    QList<BusinessHours::Interval> intervals;
    for (qsizetype i = 0; i < items->size(); ++i) {
        const QString itemPath = FlowJson::element(path, i);
        const auto pair = FlowJson::array(items->at(i), itemPath, 2, error);
        if (!pair)
            return std::nullopt;
        if (pair->size() != 2) {
            *error = QStringLiteral("%1: expected [\"HH:MM\", \"HH:MM\"], an opening and a "
                                    "closing time")
                         .arg(itemPath);
            return std::nullopt;
        }
        const auto start = minuteOfDay(pair->at(0), FlowJson::element(itemPath, 0), false, error);
        if (!start)
            return std::nullopt;
        const auto end = minuteOfDay(pair->at(1), FlowJson::element(itemPath, 1), true, error);
        if (!end)
            return std::nullopt;
        if (*end <= *start) {
            *error = QStringLiteral("%1: closes at %2, not after it opens at %3 (hours past "
                                    "midnight are two intervals: until \"24:00\", then from "
                                    "\"00:00\" the next day)")
                         .arg(itemPath, timeText(*end), timeText(*start));
            return std::nullopt;
        }
        for (qsizetype j = 0; j < intervals.size(); ++j) {
            if (*start < intervals.at(j).endMinute && intervals.at(j).startMinute < *end) {
                *error = QStringLiteral("%1: %2-%3 overlaps %4 (%5-%6)")
                             .arg(itemPath, timeText(*start), timeText(*end),
                                  FlowJson::element(path, j), timeText(intervals.at(j).startMinute),
                                  timeText(intervals.at(j).endMinute));
                return std::nullopt;
            }
        }
        intervals.append({*start, *end});
    }
    return intervals;
}

std::optional<QDate> readDate(const QJsonValue &value, const QString &path, QString *error)
{
    const auto text = FlowJson::text(value, path, 10, false, error);
    if (!text)
        return std::nullopt;
    const QDate date = QDate::fromString(*text, Qt::ISODate);
    // The round trip refuses what ISODate would also read, such as a time after the date.
    if (!date.isValid() || date.toString(Qt::ISODate) != *text) {
        *error = QStringLiteral("%1: %2 is not a date as \"YYYY-MM-DD\"")
                     .arg(path, FlowJson::quoted(*text));
        return std::nullopt;
    }
    return date;
}

} // namespace

std::optional<BusinessHours> BusinessHours::fromJson(const QJsonValue &value, const QString &path,
                                                     QString *error)
{
    if (!value.isObject()) {
        *error = FlowJson::wrongType(path, "an object", value);
        return std::nullopt;
    }
    const QJsonObject object = value.toObject();
    *error = FlowJson::unknownKey(
        object, {QStringLiteral("timezone"), QStringLiteral("weekly"), QStringLiteral("closed")},
        path);
    if (!error->isEmpty())
        return std::nullopt;

    BusinessHours hours;
    const QString zonePath = FlowJson::member(path, QStringLiteral("timezone"));
    if (!object.contains(QStringLiteral("timezone"))) {
        *error = QStringLiteral("%1: missing (an IANA time zone such as \"America/New_York\")")
                     .arg(zonePath);
        return std::nullopt;
    }
    const auto zone = FlowJson::text(object.value(QStringLiteral("timezone")), zonePath,
                                     kMaxTimeZoneLength, false, error);
    if (!zone)
        return std::nullopt;
    // Only zones the system knows: a QTimeZone made from an unknown name is invalid.
    const QByteArray zoneId = zone->toUtf8();
    if (!QTimeZone::isTimeZoneIdAvailable(zoneId) || !QTimeZone(zoneId).isValid()) {
        *error = QStringLiteral("%1: %2 is not a known time zone (e.g. \"America/New_York\")")
                     .arg(zonePath, FlowJson::quoted(*zone));
        return std::nullopt;
    }
    hours.m_timeZone = QTimeZone(zoneId);

    // A day that is not listed, like one with [], is closed all day.
    const QString weeklyPath = FlowJson::member(path, QStringLiteral("weekly"));
    const QJsonValue weekly = object.value(QStringLiteral("weekly"));
    if (!weekly.isUndefined()) {
        if (!weekly.isObject()) {
            *error = FlowJson::wrongType(weeklyPath, "an object", weekly);
            return std::nullopt;
        }
        const QJsonObject days = weekly.toObject();
        *error = FlowJson::unknownKey(days, dayNames(), weeklyPath);
        if (!error->isEmpty())
            return std::nullopt;
        for (int day = 0; day < 7; ++day) {
            const QString name = QLatin1String(kDays[day]);
            if (!days.contains(name))
                continue;
            const auto intervals =
                readDay(days.value(name), FlowJson::member(weeklyPath, name), error);
            if (!intervals)
                return std::nullopt;
            hours.m_weekly[day] = *intervals;
        }
    }

    const QString closedPath = FlowJson::member(path, QStringLiteral("closed"));
    const QJsonValue closed = object.value(QStringLiteral("closed"));
    if (!closed.isUndefined()) {
        const auto dates = FlowJson::array(closed, closedPath, kMaxClosedDates, error);
        if (!dates)
            return std::nullopt;
        for (qsizetype i = 0; i < dates->size(); ++i) {
            const QString datePath = FlowJson::element(closedPath, i);
            const auto date = readDate(dates->at(i), datePath, error);
            if (!date)
                return std::nullopt;
            const qsizetype earlier = hours.m_closed.indexOf(*date);
            if (earlier >= 0) {
                *error = QStringLiteral("%1: %2 is already %3")
                             .arg(datePath, date->toString(Qt::ISODate),
                                  FlowJson::element(closedPath, earlier));
                return std::nullopt;
            }
            hours.m_closed.append(*date);
        }
    }
    return hours;
}

QJsonObject BusinessHours::toJson() const
{
    QJsonObject weekly;
    for (int day = 0; day < 7; ++day) {
        QJsonArray intervals;
        for (const Interval &interval : m_weekly.at(day))
            intervals.append(
                QJsonArray{timeText(interval.startMinute), timeText(interval.endMinute)});
        weekly.insert(QLatin1String(kDays[day]), intervals);
    }
    QJsonArray closed;
    for (const QDate &date : m_closed)
        closed.append(date.toString(Qt::ISODate));
    return QJsonObject{{QStringLiteral("timezone"), QString::fromUtf8(m_timeZone.id())},
                       {QStringLiteral("weekly"), weekly},
                       {QStringLiteral("closed"), closed}};
}

bool BusinessHours::isOpen(const QDateTime &moment) const
{
    const QDateTime local = moment.toTimeZone(m_timeZone);
    const QDate date = local.date();
    if (m_closed.contains(date))
        return false;
    const qint64 msecs = local.time().msecsSinceStartOfDay();
    const QList<Interval> &intervals = m_weekly.at(date.dayOfWeek() - 1);
    return std::any_of(intervals.cbegin(), intervals.cend(), [msecs](const Interval &interval) {
        return msecs >= qint64(interval.startMinute) * 60000 &&
               msecs < qint64(interval.endMinute) * 60000;
    });
}

bool BusinessHours::operator==(const BusinessHours &other) const
{
    return m_timeZone.id() == other.m_timeZone.id() && m_weekly == other.m_weekly &&
           m_closed == other.m_closed;
}

} // namespace Switchboard
