#include "Database.h"

#include "Migrations.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

namespace Switchboard {

Database::Database(const DatabaseUrl &url, const QString &connectionName)
    : m_url(url)
    , m_dialect(url.engine)
    , m_connectionName(connectionName)
{}

Database::~Database()
{
    close();
}

bool Database::open(QString *error)
{
    if (!QSqlDatabase::isDriverAvailable(m_url.driverName())) {
        *error = QStringLiteral("the Qt SQL driver %1 is not installed").arg(m_url.driverName());
        return false;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(m_url.driverName(), m_connectionName);
    if (m_url.engine == DatabaseUrl::Engine::Sqlite) {
        const QFileInfo file(m_url.path);
        QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(m_lockTimeoutMs);
        if (m_createIfMissing) {
            if (!QDir().mkpath(file.absolutePath())) {
                *error = QStringLiteral("cannot create the folder %1").arg(file.absolutePath());
                return false;
            }
            db.setDatabaseName(m_url.path);
        } else {
            // mode=rw: SQLite opens the file for writing but never creates it.
            db.setDatabaseName(
                QUrl::fromLocalFile(file.absoluteFilePath()).toString(QUrl::FullyEncoded) +
                QStringLiteral("?mode=rw"));
            options += QStringLiteral(";QSQLITE_OPEN_URI");
        }
        db.setConnectOptions(options);
    } else {
        db.setHostName(m_url.host);
        db.setPort(m_url.port);
        db.setUserName(m_url.user);
        db.setPassword(m_url.password);
        db.setDatabaseName(m_url.databaseName);
        db.setConnectOptions(
            QStringLiteral("connect_timeout=5;options='-c lock_timeout=%1'").arg(m_lockTimeoutMs));
    }
    if (!db.open()) {
        *error = QStringLiteral("cannot open %1: %2")
                     .arg(m_url.toDisplayString(), db.lastError().text());
        return false;
    }
    return m_url.engine == DatabaseUrl::Engine::Sqlite ? configureSqlite(error) : true;
}

bool Database::configureSqlite(QString *error)
{
    QSqlQuery query(connection());
    const bool full = m_sqliteSync == SqliteSync::Full;
    // WAL lets desktops read while the service writes; see SqliteSync for what each level keeps.
    const QStringList pragmas{QStringLiteral("PRAGMA journal_mode=WAL"),
                              full ? QStringLiteral("PRAGMA synchronous=FULL")
                                   : QStringLiteral("PRAGMA synchronous=NORMAL"),
                              QStringLiteral("PRAGMA busy_timeout=%1").arg(m_lockTimeoutMs),
                              QStringLiteral("PRAGMA foreign_keys=ON"),
                              // A batch's upsert reads the table it writes: SQLite stages its
                              // rows in a temporary table, a file per statement otherwise.
                              QStringLiteral("PRAGMA temp_store=MEMORY")};
    for (const QString &pragma : pragmas) {
        // WAL is the file's own setting, which the service that created the log made; a
        // program that only opens a log writes nothing before it has read its schema version
        // (setting WAL would give an empty file a header).
        if (!m_createIfMissing && pragma.startsWith(QLatin1String("PRAGMA journal_mode")))
            continue;
        if (!query.exec(pragma)) {
            *error = QStringLiteral("cannot set up %1 (%2): %3")
                         .arg(m_url.toDisplayString(), pragma, query.lastError().text());
            return false;
        }
        query.finish();
    }
    // SQLite ignores what it cannot set, silently: what durability was promised is checked.
    constexpr int kNormal = 1, kFull = 2;
    if (!query.exec(QStringLiteral("PRAGMA synchronous")) || !query.next() ||
        query.value(0).toInt() != (full ? kFull : kNormal)) {
        *error = QStringLiteral("cannot set up %1: PRAGMA synchronous did not take")
                     .arg(m_url.toDisplayString());
        return false;
    }
    query.finish();
    return true;
}

std::optional<Database::SqliteSync> Database::sqliteSyncFromString(const QString &name)
{
    if (name == QLatin1String("full"))
        return SqliteSync::Full;
    if (name == QLatin1String("normal"))
        return SqliteSync::Normal;
    return std::nullopt;
}

bool Database::openAndMigrate(QString *error)
{
    return open(error) && Migrations::apply(*this, error);
}

void Database::close()
{
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool Database::reconnect(QString *error)
{
    close();
    return open(error);
}

QSqlDatabase Database::connection() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

bool Database::ping()
{
    QSqlQuery query(connection());
    const bool ok = query.exec(QStringLiteral("SELECT 1")) && query.next();
    query.finish();
    return ok;
}

bool Database::isWritable()
{
    QSqlQuery query(connection());
    return query.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS write_probe (id INTEGER)")) &&
           query.exec(QStringLiteral("DROP TABLE write_probe"));
}

bool Database::setWalAutoCheckpoint(int pages, QString *error)
{
    QSqlQuery query(connection());
    if (query.exec(QStringLiteral("PRAGMA wal_autocheckpoint=%1").arg(pages))) {
        query.finish();
        return true;
    }
    *error = query.lastError().text();
    return false;
}

bool Database::checkpointWal(QString *error)
{
    QSqlQuery query(connection());
    const bool done = query.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
    if (!done)
        *error = query.lastError().text();
    query.finish();
    return done;
}

QList<qint64> Database::otherServerProcesses()
{
    QList<qint64> pids;
    if (m_dialect.isSqlite())
        return pids;
    QSqlQuery query(connection());
    if (query.exec(
            QStringLiteral("SELECT pid FROM pg_stat_activity"
                           " WHERE datname = current_database() AND pid <> pg_backend_pid()"))) {
        while (query.next())
            pids.append(query.value(0).toLongLong());
    }
    query.finish();
    return pids;
}

qint64 Database::serverProcess()
{
    if (m_dialect.isSqlite())
        return 0;
    QSqlQuery query(connection());
    if (!query.exec(QStringLiteral("SELECT pg_backend_pid()")) || !query.next())
        return 0;
    return query.value(0).toLongLong();
}

bool Database::createDatabaseIfMissing(const QString &name, QString *error)
{
    if (m_dialect.isSqlite()) {
        *error = QStringLiteral("a SQLite file is its own database");
        return false;
    }
    QSqlQuery query(connection());
    query.prepare(QStringLiteral("SELECT 1 FROM pg_database WHERE datname = ?"));
    query.addBindValue(name);
    if (query.exec() && query.next())
        return true;
    // CREATE DATABASE takes no parameter: the name goes in as a quoted identifier.
    const QString quoted = connection().driver()->escapeIdentifier(name, QSqlDriver::TableName);
    if (query.exec(QStringLiteral("CREATE DATABASE ") + quoted))
        return true;
    *error = query.lastError().text();
    return false;
}

std::optional<qint64> Database::commitsByOthers(QString *error)
{
    QSqlQuery query(connection());
    const QString sql =
        m_dialect.isSqlite() ? QStringLiteral("PRAGMA data_version") : QStringLiteral("SELECT 0");
    if (!query.exec(sql) || !query.next()) {
        *error = query.lastError().text();
        return std::nullopt;
    }
    const qint64 version = query.value(0).toLongLong();
    query.finish();
    return version;
}

} // namespace Switchboard
