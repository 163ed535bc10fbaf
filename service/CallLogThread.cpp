#include "CallLogThread.h"

#include "db/CallWriter.h"
#include "db/Database.h"
#include "RecordingFetcher.h"
#include "WalCheckpointer.h"
#include "WebhookJournal.h"

#include <QSqlQuery>

namespace Switchboard {

CallLogThread::CallLogThread(const ServiceConfig &config)
    : m_config(config)
    , m_thread(QStringLiteral("call-log"))
{}

CallLogThread::~CallLogThread()
{
    m_thread.run([this] { close(); });
}

bool CallLogThread::start(QString *error)
{
    bool opened = false;
    m_thread.run([this, error, &opened] { opened = open(error); });
    return opened;
}

bool CallLogThread::open(QString *error)
{
    m_database = std::make_unique<Database>(m_config.database, QStringLiteral("call-log"));
    m_database->setLockTimeoutMs(m_config.databaseTimeoutMs);
    if (!m_database->openAndMigrate(error)) {
        *error = QStringLiteral("--database: ") + *error;
        return false;
    }
    // Fail now, not at the first call, when the database is read-only.
    QSqlQuery probe(m_database->connection());
    if (!probe.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS write_probe (id INTEGER)")) ||
        !probe.exec(QStringLiteral("DROP TABLE write_probe"))) {
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

    RecordingFetcher::Options fetch;
    fetch.download.apiBase = m_config.twilioApi;
    fetch.download.accountSid = m_config.accountSid;
    fetch.download.authToken = m_config.authToken;
    fetch.retryBaseMs = m_config.downloadRetryMs;
    fetch.maxAttempts = m_config.downloadAttempts;
    m_fetcher = std::make_unique<RecordingFetcher>(*m_writer, fetch);

    m_journal = std::make_unique<WebhookJournal>(m_config.journalPath);
    if (!m_journal->open(error))
        return false;
    m_recorder = std::make_unique<DurableRecorder>(*m_writer, *m_journal);
    QObject::connect(m_recorder.get(), &DurableRecorder::replayed, m_fetcher.get(), [this] {
        m_journaled = 0;
        m_fetcher->wake();
    });
    m_recorder->replay(); // what a previous run could not write
    m_journaled = m_recorder->journaled();
    m_fetcher->wake(); // resume downloads left pending by a previous run
    return true;
}

void CallLogThread::close()
{
    m_recorder.reset();
    m_journal.reset();
    m_fetcher.reset();
    m_writer.reset();
    m_database.reset();
    m_checkpointer.reset();
}

void CallLogThread::wakeFetcher()
{
    m_thread.post([this] {
        if (m_fetcher)
            m_fetcher->wake();
    });
}

DurableRecorder::Result CallLogThread::record(const Webhook &webhook)
{
    Pending pending{CallWriter::event(webhook)}; // worked out here, on the HTTP thread
    QMutexLocker lock(&m_mutex);
    // A batch is scheduled when the first webhook of it arrives; later ones join it until it
    // starts committing.
    if (m_pending.empty())
        m_thread.post([this] { commitPending(); });
    m_pending.push_back(&pending);
    while (!pending.done)
        m_committed.wait(&m_mutex);
    return pending.result;
}

void CallLogThread::commitPending()
{
    std::vector<Pending *> batch;
    {
        QMutexLocker lock(&m_mutex);
        batch.swap(m_pending);
    }
    QList<CallWriter::Event> events;
    events.reserve(qsizetype(batch.size()));
    for (const Pending *pending : batch)
        events.append(pending->event);
    const QList<DurableRecorder::Result> results = m_recorder->recordAll(events);
    m_journaled = m_recorder->journaled();
    if (m_checkpointer)
        m_checkpointer->committed();

    QMutexLocker lock(&m_mutex);
    for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i]->result = results.at(qsizetype(i));
        batch[i]->done = true;
    }
    m_committed.wakeAll();
}

} // namespace Switchboard
