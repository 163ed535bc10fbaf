#include "DatabaseWatcher.h"

#include "db/Database.h"

#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

namespace Switchboard {

DatabaseWatcher::DatabaseWatcher(Database &database, QObject *parent)
    : QObject(parent)
    , m_database(database)
{
    connect(&m_timer, &QTimer::timeout, this, &DatabaseWatcher::poll);
}

void DatabaseWatcher::start(int intervalMs)
{
    m_fileIdentity = fileIdentity();
    if (m_database.dialect().isSqlite()) {
        m_timer.start(intervalMs);
        return;
    }
    QSqlDriver *driver = m_database.connection().driver();
    connect(driver, &QSqlDriver::notification, this, &DatabaseWatcher::changed,
            Qt::UniqueConnection);
    if (!driver->subscribeToNotification(SqlDialect::callChangesChannel())) {
        Q_EMIT failed(driver->lastError().text());
        return;
    }
    m_timer.start(qMax(intervalMs, 2000));
    // Whatever changed while nobody was listening.
    QTimer::singleShot(0, this, &DatabaseWatcher::changed);
}

void DatabaseWatcher::stop()
{
    m_timer.stop();
}

QString DatabaseWatcher::fileIdentity() const
{
    if (!m_database.dialect().isSqlite())
        return {};
    const QString path = m_database.url().path;
#ifdef Q_OS_UNIX
    struct stat info;
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return {};
    return QStringLiteral("%1:%2").arg(info.st_dev).arg(info.st_ino);
#else
    return QFileInfo::exists(path) ? path : QString();
#endif
}

void DatabaseWatcher::poll()
{
    if (m_database.dialect().isSqlite()) {
        // An open SQLite connection keeps reading a file that was deleted or replaced; the
        // user must learn that the log they see is no longer the one the service writes.
        const QString identity = fileIdentity();
        if (identity != m_fileIdentity) {
            Q_EMIT failed(identity.isEmpty()
                              ? tr("The call log %1 is missing.").arg(m_database.url().path)
                              : tr("The call log %1 was replaced.").arg(m_database.url().path));
            return;
        }
    }
    QString error;
    const std::optional<qint64> commits = m_database.commitsByOthers(&error);
    if (!commits) {
        Q_EMIT failed(error);
        return;
    }
    if (m_database.dialect().isSqlite() && *commits != m_dataVersion) {
        m_dataVersion = *commits;
        Q_EMIT changed();
    }
}

} // namespace Switchboard
