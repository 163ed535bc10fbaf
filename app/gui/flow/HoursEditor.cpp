#include "HoursEditor.h"

#include "FieldError.h"
#include "gui/common/AccessibleNames.h"

#include <QComboBox>
#include <QCompleter>
#include <QDateEdit>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Switchboard {
namespace {

// The keys of the flow's "weekly" object, Monday first.
const char *const kDayKeys[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

QString timeText(int minuteOfDay)
{
    return QStringLiteral("%1:%2")
        .arg(minuteOfDay / 60, 2, 10, QLatin1Char('0'))
        .arg(minuteOfDay % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

HoursEditor::HoursEditor(QWidget *parent)
    : QWidget(parent)
    , m_box(new QGroupBox(tr("Opening hours (when off, the team is always open)"), this))
    , m_zone(new QComboBox(m_box))
    , m_weekly(new QTableWidget(0, 3, m_box))
    , m_closed(new QListWidget(m_box))
    , m_newClosedDate(new QDateEdit(QDate::currentDate(), m_box))
    , m_error(FieldError::create(QStringLiteral("hoursError"), this))
{
    m_box->setObjectName(QStringLiteral("hoursBox"));
    m_box->setCheckable(true);
    m_box->setChecked(false);

    m_zone->setObjectName(QStringLiteral("timeZone"));
    m_zone->setEditable(true);
    AccessibleNames::nameComboBox(m_zone, tr("Time zone"));
    m_zone->setInsertPolicy(QComboBox::NoInsert);
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
        m_zone->addItem(QString::fromUtf8(id));
    // Typing any part of a name ("york", "Paris") finds it.
    auto *completer = new QCompleter(m_zone->model(), m_zone);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    completer->setCompletionMode(QCompleter::PopupCompletion);
    m_zone->setCompleter(completer);
    m_zone->setCurrentText(QString::fromUtf8(QTimeZone::systemTimeZoneId()));

    m_weekly->setObjectName(QStringLiteral("weeklyHours"));
    m_weekly->setAccessibleName(tr("Weekly opening hours"));
    m_weekly->setHorizontalHeaderLabels({tr("Day"), tr("Opens"), tr("Closes")});
    m_weekly->verticalHeader()->hide();
    m_weekly->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_weekly->setSelectionMode(QAbstractItemView::SingleSelection);
    m_weekly->horizontalHeader()->setSectionResizeMode(DayColumn, QHeaderView::Stretch);
    m_weekly->setToolTip(tr("One row per opening interval, times as HH:MM (24:00 closes at "
                            "midnight). A day without rows is closed."));
    auto *addInterval = new QPushButton(tr("Add &Interval"), m_box);
    addInterval->setObjectName(QStringLiteral("addIntervalButton"));
    auto *removeInterval = new QPushButton(tr("Remove Interval"), m_box);
    removeInterval->setObjectName(QStringLiteral("removeIntervalButton"));
    connect(addInterval, &QPushButton::clicked, this, [this] {
        // The day after the last row's, from 09:00 to 17:00: a working week in five clicks.
        const int rows = m_weekly->rowCount();
        const int day = rows == 0 ? Qt::Monday : dayBox(rows - 1)->currentIndex() % 7 + 1;
        this->addInterval(day, QStringLiteral("09:00"), QStringLiteral("17:00"));
        m_weekly->setCurrentCell(m_weekly->rowCount() - 1, OpensColumn);
    });
    connect(removeInterval, &QPushButton::clicked, this, [this] {
        if (m_weekly->currentRow() >= 0)
            m_weekly->removeRow(m_weekly->currentRow());
    });

    m_closed->setObjectName(QStringLiteral("closedDates"));
    m_closed->setAccessibleName(tr("Closed dates"));
    m_newClosedDate->setObjectName(QStringLiteral("newClosedDate"));
    m_newClosedDate->setAccessibleName(tr("Date to close"));
    m_newClosedDate->setCalendarPopup(true);
    m_newClosedDate->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    auto *addDate = new QPushButton(tr("Close on This &Date"), m_box);
    addDate->setObjectName(QStringLiteral("addClosedDateButton"));
    auto *removeDate = new QPushButton(tr("Remove Date"), m_box);
    removeDate->setObjectName(QStringLiteral("removeClosedDateButton"));
    connect(addDate, &QPushButton::clicked, this,
            [this] { addClosedDate(m_newClosedDate->date()); });
    connect(removeDate, &QPushButton::clicked, this, [this] { delete m_closed->currentItem(); });

    auto *form = new QFormLayout;
    form->addRow(tr("&Time zone:"), m_zone);
    auto *intervalButtons = new QHBoxLayout;
    intervalButtons->addWidget(addInterval);
    intervalButtons->addWidget(removeInterval);
    intervalButtons->addStretch(1);
    auto *dateButtons = new QHBoxLayout;
    dateButtons->addWidget(m_newClosedDate);
    dateButtons->addWidget(addDate);
    dateButtons->addWidget(removeDate);
    dateButtons->addStretch(1);
    auto *boxLayout = new QVBoxLayout(m_box);
    boxLayout->addLayout(form);
    boxLayout->addWidget(new QLabel(tr("Weekly hours:"), m_box));
    boxLayout->addWidget(m_weekly, 2);
    boxLayout->addLayout(intervalButtons);
    boxLayout->addWidget(new QLabel(tr("Closed dates:"), m_box));
    boxLayout->addWidget(m_closed, 1);
    boxLayout->addLayout(dateButtons);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_box, 1);
    layout->addWidget(m_error);
}

QComboBox *HoursEditor::dayBox(int row) const
{
    return qobject_cast<QComboBox *>(m_weekly->cellWidget(row, DayColumn));
}

void HoursEditor::addInterval(int dayOfWeek, const QString &opens, const QString &closes)
{
    const int row = m_weekly->rowCount();
    m_weekly->insertRow(row);
    auto *day = new QComboBox(m_weekly);
    AccessibleNames::nameComboBox(day, tr("Day"));
    for (int d = Qt::Monday; d <= Qt::Sunday; ++d)
        day->addItem(QLocale().dayName(d));
    day->setCurrentIndex(dayOfWeek - 1);
    m_weekly->setCellWidget(row, DayColumn, day);
    m_weekly->setItem(row, OpensColumn, new QTableWidgetItem(opens));
    m_weekly->setItem(row, ClosesColumn, new QTableWidgetItem(closes));
}

void HoursEditor::addClosedDate(const QDate &date)
{
    auto *item = new QListWidgetItem(date.toString(Qt::ISODate), m_closed);
    m_closed->setCurrentItem(item);
}

void HoursEditor::setHours(const std::optional<BusinessHours> &hours)
{
    m_weekly->setRowCount(0);
    m_closed->clear();
    clearError();
    m_box->setChecked(hours.has_value());
    if (!hours) {
        m_zone->setCurrentText(QString::fromUtf8(QTimeZone::systemTimeZoneId()));
        return;
    }
    m_zone->setCurrentText(QString::fromUtf8(hours->timeZone().id()));
    for (int day = Qt::Monday; day <= Qt::Sunday; ++day) {
        for (const BusinessHours::Interval &interval : hours->intervals(day))
            addInterval(day, timeText(interval.startMinute), timeText(interval.endMinute));
    }
    for (const QDate &date : hours->closedDates())
        addClosedDate(date);
}

std::optional<QJsonObject> HoursEditor::toJson() const
{
    if (!m_box->isChecked())
        return std::nullopt;
    QJsonObject weekly;
    for (int row = 0; row < m_weekly->rowCount(); ++row) {
        const QString key = QLatin1String(kDayKeys[dayBox(row)->currentIndex()]);
        QJsonArray intervals = weekly.value(key).toArray();
        const QTableWidgetItem *opens = m_weekly->item(row, OpensColumn);
        const QTableWidgetItem *closes = m_weekly->item(row, ClosesColumn);
        intervals.append(QJsonArray{opens ? opens->text().trimmed() : QString(),
                                    closes ? closes->text().trimmed() : QString()});
        weekly.insert(key, intervals);
    }
    QJsonArray closed;
    for (int i = 0; i < m_closed->count(); ++i)
        closed.append(m_closed->item(i)->text());
    return QJsonObject{{QStringLiteral("timezone"), m_zone->currentText().trimmed()},
                       {QStringLiteral("weekly"), weekly},
                       {QStringLiteral("closed"), closed}};
}

void HoursEditor::showError(const QString &path, const QString &problem)
{
    FieldError::show(m_error, problem);
    if (path.startsWith(QLatin1String("hours.timezone"))) {
        m_zone->setFocus(Qt::OtherFocusReason);
        return;
    }
    const int closed = FieldError::indexAfter(path, QStringLiteral("hours.closed"));
    if (closed >= 0 && closed < m_closed->count()) {
        m_closed->setCurrentRow(closed);
        m_closed->setFocus(Qt::OtherFocusReason);
        return;
    }
    // "hours.weekly.tue[1]...": the second row of Tuesday.
    for (int day = 0; day < 7; ++day) {
        const int index = FieldError::indexAfter(path, QStringLiteral("hours.weekly.") +
                                                           QLatin1String(kDayKeys[day]));
        if (index < 0)
            continue;
        int seen = 0;
        for (int row = 0; row < m_weekly->rowCount(); ++row) {
            if (dayBox(row)->currentIndex() == day && seen++ == index) {
                m_weekly->setCurrentCell(row, OpensColumn);
                m_weekly->setFocus(Qt::OtherFocusReason);
                return;
            }
        }
    }
}

void HoursEditor::clearError()
{
    FieldError::clear(m_error);
}

} // namespace Switchboard
