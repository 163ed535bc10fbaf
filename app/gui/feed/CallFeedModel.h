#pragma once

#include "core/CallRecord.h"
#include "db/CallAnnotations.h"
#include "db/CallFeedQuery.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QIcon>
#include <QList>

namespace Switchboard {

class CallLog;

// The activity feed: calls newest first, read from the call log a page at a time
// (canFetchMore/fetchMore), so a log of any size opens at once. It follows the log live:
// refresh() applies what changed since the last revision it saw, row by row (dataChanged,
// rowsInserted, rowsRemoved), so views keep their selection and scroll position. Only a new
// filter resets it.
class CallFeedModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CallFeedModel)

public:
    enum Column
    {
        TimeColumn,
        CallerColumn,
        OutcomeColumn,
        StatusColumn,
        DurationColumn,
        TalkTimeColumn,
        VoicemailColumn,
        ForwardedToColumn,
        HandledColumn, // done by whom, tags, notes: what the team did with it
        ColumnCount
    };

    enum Role
    {
        CallSidRole = Qt::UserRole + 1,
        SecondaryTextRole, // muted text after the main one (the caller's number and place)
        UnheardRole,       // true for a call with a voicemail the viewer has not heard
        OutcomeRole,       // Outcome as int
        DoneRole,          // true once someone marked the call done
        TagsRole,          // QStringList
    };

    explicit CallFeedModel(CallLog *log, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    void setPageSize(int rows) { m_pageSize = rows; }
    int pageSize() const { return m_pageSize; }

    CallFeedFilter filter() const { return m_filter; }
    // The filter's viewer is the model's (setViewer()).
    void setFilter(const CallFeedFilter &filter);
    // Whose "heard" the feed shows (this desktop's user): their unheard voicemails stand out.
    void setViewer(const QString &name);
    QString viewer() const { return m_viewer; }
    // What the team did with a loaded call (empty when nothing, or not loaded).
    CallHandling handlingOf(const QString &callSid) const { return m_handling.value(callSid); }

    // Reads the first page again (a model reset).
    void reload();
    // Applies the changes since the last revision seen, row by row.
    void refresh();

    const CallRecord &callAt(int row) const { return m_calls.at(row); }
    std::optional<CallRecord> callFromIndex(const QModelIndex &index) const;
    QModelIndex indexOfCall(const QString &callSid, int column = 0) const;
    qint64 lastRevision() const { return m_lastRevision; }
    bool hasLoaded() const { return m_loaded; }

Q_SIGNALS:
    // Calls that changed in the log since the last refresh, matching the filter or not (for
    // notifications). Not emitted for the first load.
    void callsChanged(const QList<Switchboard::CallRecord> &calls);
    // A reload or refresh finished (rows may or may not have changed).
    void updated();

private:
    int rowOf(const QString &callSid) const;
    void invalidateRows() { m_rowsValid = false; }
    void insertSorted(const CallRecord &call);
    void noteCallBack(const CallRecord &call);
    void removeRow(int row);
    QVariant displayData(const CallRecord &call, int column) const;
    QIcon outcomeIcon(Outcome outcome) const;
    bool isUnheard(const CallRecord &call) const;
    const CallHandling &handling(const QString &callSid) const; // without copying it
    // Reads the handling of these calls; false (reported) when the query failed.
    bool loadHandling(const QList<CallRecord> &calls);

    CallLog *m_log;
    CallFeedFilter m_filter;
    QList<CallRecord> m_calls;
    QHash<QString, CallHandling> m_handling; // of loaded calls that have any
    QString m_viewer;
    mutable QHash<QString, int> m_rows;
    mutable bool m_rowsValid = false;
    qint64 m_lastRevision = 0;
    int m_pageSize = 200;
    bool m_loaded = false;
    bool m_atEnd = true;
    bool m_fetching = false;
    mutable QHash<int, QIcon> m_icons;
};

} // namespace Switchboard
