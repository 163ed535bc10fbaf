#include "DurableRecorder.h"

#include "core/Logging.h"
#include "db/CallWriter.h"
#include "WebhookJournal.h"

namespace Switchboard {

DurableRecorder::DurableRecorder(CallWriter &writer, WebhookJournal &journal, QObject *parent)
    : QObject(parent)
    , m_writer(writer)
    , m_journal(journal)
{
    m_retry.setInterval(500);
    connect(&m_retry, &QTimer::timeout, this, &DurableRecorder::replay);
    if (!m_journal.isEmpty())
        m_retry.start();
}

qsizetype DurableRecorder::journaled() const
{
    return m_journal.entries().size();
}

DurableRecorder::Result DurableRecorder::record(const Webhook &webhook)
{
    if (m_journal.isEmpty() && m_writer.record(webhook) != CallWriter::Result::Failed)
        return Result::Recorded;
    if (m_journal.isEmpty())
        qCWarning(lcDatabase).noquote() << "the call log is unavailable (" << m_writer.lastError()
                                        << "): journaling webhooks in" << m_journal.path();
    if (!m_journal.append(webhook))
        return Result::Lost;
    m_retry.start();
    return Result::Journaled;
}

QList<DurableRecorder::Result> DurableRecorder::recordAll(const QList<CallWriter::Event> &events)
{
    QList<CallWriter::Result> written;
    if (m_journal.isEmpty() && m_writer.recordAll(events, &written)) {
        QList<Result> results;
        for (const CallWriter::Result result : written)
            results.append(result == CallWriter::Result::Deferred ? Result::Deferred
                                                                  : Result::Recorded);
        return results;
    }
    // One at a time: each is then either in the call log or in the journal.
    QList<Result> results;
    for (const CallWriter::Event &event : events)
        results.append(record(event.webhook));
    return results;
}

bool DurableRecorder::replay()
{
    if (m_journal.isEmpty())
        return true;
    for (const Webhook &webhook : m_journal.entries()) {
        if (m_writer.record(webhook) == CallWriter::Result::Failed)
            return false; // still down: try again later, from the start (replay is idempotent)
    }
    const qsizetype count = m_journal.entries().size();
    if (!m_journal.clear())
        return false;
    m_retry.stop();
    qCInfo(lcDatabase).noquote() << "the call log is back: replayed" << count
                                 << "journaled webhooks";
    Q_EMIT replayed();
    return true;
}

} // namespace Switchboard
