#include "CallLog.h"

#include "DatabaseWatcher.h"
#include "db/CallFeedQuery.h"
#include "db/CallReader.h"
#include "db/CallWriter.h"
#include "db/Database.h"

#include <atomic>
#include <memory>
#include <QThread>

namespace Switchboard {
namespace {

QString nextConnectionName()
{
    static int counter = 0;
    return QStringLiteral("switchboard-app-%1").arg(++counter);
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
    if (m_attempt) {
        m_attempt->wait(); // at most the connect timeout; its answer is no longer wanted
        delete m_attempt;
    }
    disconnectNow();
}

bool CallLog::open(const QString &url, const QString &password)
{
    close();
    m_connection = LogConnection(url, password);
    if (connectNow())
        return true;
    m_retryTimer.start();
    Q_EMIT availabilityChanged(false);
    return false;
}

void CallLog::close()
{
    ++m_generation; // an attempt in flight is about the log closed
    m_retryTimer.stop();
    disconnectNow();
    m_error.clear();
}

QString CallLog::displayUrl() const
{
    const auto parsed = DatabaseUrl::parse(url(), nullptr);
    return parsed ? parsed->toDisplayString() : url();
}

bool CallLog::connectNow()
{
    QString error;
    auto database = m_connection.open(m_connectionName, &error);
    if (!database) {
        m_error = error;
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
    if (m_database || m_connection.isEmpty() || m_attempt)
        return;
    // A QtSql connection belongs to the thread that opened it, and the feed reads on this one;
    // but a server that does not answer holds a connect for its whole timeout. So a throwaway
    // connection on a thread of its own tries first, and this thread connects once it could.
    struct Outcome
    {
        bool opened = false;
        QString error;
    };
    auto outcome = std::make_shared<Outcome>();
    m_attempt = QThread::create([connection = m_connection, outcome] {
        static std::atomic_int counter{0};
        outcome->opened = connection.open(QStringLiteral("switchboard-attempt-%1").arg(++counter),
                                          &outcome->error) != nullptr;
    });
    connect(m_attempt, &QThread::finished, this, [this, outcome, generation = m_generation] {
        m_attempt->deleteLater();
        m_attempt = nullptr;
        if (generation != m_generation || m_database)
            return;
        if (!outcome->opened || !connectNow()) {
            if (!outcome->opened)
                m_error = outcome->error;
            Q_EMIT attemptFailed(m_error);
            return;
        }
        m_retryTimer.stop();
        Q_EMIT availabilityChanged(true);
        Q_EMIT changed();
    });
    m_attempt->start();
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
