#pragma once

#include "CallFlow.h"
#include "core/CallRecord.h"
#include "Metrics.h"
#include "ServiceConfig.h"
#include "twilio/RecordingDownload.h"

#include <memory>
#include <QHttpServer>
#include <QObject>
#include <QTcpServer>

namespace Switchboard {

class ConnectionGuard;
class DurableRecorder;
class Database;
class RecordingFetcher;

// The HTTP face of the service: Twilio's webhooks, /healthz and /metrics.
class WebhookServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookServer)

public:
    WebhookServer(const ServiceConfig &config, Database &database, DurableRecorder &recorder,
                  RecordingFetcher &fetcher, QObject *parent = nullptr);
    ~WebhookServer() override;

    bool listen(QString *error);
    // Stops accepting connections; requests already arriving are still answered.
    void stopListening();
    int requestsInFlight() const;
    QUrl localUrl() const;
    QUrl publicUrl() const;

private:
    void addRoutes();
    QHttpServerResponse handle(WebhookKind kind, const QHttpServerRequest &request);
    QHttpServerResponse respond(Webhook &&webhook, const QUrl &url);
    QString signedUrl(const QHttpServerRequest &request, const QUrl &url) const;

    ServiceConfig m_config;
    Database &m_database;
    DurableRecorder &m_recorder;
    RecordingFetcher &m_fetcher;
    Metrics m_metrics;
    RecordingDownload::Options m_recordingPolicy; // which RecordingUrls may be accepted
    std::unique_ptr<CallFlow> m_flow;
    QHttpServer m_http;
    ConnectionGuard *m_tcp = nullptr; // owned by m_http once bound
};

} // namespace Switchboard
