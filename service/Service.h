#pragma once

#include "ServiceConfig.h"

#include <memory>
#include <QObject>

namespace Switchboard {

class CallLogThread;
class DownloadThread;
class FlowWatcher;
class WebhookListener;

// The running service: the call log's thread (webhooks, journal), the downloads' thread, and
// the HTTP threads in front of them.
class Service final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Service)

public:
    explicit Service(const ServiceConfig &config, QObject *parent = nullptr);
    ~Service() override;

    bool start(QString *error);
    // Stops accepting, answers what is in flight, closes the database, then quits with 0;
    // within 5 s however long the requests in flight take.
    void shutdown();

private:
    ServiceConfig m_config;
    std::unique_ptr<DownloadThread> m_downloads;
    std::unique_ptr<CallLogThread> m_callLog;
    std::unique_ptr<FlowWatcher> m_flows;
    std::unique_ptr<WebhookListener> m_listener;
};

} // namespace Switchboard
