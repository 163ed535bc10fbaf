#pragma once

#include "db/CallWriter.h"

#include <QList>
#include <QObject>
#include <QTimer>

namespace Switchboard {

class WebhookJournal;

// Records each webhook in the call log, or, when the database cannot take it (unavailable,
// locked, read-only), in the local journal, so the caller still gets the right TwiML and
// nothing is lost. The journal is replayed in order once the database is back; while it holds
// anything, newer webhooks queue behind it so the order of a call's events is kept.
class DurableRecorder final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DurableRecorder)

public:
    DurableRecorder(CallWriter &writer, WebhookJournal &journal, QObject *parent = nullptr);

    enum class Result
    {
        Recorded,  // committed to the call log
        Journaled, // on disk in the journal, to be replayed
        Deferred,  // another instance is writing the call (recordAll only): try again soon
        Lost,      // neither: the webhook must not be acknowledged
    };
    Result record(const Webhook &webhook);
    // Several webhooks, in order, committed together when the database takes them.
    QList<Result> recordAll(const QList<CallWriter::Event> &events);

    qsizetype journaled() const;

    // Replays the journal now; true when it is empty afterwards.
    bool replay();

Q_SIGNALS:
    void replayed(); // the journal was emptied into the call log

private:
    CallWriter &m_writer;
    WebhookJournal &m_journal;
    QTimer m_retry;
};

} // namespace Switchboard
