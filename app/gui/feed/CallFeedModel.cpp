#include "CallFeedModel.h"

#include "backend/CallFormat.h"
#include "backend/CallLog.h"
#include "backend/HandlingFormat.h"
#include "gui/common/PlainText.h"
#include "gui/Resources.h"

#include <algorithm>
#include <QColor>
#include <QFont>
#include <QScopedValueRollback>
#include <QTimer>

namespace Switchboard {
namespace {

// One query of changes per poll at most; a backlog bigger than this is applied over several polls.
constexpr int kChangeBatch = 2000;

} // namespace

CallFeedModel::CallFeedModel(CallLog *log, QObject *parent)
    : QAbstractTableModel(parent)
    , m_log(log)
{
    initResources();
    connect(m_log, &CallLog::changed, this, &CallFeedModel::refresh);
    connect(m_log, &CallLog::availabilityChanged, this, [this](bool available) {
        if (available)
            refresh();
    });
}

int CallFeedModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_calls.size());
}

int CallFeedModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CallFeedModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole) {
        const bool right = section == DurationColumn || section == TalkTimeColumn;
        return QVariant::fromValue(Qt::AlignVCenter | (right ? Qt::AlignRight : Qt::AlignLeft));
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case CallerColumn:
        return tr("Caller");
    case OutcomeColumn:
        return tr("Outcome");
    case StatusColumn:
        return tr("Status");
    case DurationColumn:
        return tr("Duration");
    case TalkTimeColumn:
        return tr("Talk time");
    case VoicemailColumn:
        return tr("Voicemail");
    case ForwardedToColumn:
        return tr("Forwarded to");
    case HandledColumn:
        return tr("Handled");
    }
    return {};
}

QIcon CallFeedModel::outcomeIcon(Outcome outcome) const
{
    auto it = m_icons.find(int(outcome));
    if (it == m_icons.end())
        it = m_icons.insert(int(outcome), QIcon(CallFormat::outcomeIconName(outcome)));
    return *it;
}

QVariant CallFeedModel::displayData(const CallRecord &call, int column) const
{
    switch (column) {
    case TimeColumn:
        return CallFormat::feedTime(call.startedAt);
    case CallerColumn:
        return CallFormat::caller(call);
    case OutcomeColumn:
        return CallFormat::outcomeLine(call);
    case StatusColumn:
        return CallFormat::status(call.status);
    case DurationColumn:
        return call.durationS || isFinal(call.status) ? CallFormat::duration(call.durationS)
                                                      : QString();
    case TalkTimeColumn:
        // A forward nobody picked up has a talk time of 0: leave it blank, like no forward.
        return call.talkDurationS.value_or(0) > 0 ? CallFormat::duration(call.talkDurationS)
                                                  : QString();
    case VoicemailColumn:
        if (!call.voicemail)
            return QString();
        switch (call.voicemail->downloadState) {
        case DownloadState::Downloaded:
            return QString((isUnheard(call) ? QStringLiteral("● ") : QString()) +
                           CallFormat::duration(call.voicemail->durationS));
        case DownloadState::Pending:
            return tr("%1 · fetching").arg(CallFormat::duration(call.voicemail->durationS));
        case DownloadState::Failed:
            return tr("%1 · failed").arg(CallFormat::duration(call.voicemail->durationS));
        }
        return QString();
    case ForwardedToColumn:
        return call.forwardedTo;
    case HandledColumn:
        return HandlingFormat::summary(handling(call.callSid));
    }
    return {};
}

bool CallFeedModel::isUnheard(const CallRecord &call) const
{
    if (!call.voicemail)
        return false;
    if (m_viewer.isEmpty())
        return !call.voicemail->isHeard();
    return !handling(call.callSid).isHeardBy(m_viewer);
}

const CallHandling &CallFeedModel::handling(const QString &callSid) const
{
    static const CallHandling nothing;
    const auto it = m_handling.constFind(callSid);
    return it == m_handling.cend() ? nothing : *it;
}

bool CallFeedModel::loadHandling(const QList<CallRecord> &calls)
{
    CallAnnotations *annotations = m_log->annotations();
    if (!annotations || calls.isEmpty())
        return annotations != nullptr;
    QStringList sids;
    sids.reserve(calls.size());
    for (const CallRecord &call : calls)
        sids.append(call.callSid);
    const auto handling = annotations->summaries(sids);
    if (!handling) {
        m_log->reportFailure(annotations->lastError());
        return false;
    }
    for (const QString &sid : std::as_const(sids))
        m_handling.remove(sid);
    m_handling.insert(*handling);
    return true;
}

void CallFeedModel::setViewer(const QString &name)
{
    const QString viewer = CallAnnotations::normalisedName(name);
    if (viewer == m_viewer)
        return;
    m_viewer = viewer;
    m_filter.viewer = viewer;
    if (m_filter.unheardOnly && m_loaded) {
        reload();
        return;
    }
    if (!m_calls.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

QVariant CallFeedModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CallRecord &call = m_calls.at(index.row());
    const int column = index.column();
    const bool unheard = isUnheard(call);
    switch (role) {
    case Qt::DisplayRole:
        return displayData(call, column);
    case Qt::ToolTipRole:
        // Views show a tooltip that looks like markup as rich text: the caller's text is
        // escaped so that it shows as written.
        if (column == TimeColumn)
            return PlainText::toolTip(CallFormat::fullTime(call.startedAt));
        if (column == CallerColumn) {
            QStringList lines{call.callerName, call.from, CallFormat::place(call)};
            lines.removeAll(QString());
            return PlainText::toolTip(lines.join(QLatin1Char('\n')));
        }
        if (column == VoicemailColumn && call.voicemail)
            return PlainText::toolTip(unheard ? tr("Unheard voicemail – press Space to play")
                                              : CallFormat::voicemailState(*call.voicemail));
        if (column == HandledColumn) {
            const CallHandling &handled = handling(call.callSid);
            QStringList lines{HandlingFormat::done(handled), HandlingFormat::heardBy(handled)};
            lines.removeAll(QString());
            return PlainText::toolTip(lines.join(QLatin1Char('\n')));
        }
        return {};
    case Qt::DecorationRole:
        if (column == OutcomeColumn)
            return outcomeIcon(call.outcome());
        return {};
    case Qt::FontRole:
        if (unheard &&
            (column == CallerColumn || column == VoicemailColumn || column == TimeColumn)) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ForegroundRole:
        if (unheard && column == VoicemailColumn)
            return QColor(0x3b, 0x6f, 0xd6);
        return {};
    case Qt::TextAlignmentRole:
        if (column == DurationColumn || column == TalkTimeColumn)
            return QVariant::fromValue(Qt::AlignVCenter | Qt::AlignRight);
        return QVariant::fromValue(Qt::AlignVCenter | Qt::AlignLeft);
    case SecondaryTextRole:
        if (column == CallerColumn) {
            QStringList parts{CallFormat::callerNumber(call), CallFormat::place(call)};
            parts.removeAll(QString());
            return parts.join(QStringLiteral(" · "));
        }
        return {};
    case CallSidRole:
        return call.callSid;
    case UnheardRole:
        return unheard;
    case OutcomeRole:
        return int(call.outcome());
    case DoneRole:
        return handling(call.callSid).done.has_value();
    case TagsRole:
        return handling(call.callSid).tags;
    }
    return {};
}

bool CallFeedModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_loaded && !m_atEnd;
}

void CallFeedModel::fetchMore(const QModelIndex &parent)
{
    // Views (and QAbstractItemModelTester) may ask for more from inside rowsInserted.
    if (!canFetchMore(parent) || !m_log->feedQuery() || m_fetching)
        return;
    const QScopedValueRollback<bool> fetching(m_fetching, true);
    const auto page =
        m_log->feedQuery()->page(m_filter, CallFeedKey::of(m_calls.constLast()), m_pageSize);
    if (!page) {
        m_log->reportFailure(m_log->feedQuery()->lastError());
        return;
    }
    if (!loadHandling(*page))
        return; // reported: the page is read again once the log is back
    m_atEnd = page->size() < m_pageSize;
    if (page->isEmpty())
        return;
    const int first = int(m_calls.size());
    beginInsertRows({}, first, first + int(page->size()) - 1);
    m_calls.append(*page);
    invalidateRows();
    endInsertRows();
}

void CallFeedModel::setFilter(const CallFeedFilter &filter)
{
    CallFeedFilter viewed = filter;
    viewed.viewer = m_viewer;
    if (viewed == m_filter && m_loaded)
        return;
    m_filter = viewed;
    reload();
}

void CallFeedModel::reload()
{
    CallFeedQuery *query = m_log->feedQuery();
    // Views connected to modelReset may call fetchMore() before the reset has finished.
    const QScopedValueRollback<bool> fetching(m_fetching, true);
    beginResetModel();
    m_calls.clear();
    m_handling.clear();
    invalidateRows();
    m_loaded = false;
    m_atEnd = true;
    if (query) {
        // The revision first: a change committed between the two reads is applied again by
        // the next refresh, which is harmless; the other order could lose it.
        const auto revision = query->maxRevision();
        const auto page = revision ? query->page(m_filter, std::nullopt, m_pageSize) : std::nullopt;
        if (page && loadHandling(*page)) {
            m_lastRevision = *revision;
            m_calls = *page;
            m_atEnd = page->size() < m_pageSize;
            m_loaded = true;
        }
    }
    endResetModel();
    if (query && !m_loaded)
        m_log->reportFailure(query->lastError());
    Q_EMIT updated();
}

void CallFeedModel::refresh()
{
    CallFeedQuery *query = m_log->feedQuery();
    if (!query)
        return;
    if (!m_loaded) {
        reload();
        return;
    }
    const auto changes = query->changesSince(m_lastRevision, m_filter, kChangeBatch);
    if (!changes) {
        m_log->reportFailure(query->lastError());
        return;
    }
    if (changes->isEmpty()) {
        // A log replaced by an older copy has lower revisions: nothing would ever show.
        const auto revision = query->maxRevision();
        if (revision && *revision < m_lastRevision)
            reload();
        return;
    }
    QList<CallRecord> changed;
    changed.reserve(changes->size());
    for (const CallChange &change : *changes)
        changed.append(change.call);
    // Before any row changes: the views read the rows' handling as they repaint.
    if (!loadHandling(changed))
        return;
    for (const CallChange &change : *changes) {
        const CallRecord &call = change.call;
        m_lastRevision = std::max(m_lastRevision, call.revision);
        noteCallBack(call);
        const int row = rowOf(call.callSid);
        if (row < 0) {
            if (change.matches)
                insertSorted(call);
            continue;
        }
        if (!change.matches) {
            removeRow(row);
        } else if (CallFeedKey::of(m_calls.at(row)).callSid == call.callSid &&
                   m_calls.at(row).startedAt == call.startedAt) {
            if (m_calls.at(row).revision != call.revision) {
                m_calls[row] = call;
                Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
            }
        } else {
            // An earlier webhook arrived late and moved the call's start: move its row.
            removeRow(row);
            insertSorted(call);
        }
    }
    if (changes->size() == kChangeBatch)
        QTimer::singleShot(0, this, &CallFeedModel::refresh);
    Q_EMIT callsChanged(changed);
    Q_EMIT updated();
}

void CallFeedModel::noteCallBack(const CallRecord &call)
{
    // A call back changes the row of the call it calls back, which the log did not touch.
    if (call.direction != CallDirection::Outbound || call.callBackOf.isEmpty())
        return;
    const int row = rowOf(call.callBackOf);
    if (row < 0)
        return;
    CallRecord &calledBack = m_calls[row];
    if (calledBack.lastCallBack && calledBack.lastCallBack->callSid != call.callSid &&
        calledBack.lastCallBack->startedAt > call.startedAt)
        return; // a later call back is already shown
    const CallBackSummary summary{call.callSid, call.calledBackBy, call.startedAt, call.outcome()};
    if (calledBack.lastCallBack == summary)
        return;
    calledBack.lastCallBack = summary;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void CallFeedModel::insertSorted(const CallRecord &call)
{
    const CallFeedKey key = CallFeedKey::of(call);
    const auto it = std::lower_bound(
        m_calls.cbegin(), m_calls.cend(), key,
        [](const CallRecord &row, const CallFeedKey &k) { return CallFeedKey::of(row).before(k); });
    const int position = int(it - m_calls.cbegin());
    // Past the last loaded row, with more to fetch: fetchMore() will read it in its turn.
    if (position == m_calls.size() && !m_atEnd)
        return;
    beginInsertRows({}, position, position);
    m_calls.insert(position, call);
    invalidateRows();
    endInsertRows();
}

void CallFeedModel::removeRow(int row)
{
    beginRemoveRows({}, row, row);
    m_calls.removeAt(row);
    invalidateRows();
    endRemoveRows();
}

int CallFeedModel::rowOf(const QString &callSid) const
{
    if (!m_rowsValid) {
        m_rows.clear();
        m_rows.reserve(m_calls.size());
        for (int row = 0; row < m_calls.size(); ++row)
            m_rows.insert(m_calls.at(row).callSid, row);
        m_rowsValid = true;
    }
    return m_rows.value(callSid, -1);
}

std::optional<CallRecord> CallFeedModel::callFromIndex(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || index.row() >= m_calls.size())
        return std::nullopt;
    return m_calls.at(index.row());
}

QModelIndex CallFeedModel::indexOfCall(const QString &callSid, int column) const
{
    const int row = rowOf(callSid);
    return row < 0 ? QModelIndex() : index(row, column);
}

} // namespace Switchboard
