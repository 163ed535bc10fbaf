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

bool FlowCache::start(QString *error, int pollMs, int postgresPollMs)
{
    error->clear();
    if (!listen(error))
        return false;
    if (!reload(error) && !error->isEmpty())
        return false;
    m_poll.start(m_database.dialect().isSqlite() ? pollMs : postgresPollMs);
    return true;
}

bool FlowCache::listen(QString *error)
{
    if (m_database.dialect().isSqlite())
        return true;
    QSqlDriver *driver = m_database.connection().driver();
    // A reconnect may keep the driver: one handler per driver (UniqueConnection takes no lambdas).
    disconnect(m_notifications);
    m_notifications =
        connect(driver, &QSqlDriver::notification, this, [this](const QString &channel) {
            if (channel != FlowStore::changesChannel())
                return;
            // Says which way a revision came: with the one-second poll also running, only this
            // line shows that an instance hears the NOTIFY.
            qCInfo(lcDatabase, "notified of a new call flow revision");
            QString problem;
            if (!refresh(&problem) && !problem.isEmpty())
                qCWarning(lcDatabase, "cannot read the call flow: %s", qPrintable(problem));
        });
    if (driver->subscribeToNotification(FlowStore::changesChannel()))
        return true;
    *error = driver->lastError().text();
    return false;
}

std::shared_ptr<const StoredFlow> FlowCache::current() const
{
    const QMutexLocker lock(&m_mutex);
    return m_current;
}

std::shared_ptr<const StoredFlow> FlowCache::revision(qint64 number) const
{
    const QMutexLocker lock(&m_mutex);
    if (m_current && m_current->revision == number)
        return m_current; // in use even when newer, corrupt revisions pushed it out of m_kept
    return m_kept.value(number);
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
            return reconnect(error);
        if (version == m_dataVersion)
            return false; // nobody else committed anything
        m_dataVersion = version;
    }
    const std::optional<qint64> newest = newestRevision(error);
    if (!newest)
        return reconnect(error);
    // Not only a greater one: a database restored from a backup may hold fewer revisions.
    if (*newest == m_newestSeen)
        return false;
    return reload(error);
}

std::optional<qint64> FlowCache::newestRevision(QString *error)
{
    QSqlQuery query(m_database.connection());
    if (!query.exec(QStringLiteral("SELECT MAX(id) FROM call_flow_revisions")) || !query.next()) {
        *error = query.lastError().text();
        return std::nullopt;
    }
    return query.value(0).toLongLong(); // NULL, no revision yet: 0
}

// The server went away (or the file): a new connection, a new LISTEN on it, and a read of what
// a lost notification would have said.
bool FlowCache::reconnect(QString *error)
{
    qCWarning(lcDatabase, "cannot check the call flow (%s): reconnecting", qPrintable(*error));
    error->clear();
    if (!m_database.reconnect(error))
        return false;
    if (!listen(error))
        qCWarning(lcDatabase, "cannot LISTEN for call flow changes (polling instead): %s",
                  qPrintable(*error));
    m_dataVersion.reset();
    m_newestSeen = -1;
    error->clear();
    return reload(error);
}

bool FlowCache::reload(QString *error)
{
    if (m_database.dialect().isSqlite() && !m_dataVersion) {
        m_dataVersion = m_database.commitsByOthers(error);
        if (!m_dataVersion)
            return false;
    }
    error->clear();
    // The newest revision decides what is in use; the valid ones among the newest few stay at
    // hand for the calls routed under them. All are read again, not only what is new: a
    // database restored from a backup may number different flows as before.
    std::optional<qint64> newest;
    QString newestProblem;
    QMap<qint64, std::shared_ptr<const StoredFlow>> kept;
    const bool read = m_store.forEachRevision(
        [&](const StoredFlow &stored) {
            if (!newest) {
                newest = stored.revision;
                newestProblem = stored.problem;
            }
            if (stored.flow)
                kept.insert(stored.revision, std::make_shared<const StoredFlow>(stored));
            return true;
        },
        error, kKeptRevisions);
    if (!read)
        return false;
    if (!newest) {
        m_newestSeen = 0; // no flow yet
        return false;
    }
    m_newestSeen = *newest;
    if (!newestProblem.isEmpty()) {
        qCWarning(lcDatabase,
                  "the call flow in the database is unusable (%s): calls keep the "
                  "flow they had",
                  qPrintable(newestProblem));
        const QMutexLocker lock(&m_mutex);
        m_problem = newestProblem;
        m_kept = std::move(kept);
        return false;
    }
    {
        const QMutexLocker lock(&m_mutex);
        m_problem.clear();
        m_current = kept.value(*newest);
        m_kept = std::move(kept);
    }
    qCInfo(lcDatabase, "answering with call flow revision %lld", *newest);
    Q_EMIT changed(*newest);
    return true;
}

} // namespace Switchboard
