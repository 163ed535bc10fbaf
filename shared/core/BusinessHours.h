#pragma once

#include <array>
#include <optional>
#include <QDate>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QTimeZone>

namespace Switchboard {

// When a team takes calls: intervals of each weekday and closed dates, in one time zone.
// Everything is judged in that zone's local time, so opening hours follow its daylight-saving
// changes. An interval ends on the day it starts: "24:00" ends one at midnight, and hours that
// run past midnight are two intervals, one on each day (an overnight one is refused).
class BusinessHours final
{
public:
    // Opening time [startMinute, endMinute) in minutes after local midnight; endMinute <= 1440.
    struct Interval
    {
        int startMinute = 0;
        int endMinute = 0;
        bool operator==(const Interval &other) const
        {
            return startMinute == other.startMinute && endMinute == other.endMinute;
        }
    };

    static constexpr qsizetype kMaxIntervalsPerDay = 8;
    static constexpr qsizetype kMaxClosedDates = 500;
    static constexpr qsizetype kMaxTimeZoneLength = 64;

    // Reads the "hours" object at `path`; on bad input returns nothing and sets `error` to one
    // line naming the field.
    static std::optional<BusinessHours> fromJson(const QJsonValue &value, const QString &path,
                                                 QString *error);
    QJsonObject toJson() const;

    // Whether `moment` falls in the opening hours of its local day, and that day is not closed.
    bool isOpen(const QDateTime &moment) const;

    QTimeZone timeZone() const { return m_timeZone; }
    // Qt::Monday (1) to Qt::Sunday (7).
    const QList<Interval> &intervals(int dayOfWeek) const { return m_weekly.at(dayOfWeek - 1); }
    const QList<QDate> &closedDates() const { return m_closed; }

    bool operator==(const BusinessHours &other) const;

private:
    QTimeZone m_timeZone;
    std::array<QList<Interval>, 7> m_weekly;
    QList<QDate> m_closed;
};

} // namespace Switchboard
