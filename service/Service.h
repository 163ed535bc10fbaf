#pragma once

#include "ServiceConfig.h"

#include <QObject>

#include <memory>

namespace Switchboard {

class CallWriter;
class Database;
class RecordingFetcher;
class WebhookServer;

// The running service: the database, the webhook server and the recording fetcher.
class Service final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Service)

public:
    explicit Service(const ServiceConfig &config, QObject *parent = nullptr);
    ~Service() override;

    bool start(QString *error);

private:
    ServiceConfig m_config;
    std::unique_ptr<Database> m_database;
    std::unique_ptr<CallWriter> m_writer;
    std::unique_ptr<RecordingFetcher> m_fetcher;
    std::unique_ptr<WebhookServer> m_server;
};

} // namespace Switchboard
