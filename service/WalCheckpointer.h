#pragma once

#include "core/WorkerThread.h"
#include "db/DatabaseUrl.h"

#include <atomic>
#include <memory>

namespace Switchboard {

class Database;

// Copies a SQLite call log's write-ahead log back into the database file on a thread and a
// connection of its own, soon after each commit. With SQLite's automatic checkpoints alone,
// every thousandth page committed made one batch of webhooks wait while the writer copied
// those pages, and those waits were the slowest answers.
//
// The writer still checkpoints, rarely: the WAL can only start over after a checkpoint that
// no commit overtakes, which under steady load only the writer itself can run. By then this
// thread has copied all but the last few commits, so the writer's checkpoint is short.
class WalCheckpointer final
{
    Q_DISABLE_COPY_MOVE(WalCheckpointer)

public:
    explicit WalCheckpointer(const DatabaseUrl &url);
    ~WalCheckpointer();

    bool start(QString *error);
    // Sets the writer's own checkpoints to the rare ones that let the WAL start over.
    static bool configureWriter(Database &writer, QString *error);
    // From the writer's thread, after a commit: a checkpoint follows soon, one for many commits.
    void committed();

private:
    void checkpoint();

    DatabaseUrl m_url;
    WorkerThread m_thread;
    std::unique_ptr<Database> m_database; // used on m_thread only
    std::atomic<bool> m_scheduled = false;
};

} // namespace Switchboard
