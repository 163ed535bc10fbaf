#pragma once

#include "core/WorkerThread.h"
#include "db/DatabaseUrl.h"

#include <memory>
#include <QByteArray>

namespace Switchboard {

class Database;
class Metrics;

// Reads the call log for /healthz and /metrics on a thread and connection of its own: however
// many HTTP threads answer them, an instance holds one connection for them.
class StatusReader final
{
    Q_DISABLE_COPY_MOVE(StatusReader)

public:
    explicit StatusReader(const DatabaseUrl &url);
    ~StatusReader();

    // From any thread: whether the database answers a query (after one reconnect if needed).
    bool databaseAnswers();
    // From any thread: the metrics exposition, with the call log's figures.
    QByteArray metrics(Metrics &metrics);

private:
    Database &database(); // on m_thread

    DatabaseUrl m_url;
    WorkerThread m_thread;
    std::unique_ptr<Database> m_database; // used on m_thread only
};

} // namespace Switchboard
