#pragma once

#include "db/CallFeedQuery.h"

#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLineEdit;
class QStringListModel;

namespace Switchboard {

// Search by number or name, outcome, date range, voicemails unheard by me, open calls, a tag.
// Emits the filter as the user changes it; typing is debounced so the feed does not query on
// every key.
class FilterBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FilterBar)

public:
    enum class Period
    {
        AnyTime,
        Today,
        Yesterday,
        Last7Days,
        Last30Days,
        Custom,
    };

    explicit FilterBar(QWidget *parent = nullptr);

    CallFeedFilter filter() const;
    void clear();
    void focusSearch();

    // For tests and the counters: set one criterion as the user would.
    QLineEdit *searchField() const { return m_search; }
    void setOutcome(std::optional<Outcome> outcome);
    void setPeriod(Period period);
    void setCustomRange(const QDate &from, const QDate &to);
    void setUnheardOnly(bool on);
    void setOpenOnly(bool on);
    void setTag(const QString &tag);
    // What the tag field completes from: the tags in use in the log.
    void setTagsInUse(const QStringList &tags);

Q_SIGNALS:
    void filterChanged(const Switchboard::CallFeedFilter &filter);

private:
    void emitSoon();
    void emitNow();

    QLineEdit *m_search;
    QComboBox *m_outcome;
    QComboBox *m_period;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QCheckBox *m_unheard;
    QCheckBox *m_open;
    QLineEdit *m_tag;
    QStringListModel *m_tagsInUse;
    QTimer m_debounce;
    CallFeedFilter m_last;
};

} // namespace Switchboard
