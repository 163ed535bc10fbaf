#pragma once

#include <QObject>
#include <QTimer>

namespace Switchboard {

class Database;

// Notices other processes' commits to the call log. On SQLite it polls PRAGMA data_version,
// which changes when another connection commits and costs next to nothing to read; it also
// notices the file being removed or replaced under the open connection, which SQLite itself
// would not report. On PostgreSQL it LISTENs for the service's NOTIFY and polls nothing: the
// timer then only checks that the connection is alive, so that a lost one is reopened (and
// re-subscribed) by the owner, which then catches up through the revision column.
class DatabaseWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DatabaseWatcher)

public:
    DatabaseWatcher(Database &database, QObject *parent = nullptr);

    void start(int intervalMs);
    void stop();
    // Polls at once.
    void poll();

Q_SIGNALS:
    void changed();
    void failed(const QString &message);

private:
    QString fileIdentity() const;

    Database &m_database;
    QTimer m_timer;
    qint64 m_dataVersion = -1;
    QString m_fileIdentity;
};

} // namespace Switchboard
