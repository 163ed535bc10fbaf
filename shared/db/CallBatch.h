#pragma once

#include "CallWriter.h"

#include <QHash>
#include <QSet>
#include <QSqlQuery>
#include <QStringList>
#include <QVariantList>

namespace Switchboard {

// A batch of webhooks folded into their calls' rows as read: what it changes, the same on
// either engine.
class CallBatch final
{
public:
    explicit CallBatch(const QList<CallWriter::Event> &events);
    Q_DISABLE_COPY_MOVE(CallBatch)

    // Reads the batch's calls with `select`: a statement of CallRows::selectSql() whose extra
    // column is the batch's digests each call's timeline already has (joined with commas),
    // given the digests (a JSON array) as its first parameter and the CallSids as its second.
    bool readCalls(QSqlQuery &select, QString *error);
    // Folds the webhooks new to their calls' timelines into the calls' rows, in order.
    void fold();

    // The rows the batch writes, each its columns' values in the order of the writers'
    // statements (a null QVariant for NULL).
    using Row = QVariantList;
    struct Rows
    {
        QList<Row> calls;      // with the revision read at kReadRevisionColumn (NULL for a call
                               // that had no row), then the routing columns
        QList<Row> voicemails; // voicemail rows to insert or update
        QStringList voicemailsGone; // CallSids whose voicemail row goes
    };
    static constexpr int kReadRevisionColumn = 18;
    bool changesAnything() const { return !m_changed.isEmpty(); }
    Rows rows() const;
    // The new timeline rows, in the order they came.
    QList<Row> newEventRows() const;
    // Rows or strings as one JSON array, for a statement that takes a whole table's rows as one
    // parameter.
    static QString json(const QList<Row> &rows);
    static QString json(const QStringList &strings);
    // The CallSids of the calls it changes, as a JSON array.
    QString changedCalls() const;

    // Each webhook's result: Recorded or Duplicate.
    QList<CallWriter::Result> results() const { return m_outcomes; }
    // The same when only the calls in `written` were written: the other calls' new webhooks
    // come back Deferred.
    QList<CallWriter::Result> resultsIfWritten(const QSet<QString> &written) const;

private:
    const QList<CallWriter::Event> &m_events;
    QStringList m_callSids;
    QStringList m_digests;
    QHash<QString, CallRecord> m_calls;     // as read, then with the new webhooks applied
    QHash<QString, qint64> m_readRevisions; // of the calls that had a row
    QSet<QString> m_hadVoicemail;
    QSet<QString> m_knownDigests; // events the timelines have (and the batch's, once seen)
    QList<CallWriter::Result> m_outcomes;
    QList<const CallWriter::Event *> m_added; // the batch's new events, in order
    QStringList m_changed;                    // the calls they change
};

} // namespace Switchboard
