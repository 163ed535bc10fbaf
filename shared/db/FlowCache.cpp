#include "FlowCache.h"

#include "core/Logging.h"
#include "Database.h"

#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

namespace Switchboard {

FlowCache::FlowCache(Database &database, QObject *parent)
    : QObject(parent)
    , m_database(database)
    , m_store(database)
{
    connect(&m_poll, &QTimer::timeout, this, [this] {
        QString error;
        if (!refresh(&error) && !error.isEmpty())
            qCWarning(lcDatabase, "cannot read the call flow: %s", qPrintable(error));
    });
}

bool FlowCache::start(QString *error, int pollMs)
{
    if (!m_database.dialect().isSqlite()) {
        QSqlDriver *driver = m_database.connection().driver();
        connect(driver, &QSqlDriver::notification, this, [this](const QString &channel) {
            if (channel != FlowStore::changesChannel())
                return;
            QString problem;
            refresh(&problem);
        });
        if (!driver->subscribeToNotification(FlowStore::changesChannel())) {
            *error = driver->lastError().text();
            return false;
        }
        // Notifications sent while the connection was down are lost: poll now and then too.
        pollMs = qMax(pollMs, kPostgresPollMs);
    }
    error->clear();
    if (!reload(error) && !error->isEmpty())
        return false;
    m_poll.start(pollMs);
    return true;
}

std::shared_ptr<const StoredFlow> FlowCache::current() const
{
    const QMutexLocker lock(&m_mutex);
    return m_current;
}

QString FlowCache::problem() const
{
    const QMutexLocker lock(&m_mutex);
    return m_problem;
}

bool FlowCache::refresh(QString *error)
{
    error->clear();
    if (m_database.dialect().isSqlite()) {
        const auto version = m_database.commitsByOthers(error);
        if (!version)
            return false;
        if (version == m_dataVersion)
            return false; // nobody else committed anything
        m_dataVersion = version;
    }
    QSqlQuery query(m_database.connection());
    if (!query.exec(QStringLiteral("SELECT MAX(id) FROM call_flow_revisions")) || !query.next()) {
        *error = query.lastError().text();
        return false;
    }
    if (query.value(0).toLongLong() <= m_newestSeen)
        return false;
    query.finish();
    return reload(error);
}

bool FlowCache::reload(QString *error)
{
    if (m_database.dialect().isSqlite() && !m_dataVersion) {
        m_dataVersion = m_database.commitsByOthers(error);
        if (!m_dataVersion)
            return false;
    }
    auto stored = m_store.current(error);
    if (!stored)
        return false; // no flow yet, or `error`
    m_newestSeen = stored->revision;
    if (!stored->flow) {
        qCWarning(lcDatabase, "the call flow stays as it was: %s", qPrintable(stored->problem));
        const QMutexLocker lock(&m_mutex);
        m_problem = stored->problem;
        return false;
    }
    const qint64 revision = stored->revision;
    {
        const QMutexLocker lock(&m_mutex);
        m_problem.clear();
        m_current = std::make_shared<const StoredFlow>(std::move(*stored));
    }
    Q_EMIT changed(revision);
    return true;
}

} // namespace Switchboard
