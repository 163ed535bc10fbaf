#include "WebhookListener.h"

#include "core/WorkerThread.h"
#include "WebhookServer.h"

#include <unistd.h>

namespace Switchboard {

struct WebhookListener::HttpThread
{
    explicit HttpThread(int number)
        : thread(QStringLiteral("http-%1").arg(number))
    {}

    WorkerThread thread;
    WebhookServer *server = nullptr; // lives on `thread`
};

WebhookListener::WebhookListener(const ServiceConfig &config, CallLogThread &callLog,
                                 DownloadThread &downloads, const FlowWatcher &flows)
    : m_config(config)
    , m_callLog(callLog)
    , m_downloads(downloads)
    , m_flows(flows)
    , m_metrics(config.metricsToken)
    , m_status(config.database)
    , m_connections(config.maxConnections, config.maxConnectionsPerAddress, config.trustedProxies)
    , m_pendingAnswers(config.maxPendingAnswers)
{}

WebhookListener::~WebhookListener()
{
    for (const auto &http : m_threads)
        http->thread.run([&http] { delete http->server; });
}

bool WebhookListener::listen(QString *error)
{
    // A burst of connections (Twilio's, or a crowd's) waits in the kernel's queue rather than
    // being dropped half-open: room for as many as the service may hold.
    m_socket.setListenBacklogSize(qMax(50, m_config.maxConnections));
    if (!m_socket.listen(m_config.listenAddress, m_config.listenPort)) {
        *error = QStringLiteral("--listen: cannot listen on %1:%2: %3")
                     .arg(m_config.listenAddress.toString())
                     .arg(m_config.listenPort)
                     .arg(m_socket.errorString());
        return false;
    }
    m_socket.pauseAccepting(); // the HTTP threads accept
    if (m_config.callFlow.publicUrl.isEmpty())
        m_config.callFlow.publicUrl = localUrl();
    for (int i = 0; i < m_config.httpThreads; ++i) {
        auto http = std::make_unique<HttpThread>(i + 1);
        // Built on its thread, so that QHttpServer, its timers and its sockets belong there.
        http->thread.run([this, &http] {
            http->server = new WebhookServer(m_config, m_callLog, m_downloads, m_flows, m_metrics,
                                             m_status, m_connections, m_pendingAnswers,
                                             [this](qintptr descriptor) { deal(descriptor); });
        });
        m_threads.push_back(std::move(http));
    }
    for (const auto &http : m_threads) {
        const bool listening = http->thread.run([this, &http] {
            return http->server->listen(::dup(int(m_socket.socketDescriptor())));
        });
        if (!listening) {
            *error = QStringLiteral("--listen: cannot accept connections on %1:%2")
                         .arg(m_config.listenAddress.toString())
                         .arg(m_config.listenPort);
            return false;
        }
    }
    // Only once every thread can be dealt connections.
    for (const auto &http : m_threads)
        http->thread.run([&http] { http->server->startAccepting(); });
    return true;
}

void WebhookListener::deal(qintptr descriptor)
{
    std::size_t pick = m_dealt++ % m_threads.size();
    // When every connection is taken, a thread with an idle connection serves the new one: it
    // closes its longest-idle connection to make room rather than refuse (Twilio, perhaps).
    if (m_connections.isFull()) {
        for (std::size_t i = 0; i < m_threads.size(); ++i) {
            const std::size_t candidate = (pick + i) % m_threads.size();
            if (m_threads[candidate]->server->idleConnections() > 0) {
                pick = candidate;
                break;
            }
        }
    }
    WebhookServer *server = m_threads[pick]->server;
    QMetaObject::invokeMethod(server, [server, descriptor] { server->serve(descriptor); });
}

void WebhookListener::stopListening()
{
    for (const auto &http : m_threads)
        http->thread.run([&http] { http->server->stopListening(); });
    m_socket.close();
}

int WebhookListener::requestsInFlight() const
{
    int total = 0;
    for (const auto &http : m_threads)
        total += http->thread.run([&http] { return http->server->requestsInFlight(); });
    return total;
}

QUrl WebhookListener::localUrl() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(m_socket.serverAddress().toString());
    url.setPort(m_socket.serverPort());
    return url;
}

QUrl WebhookListener::publicUrl() const
{
    return m_config.callFlow.publicUrl;
}

} // namespace Switchboard
