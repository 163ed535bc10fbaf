#include "FilterBar.h"

#include "backend/CallFormat.h"
#include "db/CallAnnotations.h"
#include "gui/common/AccessibleNames.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QStringListModel>

namespace Switchboard {
namespace {

QDateTime startOfDay(const QDate &date)
{
    return date.startOfDay(); // local midnight, as staff count days
}

} // namespace

FilterBar::FilterBar(QWidget *parent)
    : QWidget(parent)
    , m_search(new QLineEdit(this))
    , m_outcome(new QComboBox(this))
    , m_period(new QComboBox(this))
    , m_from(new QDateEdit(this))
    , m_to(new QDateEdit(this))
    , m_unheard(new QCheckBox(tr("Unheard by me"), this))
    , m_open(new QCheckBox(tr("Open"), this))
    , m_tag(new QLineEdit(this))
    , m_tagsInUse(new QStringListModel(this))
{
    setObjectName(QStringLiteral("filterBar"));
    m_search->setObjectName(QStringLiteral("search"));
    m_search->setPlaceholderText(tr("Search number, name or transcription  (Ctrl+F)"));
    m_search->setAccessibleName(tr("Search calls"));
    AccessibleNames::enableClearButton(m_search);
    m_search->setMinimumWidth(240);

    m_outcome->setObjectName(QStringLiteral("outcome"));
    AccessibleNames::nameComboBox(m_outcome, tr("Outcome"));
    m_outcome->addItem(tr("All outcomes"));
    for (Outcome outcome : {Outcome::Answered, Outcome::Voicemail, Outcome::Missed,
                            Outcome::Abandoned, Outcome::Blocked, Outcome::InProgress}) {
        m_outcome->addItem(QIcon(CallFormat::outcomeIconName(outcome)),
                           CallFormat::outcome(outcome), int(outcome));
    }

    m_period->setObjectName(QStringLiteral("period"));
    AccessibleNames::nameComboBox(m_period, tr("Period"));
    m_period->addItem(tr("Any time"), int(Period::AnyTime));
    m_period->addItem(tr("Today"), int(Period::Today));
    m_period->addItem(tr("Yesterday"), int(Period::Yesterday));
    m_period->addItem(tr("Last 7 days"), int(Period::Last7Days));
    m_period->addItem(tr("Last 30 days"), int(Period::Last30Days));
    m_period->addItem(tr("Dates…"), int(Period::Custom));

    for (QDateEdit *edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDate(QDate::currentDate());
        edit->setDisplayFormat(QStringLiteral("d MMM yyyy"));
        edit->setVisible(false);
    }
    m_from->setObjectName(QStringLiteral("from"));
    m_to->setObjectName(QStringLiteral("to"));
    m_from->setToolTip(tr("From this day"));
    m_from->setAccessibleName(tr("From this day"));
    m_to->setToolTip(tr("To this day, included"));
    m_to->setAccessibleName(tr("To this day, included"));
    m_unheard->setObjectName(QStringLiteral("unheardOnly"));
    m_unheard->setToolTip(tr("Voicemails you have not heard"));
    m_open->setObjectName(QStringLiteral("openOnly"));
    m_open->setToolTip(tr("Calls nobody has marked done"));
    m_tag->setObjectName(QStringLiteral("tagFilter"));
    m_tag->setPlaceholderText(tr("Tag"));
    m_tag->setAccessibleName(tr("Tag filter"));
    AccessibleNames::enableClearButton(m_tag);
    m_tag->setMaxLength(CallAnnotations::kMaxTagChars);
    m_tag->setMaximumWidth(160);
    auto *completer = new QCompleter(m_tagsInUse, m_tag);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    m_tag->setCompleter(completer);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);
    layout->addWidget(m_search, 2);
    layout->addWidget(m_outcome);
    layout->addWidget(m_period);
    layout->addWidget(m_from);
    layout->addWidget(m_to);
    layout->addWidget(m_unheard);
    layout->addWidget(m_open);
    layout->addWidget(m_tag);
    layout->addStretch(1);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, &FilterBar::emitNow);
    connect(m_search, &QLineEdit::textChanged, this, &FilterBar::emitSoon);
    connect(m_search, &QLineEdit::returnPressed, this, &FilterBar::emitNow);
    connect(m_outcome, &QComboBox::currentIndexChanged, this, &FilterBar::emitNow);
    connect(m_period, &QComboBox::currentIndexChanged, this, [this] {
        const bool custom = Period(m_period->currentData().toInt()) == Period::Custom;
        m_from->setVisible(custom);
        m_to->setVisible(custom);
        emitNow();
    });
    connect(m_from, &QDateEdit::dateChanged, this, &FilterBar::emitNow);
    connect(m_to, &QDateEdit::dateChanged, this, &FilterBar::emitNow);
    connect(m_unheard, &QCheckBox::toggled, this, &FilterBar::emitNow);
    connect(m_open, &QCheckBox::toggled, this, &FilterBar::emitNow);
    connect(m_tag, &QLineEdit::textChanged, this, &FilterBar::emitSoon);
    connect(m_tag, &QLineEdit::returnPressed, this, &FilterBar::emitNow);
    connect(completer, qOverload<const QString &>(&QCompleter::activated), this,
            &FilterBar::emitNow);
}

CallFeedFilter FilterBar::filter() const
{
    CallFeedFilter filter;
    filter.search = m_search->text().trimmed();
    if (m_outcome->currentIndex() > 0)
        filter.outcome = Outcome(m_outcome->currentData().toInt());
    const QDate today = QDate::currentDate();
    switch (Period(m_period->currentData().toInt())) {
    case Period::AnyTime:
        break;
    case Period::Today:
        filter.startedFrom = startOfDay(today);
        break;
    case Period::Yesterday:
        filter.startedFrom = startOfDay(today.addDays(-1));
        filter.startedBefore = startOfDay(today);
        break;
    case Period::Last7Days:
        filter.startedFrom = startOfDay(today.addDays(-6));
        break;
    case Period::Last30Days:
        filter.startedFrom = startOfDay(today.addDays(-29));
        break;
    case Period::Custom:
        filter.startedFrom = startOfDay(qMin(m_from->date(), m_to->date()));
        filter.startedBefore = startOfDay(qMax(m_from->date(), m_to->date()).addDays(1));
        break;
    }
    filter.unheardOnly = m_unheard->isChecked();
    filter.openOnly = m_open->isChecked();
    filter.tag = CallAnnotations::normalisedTag(m_tag->text());
    return filter;
}

void FilterBar::clear()
{
    const QSignalBlocker blockers[] = {QSignalBlocker(m_search), QSignalBlocker(m_outcome),
                                       QSignalBlocker(m_period), QSignalBlocker(m_unheard),
                                       QSignalBlocker(m_open),   QSignalBlocker(m_tag)};
    m_search->clear();
    m_outcome->setCurrentIndex(0);
    m_period->setCurrentIndex(0);
    m_from->setVisible(false);
    m_to->setVisible(false);
    m_unheard->setChecked(false);
    m_open->setChecked(false);
    m_tag->clear();
    emitNow();
}

void FilterBar::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void FilterBar::setOutcome(std::optional<Outcome> outcome)
{
    m_outcome->setCurrentIndex(outcome ? m_outcome->findData(int(*outcome)) : 0);
}

void FilterBar::setPeriod(Period period)
{
    m_period->setCurrentIndex(m_period->findData(int(period)));
}

void FilterBar::setCustomRange(const QDate &from, const QDate &to)
{
    {
        const QSignalBlocker a(m_from), b(m_to);
        m_from->setDate(from);
        m_to->setDate(to);
    }
    setPeriod(Period::Custom);
    emitNow();
}

void FilterBar::setUnheardOnly(bool on)
{
    m_unheard->setChecked(on);
}

void FilterBar::setOpenOnly(bool on)
{
    m_open->setChecked(on);
}

void FilterBar::setTag(const QString &tag)
{
    m_tag->setText(tag);
    emitNow();
}

void FilterBar::setTagsInUse(const QStringList &tags)
{
    if (m_tagsInUse->stringList() != tags)
        m_tagsInUse->setStringList(tags);
}

void FilterBar::emitSoon()
{
    m_debounce.start();
}

void FilterBar::emitNow()
{
    m_debounce.stop();
    const CallFeedFilter current = filter();
    if (current == m_last)
        return;
    m_last = current;
    Q_EMIT filterChanged(current);
}

} // namespace Switchboard
