#pragma once

#include "DatabaseUrl.h"
#include "SqlDialect.h"

#include <optional>
#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace Switchboard {

// One open connection to the call log. QtSql connections belong to the thread that opened
// them: open one per thread, each under its own name.
class Database final
{
public:
    Database(const DatabaseUrl &url, const QString &connectionName);
    ~Database();
    Q_DISABLE_COPY_MOVE(Database)

    // How long a statement may wait for a lock held by another writer before it fails
    // (SQLite's busy timeout, PostgreSQL's lock_timeout); set before open().
    void setLockTimeoutMs(int milliseconds) { m_lockTimeoutMs = milliseconds; }
    // Whether open() may create a SQLite file that does not exist yet, and its folders (the
    // service's); the desktop app opens an existing log only. Set before open().
    void setCreateIfMissing(bool create) { m_createIfMissing = create; }

    // When a SQLite commit reaches the disk (PRAGMA synchronous; set before open()). In WAL
    // mode Full syncs the log at every commit: a committed write survives a power loss or an
    // OS crash. Normal syncs only at checkpoints: a commit survives the process being killed,
    // but a power loss may take the last ones back. Full is the default.
    enum class SqliteSync
    {
        Full,
        Normal,
    };
    void setSqliteSync(SqliteSync sync) { m_sqliteSync = sync; }
    static std::optional<SqliteSync> sqliteSyncFromString(const QString &name);

    // Opens the connection and sets it up for sharing between processes (WAL, busy timeout).
    bool open(QString *error);
    // Opens, then creates or migrates the schema to the version this binary knows.
    bool openAndMigrate(QString *error);
    void close();

    QSqlDatabase connection() const;
    const DatabaseUrl &url() const { return m_url; }
    const SqlDialect &dialect() const { return m_dialect; }

    // True while the database answers a trivial query.
    bool ping();
    // SQLite's count of what other connections committed (PRAGMA data_version): a reader that
    // sees it change reads again. On PostgreSQL, whose readers hear of commits through NOTIFY,
    // 0 while the connection answers. Nothing when the query failed.
    std::optional<qint64> commitsByOthers(QString *error);
    // Whether a write succeeds: creates and drops a table (a read-only file or role says no).
    bool isWritable();
    // SQLite's write-ahead log: after how many pages a commit checkpoints it, and a
    // checkpoint that waits for nobody (PASSIVE).
    bool setWalAutoCheckpoint(int pages, QString *error);
    bool checkpointWal(QString *error);

    // The server processes (PostgreSQL backends) serving the other connections to this
    // database: whose CPU a benchmark adds to the service's. Empty on SQLite, and when the query
    // failed.
    QList<qint64> otherServerProcesses();
    // The server process (PostgreSQL backend) serving this connection; 0 on SQLite, and when
    // the query failed.
    qint64 serverProcess();
    // On a PostgreSQL server: creates the database `name` unless it exists (how a benchmark
    // gets a database of its own). False with `error` on SQLite and when the server refused.
    bool createDatabaseIfMissing(const QString &name, QString *error);

    // Closes and opens the connection again, after the server went away.
    bool reconnect(QString *error);

private:
    bool configureSqlite(QString *error);

    DatabaseUrl m_url;
    SqlDialect m_dialect;
    QString m_connectionName;
    int m_lockTimeoutMs = 5000;
    SqliteSync m_sqliteSync = SqliteSync::Full;
    bool m_createIfMissing = true;
};

} // namespace Switchboard
