#include "FlowWatcher.h"

#include "db/Database.h"
#include "db/FlowStore.h"

#include <QLoggingCategory>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

namespace Switchboard {
namespace {

Q_LOGGING_CATEGORY(lcFlowWatch, "switchboard.flow")

} // namespace

FlowWatcher::FlowWatcher(const DatabaseUrl &url)
    : m_url(url)
    , m_thread(QStringLiteral("flow"))
{}

FlowWatcher::~FlowWatcher()
{
    m_thread.run([this] {
        m_timer.reset();
        m_database.reset();
    });
}

std::shared_ptr<const FlowDefinition> FlowWatcher::current() const
{
    QMutexLocker lock(&m_mutex);
    return m_flow;
}

qint64 FlowWatcher::revision() const
{
    QMutexLocker lock(&m_mutex);
    return m_revision;
}

bool FlowWatcher::start(QString *error)
{
    return m_thread.run([this, error] {
        if (!open(error) || !reload(error))
            return false;
        m_timer = std::make_unique<QTimer>();
        QObject::connect(m_timer.get(), &QTimer::timeout, m_thread.context(), [this] { poll(); });
        m_timer->start(kPollIntervalMs);
        return true;
    });
}

bool FlowWatcher::open(QString *error)
{
    m_database = std::make_unique<Database>(m_url, QStringLiteral("flow-watch"));
    if (!m_database->open(error))
        return false;
    listen();
    return true;
}

bool FlowWatcher::listen()
{
    if (m_database->dialect().isSqlite())
        return true;
    QSqlDriver *driver = m_database->connection().driver();
    // Once per driver: a reconnect may keep the driver (UniqueConnection takes no lambdas).
    QObject::disconnect(m_notifications);
    m_notifications =
        QObject::connect(driver, &QSqlDriver::notification, m_thread.context(), [this] { poll(); });
    if (driver->subscribeToNotification(FlowStore::changesChannel()))
        return true;
    qCWarning(lcFlowWatch).noquote()
        << "cannot LISTEN for call flow changes (polling instead):" << driver->lastError().text();
    return false;
}

void FlowWatcher::poll()
{
    QString error;
    if (m_database->dialect().isSqlite()) {
        // Cheap: nothing is read unless another connection committed since.
        const std::optional<qint64> commits = m_database->commitsByOthers(&error);
        if (commits && commits == m_commits)
            return;
        m_commits = commits;
    }
    QSqlQuery query(m_database->connection());
    if (query.exec(QStringLiteral("SELECT MAX(id) FROM call_flow_revisions")) && query.next()) {
        const qint64 newest = query.value(0).toLongLong();
        query.finish();
        if (newest != m_seenRevision && !reload(&error))
            qCWarning(lcFlowWatch).noquote() << "cannot read the call flow:" << error;
        return;
    }
    // The server went away: a new connection, and a new LISTEN on it, then read what changed.
    qCWarning(lcFlowWatch).noquote()
        << "cannot check the call flow:" << query.lastError().text() << "- reconnecting";
    query = QSqlQuery();
    if (!m_database->reconnect(&error))
        return;
    listen();
    m_seenRevision = -1; // read it again: a notification may have been lost
}

bool FlowWatcher::reload(QString *error)
{
    FlowStore store(*m_database);
    const std::optional<StoredFlow> stored = store.current(error);
    if (!stored)
        return error->isEmpty(); // no revision yet: the flags' flow
    m_seenRevision = stored->revision;
    if (!stored->flow) {
        qCWarning(lcFlowWatch).noquote() << "the call flow in the database is unusable (" +
                                                stored->problem + "): calls keep the flow they had";
        return true;
    }
    auto flow = std::make_shared<const FlowDefinition>(*stored->flow);
    QMutexLocker lock(&m_mutex);
    if (stored->revision != m_revision)
        qCInfo(lcFlowWatch, "answering with call flow revision %lld", stored->revision);
    m_flow = std::move(flow);
    m_revision = stored->revision;
    return true;
}

} // namespace Switchboard
