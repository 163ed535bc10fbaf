#pragma once

#include "FlowStore.h"

#include <memory>
#include <QMap>
#include <QMutex>
#include <QObject>
#include <QTimer>

namespace Switchboard {

// The current call flow, kept in memory so that no webhook reads it from the database, and
// reloaded when another process stores a newer revision: on SQLite the connection's PRAGMA
// data_version is polled (a poll that finds no commit by another connection runs no other
// query), on PostgreSQL a NOTIFY on FlowStore::changesChannel() says so at once, and a poll
// catches what a dropped connection missed. A check that fails opens the connection again and,
// on PostgreSQL, LISTENs again. A newer revision that does not read back as a valid flow is not
// taken: the last good one stays, and problem() says why. The newest kKeptRevisions revisions
// are kept too: a call goes on with the revision it was routed under (a sequential hunt's next
// member, a member's leg) when a newer one came in meanwhile. Lives in the thread of its
// connection; current(), revision() and problem() may be read from any.
class FlowCache final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FlowCache)

public:
    explicit FlowCache(Database &database, QObject *parent = nullptr);

    // How often the revisions are looked at: on SQLite the only way to see a new one; on
    // PostgreSQL what bounds the delay after a NOTIFY lost while the connection was down.
    static constexpr int kPollMs = 1000;
    static constexpr int kPostgresPollMs = 30000;
    // How many of the newest revisions stay at hand for the calls routed under them: a call
    // whose revision is older than that many changes cannot go on with it.
    static constexpr int kKeptRevisions = 16;

    // Loads the current revision and starts watching. False, with `error`, when the database
    // could not be read; no flow yet, or a corrupt one, is not an error.
    bool start(QString *error, int pollMs = kPollMs, int postgresPollMs = kPostgresPollMs);

    // The flow in use: nothing before a valid one was read. Safe from any thread.
    std::shared_ptr<const StoredFlow> current() const;
    // Revision `number` if it is one of the newest kKeptRevisions and valid (or the one in
    // use), else nothing. Safe from any thread.
    std::shared_ptr<const StoredFlow> revision(qint64 number) const;
    // Why the newest revision is not in use (a corrupt row), else empty.
    QString problem() const;

    // Looks for a newer revision now (opening the connection again if the check fails); true
    // when one was taken.
    bool refresh(QString *error);

Q_SIGNALS:
    void changed(qint64 revision);

private:
    bool listen(QString *error);
    std::optional<qint64> newestRevision(QString *error);
    bool reconnect(QString *error);
    bool reload(QString *error);

    Database &m_database;
    FlowStore m_store;
    QTimer m_poll;
    QMetaObject::Connection m_notifications;
    std::optional<qint64> m_dataVersion;
    qint64 m_newestSeen = 0; // the newest revision read, taken or not; -1: read it again
    mutable QMutex m_mutex;  // guards m_current, m_kept and m_problem
    std::shared_ptr<const StoredFlow> m_current;
    QMap<qint64, std::shared_ptr<const StoredFlow>> m_kept; // the valid ones of the newest
    QString m_problem;
};

} // namespace Switchboard
