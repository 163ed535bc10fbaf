#pragma once

#include "core/BusinessHours.h"

#include <optional>
#include <QJsonObject>
#include <QWidget>

class QComboBox;
class QDateEdit;
class QGroupBox;
class QLabel;
class QListWidget;
class QTableWidget;

namespace Switchboard {

// The call flow's opening hours: whether there are any (otherwise the team is always open),
// their time zone (searchable by any part of its IANA name), a weekly grid of opening
// intervals, one row each (day, opens, closes as "HH:MM"; a day without rows is closed), and
// closed dates.
class HoursEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HoursEditor)

public:
    enum Column
    {
        DayColumn,
        OpensColumn,
        ClosesColumn,
    };

    explicit HoursEditor(QWidget *parent = nullptr);

    void setHours(const std::optional<BusinessHours> &hours);
    // The flow's "hours" object, unchecked; nothing when the team is always open.
    std::optional<QJsonObject> toJson() const;

    // Qt::Monday (1) to Qt::Sunday (7).
    void addInterval(int dayOfWeek, const QString &opens, const QString &closes);
    void addClosedDate(const QDate &date);

    // `problem` is about `path` ("hours.weekly.mon[1]", "hours.closed[0]", "hours.timezone"):
    // shown under the hours, with that row selected.
    void showError(const QString &path, const QString &problem);
    void clearError();

    QGroupBox *hoursBox() const { return m_box; }
    QComboBox *timeZone() const { return m_zone; }
    QTableWidget *weekly() const { return m_weekly; }
    QListWidget *closedDates() const { return m_closed; }

private:
    QComboBox *dayBox(int row) const;

    QGroupBox *m_box;
    QComboBox *m_zone;
    QTableWidget *m_weekly;
    QListWidget *m_closed;
    QDateEdit *m_newClosedDate;
    QLabel *m_error;
};

} // namespace Switchboard
