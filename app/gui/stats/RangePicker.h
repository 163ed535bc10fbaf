#pragma once

#include "db/CallStatistics.h"

#include <QWidget>

class QComboBox;
class QDateEdit;

namespace Switchboard {

// Which days the statistics cover: today, the last 7 or 30 days (today included), or a custom
// span of whole days (at most CallStatistics::kMaxDays), in the user's time zone.
class RangePicker final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RangePicker)

public:
    enum class Span
    {
        Today,
        Last7Days,
        Last30Days,
        Custom,
    };
    Q_ENUM(Span)

    explicit RangePicker(QWidget *parent = nullptr);

    // The zone days are counted in (the system's by default), and the day "today" is (the
    // current one by default): for tests and a clock that passes midnight.
    void setTimeZone(const QTimeZone &zone);
    void setToday(const QDate &today);
    void setSpan(Span span);
    // Selects Custom with these days (both included); a span too long is cut to kMaxDays from
    // `first`, and a `last` before `first` becomes `first`.
    void setCustomDays(const QDate &first, const QDate &last);

    Span span() const;
    StatisticsRange range() const;

Q_SIGNALS:
    void rangeChanged(const Switchboard::StatisticsRange &range);

private:
    QDate today() const;
    void onCustomDatesEdited();
    void updateCustomVisibility();

    QComboBox *m_span;
    QDateEdit *m_first;
    QDateEdit *m_last;
    QTimeZone m_zone;
    QDate m_today; // invalid: the current date in m_zone
};

} // namespace Switchboard
