#include "CallLog.h"

#include "DatabaseWatcher.h"
#include "db/CallFeedQuery.h"
#include "db/CallReader.h"
#include "db/CallWriter.h"
#include "db/Database.h"

#include <QFileInfo>

namespace Switchboard {
namespace {

QString nextConnectionName()
{
    static int counter = 0;
    return QStringLiteral("switchboard-app-%1").arg(++counter);
}

// libpq's words when the server wants a password it did not get or did not accept (the server
// may translate the second; then the user sees the server's reason alone).
bool isPasswordRefused(const QString &error)
{
    return error.contains(QLatin1String("no password supplied")) ||
           error.contains(QLatin1String("password authentication failed"));
}

} // namespace

CallLog::CallLog(QObject *parent)
    : QObject(parent)
    , m_connectionName(nextConnectionName())
{
    m_retryTimer.setInterval(3000);
    connect(&m_retryTimer, &QTimer::timeout, this, &CallLog::retryNow);
}

CallLog::~CallLog()
{
    disconnectNow();
}

bool CallLog::open(const QString &url, const QString &password)
{
    close();
    m_url = url;
    m_password = password;
    if (connectNow(true))
        return true;
    m_retryTimer.start();
    Q_EMIT availabilityChanged(false);
    return false;
}

void CallLog::close()
{
    m_retryTimer.stop();
    disconnectNow();
    m_error.clear();
}

QString CallLog::displayUrl() const
{
    const auto parsed = DatabaseUrl::parse(m_url, nullptr);
    return parsed ? parsed->toDisplayString() : m_url;
}

bool CallLog::connectNow(bool create)
{
    QString error;
    const auto parsed = DatabaseUrl::parse(m_url, &error);
    if (!parsed) {
        m_error = error;
        return false;
    }
    // Once the app has shown a log, a missing file means a lost share or a moved log: wait
    // for it to come back rather than silently showing a new, empty one.
    if (!create && parsed->engine == DatabaseUrl::Engine::Sqlite &&
        !QFileInfo::exists(parsed->path)) {
        m_error = tr("The call log %1 is missing.").arg(parsed->path);
        return false;
    }
    DatabaseUrl target = *parsed;
    if (target.password.isEmpty())
        target.password = m_password; // the URL's own password wins
    auto database = std::make_unique<Database>(target, m_connectionName);
    if (!database->openAndMigrate(&error)) {
        m_error = error;
        if (target.engine == DatabaseUrl::Engine::Postgres && isPasswordRefused(error))
            m_error += QStringLiteral(" — ") +
                       tr("enter the database password in Settings; it is kept in the system "
                          "keyring.");
        return false;
    }
    m_database = std::move(database);
    m_feedQuery = std::make_unique<CallFeedQuery>(*m_database);
    m_reader = std::make_unique<CallReader>(*m_database);
    m_writer = std::make_unique<CallWriter>(*m_database);
    m_watcher = std::make_unique<DatabaseWatcher>(*m_database);
    connect(m_watcher.get(), &DatabaseWatcher::changed, this, &CallLog::changed);
    connect(m_watcher.get(), &DatabaseWatcher::failed, this, &CallLog::reportFailure);
    m_watcher->start(m_pollIntervalMs);
    m_error.clear();
    return true;
}

void CallLog::disconnectNow()
{
    m_watcher.reset();
    m_writer.reset(); // its prepared statements must go before the connection
    m_reader.reset();
    m_feedQuery.reset();
    m_database.reset();
}

void CallLog::retryNow()
{
    if (m_database || m_url.isEmpty())
        return;
    if (!connectNow(false))
        return;
    m_retryTimer.stop();
    Q_EMIT availabilityChanged(true);
    Q_EMIT changed();
}

void CallLog::setPollInterval(int ms)
{
    m_pollIntervalMs = ms;
    if (m_watcher)
        m_watcher->start(ms);
}

void CallLog::setRetryInterval(int ms)
{
    m_retryTimer.setInterval(ms);
}

void CallLog::reportFailure(const QString &message)
{
    // Called from inside users of the connection: tear it down once control is back in the
    // event loop, not under their feet.
    m_error = message;
    if (!m_database || m_retryTimer.isActive())
        return;
    QTimer::singleShot(0, this, [this] {
        if (!m_database)
            return;
        disconnectNow();
        m_retryTimer.start();
        Q_EMIT availabilityChanged(false);
    });
}

void CallLog::notifyLocalWrite()
{
    Q_EMIT changed();
}

} // namespace Switchboard
