#include "DownloadThread.h"

#include "db/Database.h"
#include "db/VoicemailStore.h"
#include "RecordingFetcher.h"

namespace Switchboard {

DownloadThread::DownloadThread(const ServiceConfig &config)
    : m_config(config)
    , m_thread(QStringLiteral("downloads"))
{}

DownloadThread::~DownloadThread()
{
    m_thread.run([this] {
        m_fetcher.reset();
        m_store.reset();
        m_database.reset();
    });
}

bool DownloadThread::start(QString *error)
{
    return m_thread.run([this, error] { return open(error); });
}

bool DownloadThread::open(QString *error)
{
    m_database = std::make_unique<Database>(m_config.database, QStringLiteral("downloads"));
    m_database->setLockTimeoutMs(m_config.databaseTimeoutMs);
    // Nothing it commits was acknowledged to anyone: a commit a power loss takes back leaves the
    // voicemail pending, to be fetched again, and the writer's next commit (FULL) syncs the
    // write-ahead log with these pages in it. Syncing each of them too left the downloads three
    // times further behind the webhooks at full load (docs/performance.md).
    m_database->setSqliteSync(Database::SqliteSync::Normal);
    if (!m_database->open(error)) {
        *error = QStringLiteral("--database: ") + *error;
        return false;
    }
    m_store = std::make_unique<VoicemailStore>(*m_database);
    RecordingFetcher::Options fetch;
    fetch.download.apiBase = m_config.twilioApi;
    fetch.download.accountSid = m_config.accountSid;
    fetch.download.authToken = m_config.authToken;
    fetch.retryBaseMs = m_config.downloadRetryMs;
    fetch.maxAttempts = m_config.downloadAttempts;
    m_fetcher = std::make_unique<RecordingFetcher>(*m_store, fetch);
    m_fetcher->wake(); // resume downloads left pending by a previous run
    return true;
}

void DownloadThread::wake()
{
    m_thread.post([this] {
        if (m_fetcher)
            m_fetcher->wake();
    });
}

void DownloadThread::wakeAfterStatusGrace()
{
    m_thread.post([this] {
        if (m_fetcher)
            m_fetcher->wakeAfterStatusGrace();
    });
}

} // namespace Switchboard
