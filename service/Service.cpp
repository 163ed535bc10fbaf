#include "Service.h"

#include "RecordingFetcher.h"
#include "WebhookServer.h"
#include "db/CallWriter.h"
#include "db/Database.h"

#include <QSqlQuery>

#include <cstdio>

namespace Switchboard {

Service::Service(const ServiceConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{
}

Service::~Service() = default;

bool Service::start(QString *error)
{
    m_database = std::make_unique<Database>(m_config.database, QStringLiteral("service"));
    if (!m_database->openAndMigrate(error)) {
        *error = QStringLiteral("--database: ") + *error;
        return false;
    }
    // Fail now, not at the first call, when the database is read-only.
    QSqlQuery probe(m_database->connection());
    if (!probe.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS write_probe (id INTEGER)"))
        || !probe.exec(QStringLiteral("DROP TABLE write_probe"))) {
        *error = QStringLiteral("--database: %1 is not writable").arg(m_config.database.toDisplayString());
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

    m_server = std::make_unique<WebhookServer>(m_config, *m_database, *m_writer, *m_fetcher);
    if (!m_server->listen(error))
        return false;
    std::printf("switchboard-service listening on %s (public URL %s), call log %s\n",
                qPrintable(m_server->localUrl().toString()), qPrintable(m_server->publicUrl().toString()),
                qPrintable(m_config.database.toDisplayString()));
    std::fflush(stdout);
    m_fetcher->wake(); // resume downloads left pending by a previous run
    return true;
}

} // namespace Switchboard
