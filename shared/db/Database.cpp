#include "Database.h"

#include "Migrations.h"

#include <QDir>
#include <QFileInfo>
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
    // WAL lets desktops read while the service writes. NORMAL syncs the WAL at checkpoints:
    // a committed write survives the process being killed; FULL would also survive power loss.
    const QStringList pragmas{QStringLiteral("PRAGMA journal_mode=WAL"),
                              QStringLiteral("PRAGMA synchronous=NORMAL"),
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
    return true;
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

} // namespace Switchboard
