#include "RangePicker.h"

#include "gui/common/AccessibleNames.h"

#include <algorithm>
#include <QComboBox>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>

namespace Switchboard {

RangePicker::RangePicker(QWidget *parent)
    : QWidget(parent)
    , m_span(new QComboBox(this))
    , m_first(new QDateEdit(this))
    , m_last(new QDateEdit(this))
    , m_zone(QTimeZone::systemTimeZone())
{
    m_span->setObjectName(QStringLiteral("statisticsSpan"));
    AccessibleNames::nameComboBox(m_span, tr("Range"));
    m_span->addItem(tr("Today"), QVariant::fromValue(Span::Today));
    m_span->addItem(tr("Last 7 days"), QVariant::fromValue(Span::Last7Days));
    m_span->addItem(tr("Last 30 days"), QVariant::fromValue(Span::Last30Days));
    m_span->addItem(tr("Custom…"), QVariant::fromValue(Span::Custom));
    m_span->setCurrentIndex(int(Span::Last7Days));

    for (QDateEdit *edit : {m_first, m_last}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        edit->setDate(today());
    }
    m_first->setObjectName(QStringLiteral("statisticsFirstDay"));
    m_first->setAccessibleName(tr("First day"));
    m_last->setObjectName(QStringLiteral("statisticsLastDay"));
    m_last->setAccessibleName(tr("Last day"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_span);
    layout->addWidget(m_first);
    auto *to = new QLabel(tr("to"), this);
    to->setObjectName(QStringLiteral("statisticsTo"));
    layout->addWidget(to);
    layout->addWidget(m_last);
    updateCustomVisibility();

    connect(m_span, &QComboBox::currentIndexChanged, this, [this] {
        updateCustomVisibility();
        Q_EMIT rangeChanged(range());
    });
    connect(m_first, &QDateEdit::dateChanged, this, &RangePicker::onCustomDatesEdited);
    connect(m_last, &QDateEdit::dateChanged, this, &RangePicker::onCustomDatesEdited);
}

void RangePicker::setTimeZone(const QTimeZone &zone)
{
    m_zone = zone;
    Q_EMIT rangeChanged(range());
}

void RangePicker::setToday(const QDate &today)
{
    m_today = today;
    Q_EMIT rangeChanged(range());
}

void RangePicker::setSpan(Span span)
{
    m_span->setCurrentIndex(m_span->findData(QVariant::fromValue(span)));
}

void RangePicker::setCustomDays(const QDate &first, const QDate &last)
{
    {
        const QSignalBlocker blockSpan(m_span);
        const QSignalBlocker blockFirst(m_first);
        const QSignalBlocker blockLast(m_last);
        m_span->setCurrentIndex(m_span->findData(QVariant::fromValue(Span::Custom)));
        m_first->setDate(first);
        m_last->setDate(last);
    }
    updateCustomVisibility();
    onCustomDatesEdited();
}

RangePicker::Span RangePicker::span() const
{
    return m_span->currentData().value<Span>();
}

StatisticsRange RangePicker::range() const
{
    const QDate last = today();
    switch (span()) {
    case Span::Today:
        return StatisticsRange::days(last, last, m_zone);
    case Span::Last7Days:
        return StatisticsRange::days(last.addDays(-6), last, m_zone);
    case Span::Last30Days:
        return StatisticsRange::days(last.addDays(-29), last, m_zone);
    case Span::Custom:
        break;
    }
    return StatisticsRange::days(m_first->date(), m_last->date(), m_zone);
}

QDate RangePicker::today() const
{
    return m_today.isValid() ? m_today : QDateTime::currentDateTimeUtc().toTimeZone(m_zone).date();
}

void RangePicker::onCustomDatesEdited()
{
    // The last day follows the first: never before it, never more than kMaxDays after.
    const QDate first = m_first->date();
    QDate last = std::clamp(m_last->date(), first, first.addDays(CallStatistics::kMaxDays - 1));
    if (last != m_last->date()) {
        const QSignalBlocker block(m_last);
        m_last->setDate(last);
    }
    if (span() == Span::Custom)
        Q_EMIT rangeChanged(range());
}

void RangePicker::updateCustomVisibility()
{
    const bool custom = span() == Span::Custom;
    m_first->setVisible(custom);
    m_last->setVisible(custom);
    findChild<QLabel *>(QStringLiteral("statisticsTo"))->setVisible(custom);
}

} // namespace Switchboard
