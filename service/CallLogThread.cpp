#include "CallLogThread.h"

#include "core/Logging.h"
#include "db/CallReader.h"
#include "db/CallWriter.h"
#include "db/Database.h"
#include "DownloadThread.h"
#include "WalCheckpointer.h"
#include "WebhookJournal.h"

#include <QTimer>

namespace Switchboard {

CallLogThread::CallLogThread(const ServiceConfig &config, DownloadThread &downloads)
    : m_config(config)
    , m_downloads(downloads)
    , m_thread(QStringLiteral("call-log"))
{}

CallLogThread::~CallLogThread()
{
    m_thread.run([this] { close(); });
}

bool CallLogThread::start(QString *error)
{
    return m_thread.run([this, error] { return open(error); });
}

bool CallLogThread::open(QString *error)
{
    m_database = std::make_unique<Database>(m_config.database, QStringLiteral("call-log"));
    m_database->setLockTimeoutMs(m_config.databaseTimeoutMs);
    m_database->setSqliteSync(m_config.sqliteSync);
    if (!m_database->openAndMigrate(error)) {
        *error = QStringLiteral("--database: ") + *error;
        return false;
    }
    // Fail now, not at the first call, when the database is read-only.
    if (!m_database->isWritable()) {
        *error = QStringLiteral("--database: %1 is not writable")
                     .arg(m_config.database.toDisplayString());
        return false;
    }
    if (m_database->dialect().isSqlite()) {
        m_checkpointer = std::make_unique<WalCheckpointer>(m_config.database);
        if (!m_checkpointer->start(error) || !m_checkpointer->configureWriter(*m_database, error)) {
            *error = QStringLiteral("--database: ") + *error;
            return false;
        }
    }
    m_writer = std::make_unique<CallWriter>(*m_database);
    m_reader = std::make_unique<CallReader>(*m_database);

    m_journal =
        std::make_unique<WebhookJournal>(m_config.journalPath, m_config.database.toDisplayString());
    if (!m_journal->open(error))
        return false;
    m_recorder = std::make_unique<DurableRecorder>(*m_writer, *m_journal);
    QObject::connect(m_recorder.get(), &DurableRecorder::replayed, m_thread.context(), [this] {
        m_journaled = 0;
        m_downloads.wake();
    });
    m_recorder->replay(); // what a previous run could not write
    m_journaled = m_recorder->journaled();
    return true;
}

void CallLogThread::close()
{
    m_recorder.reset();
    m_journal.reset();
    m_writer.reset();
    m_reader.reset();
    m_database.reset();
    m_checkpointer.reset();
}

void CallLogThread::record(const Webhook &webhook, bool askLegAccepted, Done done)
{
    // The event is worked out here, on the caller's thread, not on the one writer's.
    Pending pending{CallWriter::event(webhook), askLegAccepted, std::move(done)};
    QMutexLocker lock(&m_mutex);
    // A batch is scheduled when the first webhook of it arrives; later ones join it until it
    // starts committing.
    if (m_pending.empty())
        m_thread.post([this] { commitPending(); });
    m_pending.push_back(std::move(pending));
}

bool CallLogThread::acceptedLeg(const QString &callSid, const QString &dialCallSid)
{
    if (!m_database)
        return false;
    const std::optional<bool> accepted = m_reader->hasAcceptedLeg(callSid, dialCallSid);
    if (!accepted)
        qCWarning(lcDatabase).noquote()
            << "cannot tell whether" << callSid << "was accepted:" << m_reader->lastError();
    return accepted.value_or(false);
}

void CallLogThread::isBeingForwarded(const QString &callSid,
                                     std::function<void(bool forwarded)> answer)
{
    m_thread.post([this, callSid, answer = std::move(answer)] { answer(beingForwarded(callSid)); });
}

bool CallLogThread::beingForwarded(const QString &callSid)
{
    if (!m_database || m_journaled.load() > 0)
        return true;
    const std::optional<MenuChoice> choice = m_reader->menuChoice(callSid);
    if (!choice)
        return !m_reader->lastError().isEmpty();
    return *choice == MenuChoice::Forward;
}

CallLogThread::CallBackTarget CallLogThread::callBackTarget(const QString &callSid)
{
    return m_thread.run([&] {
        CallBackTarget target;
        if (!m_database)
            return target;
        CallReader reader(*m_database);
        const std::optional<CallRecord> call = reader.call(callSid);
        if (!call) {
            if (reader.lastError().isEmpty())
                target.state = CallBackTarget::State::Unknown;
            return target;
        }
        if (call->direction != CallDirection::Inbound) {
            target.state = CallBackTarget::State::Unknown;
            return target;
        }
        target.state = CallBackTarget::State::Found;
        target.callerNumber = call->from;
        target.companyNumber = call->to;
        return target;
    });
}

void CallLogThread::commitPending()
{
    std::vector<Pending> batch;
    {
        QMutexLocker lock(&m_mutex);
        batch.swap(m_pending);
    }
    if (batch.empty())
        return;
    QList<CallWriter::Event> events;
    events.reserve(qsizetype(batch.size()));
    for (const Pending &pending : batch)
        events.append(pending.event);
    const QList<DurableRecorder::Result> results = m_recorder->recordAll(events);
    m_journaled = m_recorder->journaled();
    if (m_checkpointer)
        m_checkpointer->committed();

    std::vector<Pending> deferred;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        Pending &pending = batch[i];
        Recorded recorded;
        recorded.result = results.at(qsizetype(i));
        if (recorded.result == DurableRecorder::Result::Deferred) {
            deferred.push_back(std::move(pending));
            continue;
        }
        const Webhook &webhook = pending.event.webhook;
        if (pending.askLegAccepted && recorded.result != DurableRecorder::Result::Lost)
            recorded.legAccepted =
                acceptedLeg(webhook.callSid(), webhook.params.value(QStringLiteral("DialCallSid")));
        pending.done(recorded);
    }
    if (deferred.empty())
        return;
    // Another instance holds these calls: they go first in the next batch (in their order),
    // at once when other webhooks are waiting, else after a moment.
    QMutexLocker lock(&m_mutex);
    const bool othersWait = !m_pending.empty();
    m_pending.insert(m_pending.begin(), std::make_move_iterator(deferred.begin()),
                     std::make_move_iterator(deferred.end()));
    QTimer::singleShot(othersWait ? 0 : 1, m_thread.context(), [this] { commitPending(); });
}

} // namespace Switchboard
