#include "Service.h"

#include "core/Logging.h"
#include "db/CallWriter.h"
#include "db/Database.h"
#include "DurableRecorder.h"
#include "RecordingFetcher.h"
#include "WebhookJournal.h"
#include "WebhookServer.h"

#include <cstdio>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlQuery>
#include <QTimer>

namespace Switchboard {

Service::Service(const ServiceConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{}

Service::~Service() = default;

bool Service::start(QString *error)
{
    m_database = std::make_unique<Database>(m_config.database, QStringLiteral("service"));
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
    connect(m_recorder.get(), &DurableRecorder::replayed, m_fetcher.get(), &RecordingFetcher::wake);
    m_recorder->replay(); // what a previous run could not write

    m_server = std::make_unique<WebhookServer>(m_config, *m_database, *m_recorder, *m_fetcher);
    if (!m_server->listen(error))
        return false;
    std::printf("switchboard-service listening on %s (public URL %s), call log %s\n",
                qPrintable(m_server->localUrl().toString()),
                qPrintable(m_server->publicUrl().toString()),
                qPrintable(m_config.database.toDisplayString()));
    std::fflush(stdout);
    m_fetcher->wake(); // resume downloads left pending by a previous run
    return true;
}

void Service::shutdown()
{
    qCInfo(lcWebhook) << "stopping: no new connections; answering what is in flight";
    m_server->stopListening();
    auto *poll = new QTimer(this);
    auto *deadline = new QElapsedTimer;
    deadline->start();
    connect(poll, &QTimer::timeout, this, [this, poll, deadline] {
        if (m_server->requestsInFlight() > 0 && !deadline->hasExpired(4000))
            return;
        poll->stop();
        if (m_server->requestsInFlight() > 0)
            qCWarning(lcWebhook) << "stopping with" << m_server->requestsInFlight()
                                 << "requests unfinished";
        delete deadline;
        // Give the answers just written a moment to leave, then close everything in order.
        QTimer::singleShot(100, this, [this] {
            m_server.reset();
            m_recorder.reset();
            m_fetcher.reset();
            m_writer.reset();
            m_database.reset();
            QCoreApplication::exit(0);
        });
    });
    poll->start(20);
}

} // namespace Switchboard
