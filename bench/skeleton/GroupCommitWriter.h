#pragma once

#include "core/WorkerThread.h"

#include <chrono>
#include <functional>
#include <QByteArray>
#include <QMutex>
#include <QString>
#include <QWaitCondition>
#include <vector>

namespace Switchboard::Bench {

// The skeleton's call log: one table, one writer thread and connection, SQLite in WAL mode with
// the service's settings, and group commit as the service does it (a batch is scheduled when
// its first request arrives; whatever arrives until it starts joins it), after an optional
// window that lets more join. Its few statements are its own, not shared/db's: the floor must
// not run the code it is the floor of.
class GroupCommitWriter final
{
    Q_DISABLE_COPY_MOVE(GroupCommitWriter)

public:
    GroupCommitWriter(const QString &path, bool synchronousFull, std::chrono::microseconds window);
    ~GroupCommitWriter();

    bool open(QString *error);
    // How many requests the file at `path` holds committed (bench-service checks that each
    // answered request is there); -1 with `error` when it cannot be read.
    static qint64 committedRequests(const QString &path, QString *error);

    // From any other thread: returns once the request is committed (true) or failed.
    bool commit(const QByteArray &path, const QByteArray &body);
    // From any other thread: `done` runs on the writer's thread once the request's batch is
    // committed (true) or failed.
    void commitLater(const QByteArray &path, const QByteArray &body,
                     std::function<void(bool committed)> done);

private:
    struct Pending
    {
        QByteArray path;
        QByteArray body;
        std::function<void(bool)> done; // empty: a handler waits on `committed`
        bool finished = false;
        bool committed = false;
        QWaitCondition wake;
    };

    void enqueue(Pending *pending);
    void commitPending();

    const QString m_path;
    const bool m_synchronousFull;
    const std::chrono::microseconds m_window;
    const QString m_connectionName;
    WorkerThread m_thread;

    QMutex m_mutex;
    std::vector<Pending *> m_pending; // guarded by m_mutex
};

} // namespace Switchboard::Bench
