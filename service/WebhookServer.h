#pragma once

#include "ConnectionGuard.h"
#include "core/CallRecord.h"
#include "Metrics.h"
#include "ServiceConfig.h"
#include "twilio/CallFlow.h"
#include "twilio/RecordingDownload.h"

#include <memory>
#include <QHttpServer>
#include <QObject>

namespace Switchboard {

class CallLogThread;
class FlowWatcher;
class DownloadThread;
class StatusReader;

// The HTTP face of the service on one of its HTTP threads: Twilio's webhooks, /healthz and
// /metrics. Every HTTP thread accepts on the same listening socket.
class WebhookServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookServer)

public:
    // `config.callFlow.publicUrl` is final: the listener fills it in when it was not given.
    WebhookServer(const ServiceConfig &config, CallLogThread &callLog, DownloadThread &downloads,
                  const FlowWatcher &flows, Metrics &metrics, StatusReader &status,
                  ConnectionBudget &connections, ConnectionGuard::Dealer deal,
                  QObject *parent = nullptr);
    ~WebhookServer() override;

    // Takes a listening socket (a duplicate of the listener's); false when the descriptor is
    // not one. Accepting starts with startAccepting(): once every thread can be dealt a
    // connection.
    bool listen(qintptr listeningSocket);
    // Accepts connections, handing each to the dealer.
    void startAccepting();
    void stopListening();
    // Serves a connection the dealer picked this thread for (call on this object's thread).
    void serve(qintptr descriptor);
    int requestsInFlight() const;
    // Connections between requests (from any thread).
    int idleConnections() const;

private:
    void addRoutes();
    QHttpServerResponse handle(WebhookKind kind, const QHttpServerRequest &request);
    // A call back's webhook: the <Dial> to the caller the call log names, or its results.
    QHttpServerResponse callBack(Webhook &&webhook, const QUrl &url, QString *problem);
    QHttpServerResponse respond(Webhook &&webhook, const QUrl &url, const CallFlow &flow);
    QHttpServerResponse health();
    QString signedUrl(const QHttpServerRequest &request, const QUrl &url) const;

    ServiceConfig m_config;
    CallLogThread &m_callLog;
    DownloadThread &m_downloads;
    const FlowWatcher &m_flows;
    Metrics &m_metrics;
    RecordingDownload::Options m_recordingPolicy; // which RecordingUrls may be accepted
    CallFlow m_flow; // its settings and URLs; each webhook's answer takes the current flow
    StatusReader &m_status;
    QHttpServer m_http;
    ConnectionGuard *m_guard = nullptr; // owned by m_http
};

} // namespace Switchboard
