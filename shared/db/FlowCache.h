#pragma once

#include "FlowStore.h"

#include <memory>
#include <QMutex>
#include <QObject>
#include <QTimer>

namespace Switchboard {

// The current call flow, kept in memory so that no webhook reads it from the database, and
// reloaded when another process stores a newer revision: on SQLite the connection's PRAGMA
// data_version is polled (every second by default; a poll that finds no commit by another
// connection runs no other query), on PostgreSQL a NOTIFY on FlowStore::changesChannel() says
// so at once, and a poll every kPostgresPollMs catches what a dropped connection missed. A newer
// revision that does not read back as a valid flow is not taken: the last good one stays, and
// problem() says why. Lives in the thread of its connection; current() may be read from any.
class FlowCache final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FlowCache)

public:
    explicit FlowCache(Database &database, QObject *parent = nullptr);

    // On PostgreSQL, how often the revisions are looked at although no NOTIFY came.
    static constexpr int kPostgresPollMs = 30000;

    // Loads the current revision and starts watching. False, with `error`, when the database
    // could not be read; no flow yet is not an error.
    bool start(QString *error, int pollMs = 1000);

    // The flow in use: nothing before a valid one was read. Safe from any thread.
    std::shared_ptr<const StoredFlow> current() const;
    // Why the newest revision is not in use (a corrupt row), else empty.
    QString problem() const;

    // Looks for a newer revision now; true when one was taken.
    bool refresh(QString *error);

Q_SIGNALS:
    void changed(qint64 revision);

private:
    bool reload(QString *error);

    Database &m_database;
    FlowStore m_store;
    QTimer m_poll;
    std::optional<qint64> m_dataVersion;
    qint64 m_newestSeen = 0; // the newest revision read, taken or not
    mutable QMutex m_mutex;  // guards m_current and m_problem
    std::shared_ptr<const StoredFlow> m_current;
    QString m_problem;
};

} // namespace Switchboard
