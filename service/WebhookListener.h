#pragma once

#include "AnswerQueue.h"
#include "ConnectionGuard.h"
#include "Metrics.h"
#include "ServiceConfig.h"
#include "StatusReader.h"

#include <atomic>
#include <memory>
#include <QTcpServer>
#include <QUrl>
#include <vector>

namespace Switchboard {

class CallLogThread;
class FlowWatcher;
class DownloadThread;
class WebhookServer;

// Listens on --listen for the HTTP threads, each running a WebhookServer. QHttpServer answers
// a connection on the thread that owns it; a webhook handler does not wait for its commit, so
// each thread has many webhooks in flight at once (up to --max-pending-answers in all) and the
// call log commits them together. A few threads (--http-threads) share the parsing.
class WebhookListener final
{
    Q_DISABLE_COPY_MOVE(WebhookListener)

public:
    WebhookListener(const ServiceConfig &config, CallLogThread &callLog, DownloadThread &downloads,
                    const FlowWatcher &flows);
    ~WebhookListener(); // stops the HTTP threads; connections still open are closed

    bool listen(QString *error);
    // Stops accepting connections; requests already arriving are still answered.
    void stopListening();
    int requestsInFlight() const;
    QUrl localUrl() const;
    QUrl publicUrl() const;

private:
    struct HttpThread;

    // Picks the thread that serves a connection; from any HTTP thread.
    void deal(qintptr descriptor);

    ServiceConfig m_config;
    CallLogThread &m_callLog;
    DownloadThread &m_downloads;
    const FlowWatcher &m_flows;
    Metrics m_metrics;
    StatusReader m_status;
    ConnectionBudget m_connections; // every HTTP thread's
    PendingAnswerBudget m_pendingAnswers;
    QTcpServer m_socket; // binds the address; the HTTP threads accept
    std::vector<std::unique_ptr<HttpThread>> m_threads;
    std::atomic<std::size_t> m_dealt = 0;
};

} // namespace Switchboard
