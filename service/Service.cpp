#include "Service.h"

#include "CallLogThread.h"
#include "core/Logging.h"
#include "DownloadThread.h"
#include "FlowWatcher.h"
#include "WebhookListener.h"

#include <cstdio>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTimer>

namespace Switchboard {

Service::Service(const ServiceConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{}

Service::~Service() = default;

bool Service::start(QString *error)
{
    m_downloads = std::make_unique<DownloadThread>(m_config);
    m_callLog = std::make_unique<CallLogThread>(m_config, *m_downloads);
    // The call log first: it creates or migrates the schema the downloads then use.
    if (!m_callLog->start(error) || !m_downloads->start(error))
        return false;
    m_flows = std::make_unique<FlowWatcher>(m_config.database);
    if (!m_flows->start(error)) {
        *error = QStringLiteral("--database: cannot read the call flow: ") + *error;
        return false;
    }
    m_listener = std::make_unique<WebhookListener>(m_config, *m_callLog, *m_downloads, *m_flows);
    if (!m_listener->listen(error))
        return false;
    std::printf("switchboard-service listening on %s (public URL %s), call log %s\n",
                qPrintable(m_listener->localUrl().toString()),
                qPrintable(m_listener->publicUrl().toString()),
                qPrintable(m_config.database.toDisplayString()));
    std::fflush(stdout);
    return true;
}

void Service::shutdown()
{
    qCInfo(lcWebhook) << "stopping: no new connections; answering what is in flight";
    m_listener->stopListening();
    auto *poll = new QTimer(this);
    auto *deadline = new QElapsedTimer;
    deadline->start();
    connect(poll, &QTimer::timeout, this, [this, poll, deadline] {
        if (m_listener->requestsInFlight() > 0 && !deadline->hasExpired(4000))
            return;
        poll->stop();
        if (m_listener->requestsInFlight() > 0)
            qCWarning(lcWebhook) << "stopping with" << m_listener->requestsInFlight()
                                 << "requests unfinished";
        delete deadline;
        // Give the answers just written a moment to leave, then close everything in order.
        QTimer::singleShot(100, this, [this] {
            m_listener.reset();
            m_flows.reset();
            m_callLog.reset();
            m_downloads.reset();
            QCoreApplication::exit(0);
        });
    });
    poll->start(20);
}

} // namespace Switchboard
