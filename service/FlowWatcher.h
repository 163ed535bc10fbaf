#pragma once

#include "core/FlowDefinition.h"
#include "core/WorkerThread.h"
#include "db/DatabaseUrl.h"

#include <memory>
#include <QMutex>
#include <QTimer>

namespace Switchboard {

class Database;

// The call flow the webhooks are answered with, kept in memory and replaced whole when a new
// revision is stored, by `flow set` on this host or on another. The HTTP threads only copy
// the current snapshot (a shared pointer to an immutable flow): no webhook reads the database
// for it. The watching runs on a thread and connection of its own: once a second it asks for
// the newest revision number (on SQLite only when PRAGMA data_version says another connection
// committed), and on PostgreSQL it also LISTENs to FlowStore's channel, so a change arrives
// at once; the poll covers a notification lost while the connection was down.
class FlowWatcher final
{
    Q_DISABLE_COPY_MOVE(FlowWatcher)

public:
    static constexpr int kPollIntervalMs = 1000;

    explicit FlowWatcher(const DatabaseUrl &url);
    ~FlowWatcher();

    // Reads the current revision, then watches for new ones. False, with `error`, when the
    // database cannot be read; a corrupt revision leaves no flow (the flags' one is used) and
    // is named in the log.
    bool start(QString *error);

    // From any thread: the flow to answer with; null while no usable revision was read.
    std::shared_ptr<const FlowDefinition> current() const;
    qint64 revision() const;

private:
    // On m_thread.
    bool open(QString *error);
    bool listen();
    void poll();
    bool reload(QString *error);

    DatabaseUrl m_url;
    WorkerThread m_thread;

    // Used on m_thread only.
    std::unique_ptr<Database> m_database;
    std::unique_ptr<QTimer> m_timer;
    QMetaObject::Connection m_notifications;
    std::optional<qint64> m_commits;
    qint64 m_seenRevision = -1; // the newest revision read, usable or not

    mutable QMutex m_mutex;
    std::shared_ptr<const FlowDefinition> m_flow; // guarded by m_mutex
    qint64 m_revision = 0;                        // guarded by m_mutex
};

} // namespace Switchboard
