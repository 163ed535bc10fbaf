#pragma once

#include "ServiceConfig.h"

#include <memory>
#include <QObject>

namespace Switchboard {

class CallWriter;
class Database;
class DurableRecorder;
class WebhookJournal;
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
    // Stops accepting, answers what is in flight, closes the database, then quits with 0;
    // within 5 s however long the requests in flight take.
    void shutdown();

private:
    ServiceConfig m_config;
    std::unique_ptr<Database> m_database;
    std::unique_ptr<CallWriter> m_writer;
    std::unique_ptr<RecordingFetcher> m_fetcher;
    std::unique_ptr<WebhookJournal> m_journal;
    std::unique_ptr<DurableRecorder> m_recorder;
    std::unique_ptr<WebhookServer> m_server;
};

} // namespace Switchboard
