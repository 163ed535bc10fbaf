#pragma once

#include "CallWriter.h"

#include <QHash>
#include <QSet>
#include <QSqlQuery>
#include <QStringList>

namespace Switchboard {

// A batch of webhooks folded into their calls' rows as read: what it changes, the same on
// either engine. A batch's rows go to the database as JSON arrays, one parameter per table:
// one statement per table and batch, however many rows it has.
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

    // The rows the batch writes, as JSON arrays of arrays (calls, events, voicemails: in the
    // columns' order of the writers' statements) or of CallSids.
    struct Rows
    {
        QString calls;  // with the revision read (NULL for a call that had no row), then the
                        // routing columns
        QString events; // the new timeline rows, in the order they came
        QString voicemailsGone; // CallSids whose voicemail row goes (empty array: none)
        QString voicemails;     // voicemail rows to insert or update (empty array: none)
        bool anyVoicemailGone = false;
        bool anyVoicemail = false;
    };
    bool changesAnything() const { return !m_changed.isEmpty(); }
    Rows rows() const;
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
