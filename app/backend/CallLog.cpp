#include "CallLog.h"

#include "DatabaseWatcher.h"
#include "db/CallAnnotations.h"
#include "db/CallFeedQuery.h"
#include "db/CallReader.h"
#include "db/CallWriter.h"
#include "db/Database.h"

#include <atomic>
#include <QSqlDriver>

namespace Switchboard {
namespace {

QString nextConnectionName()
{
    // One name per attempt: an attempt whose answer is dropped may still hold its connection
    // when the next one opens.
    static std::atomic_int counter{0};
    return QStringLiteral("switchboard-app-%1").arg(++counter);
}

// A QtSql connection may only be used on the thread its driver belongs to; the driver is a
// QObject, pushed by its own thread (what QSqlDatabase::moveToThread() does from Qt 6.8). Both
// drivers allow a connection to move between threads while nothing uses it: Qt's SQLite opens
// it in multi-thread mode, and libpq's connections are not tied to a thread.
void handOver(Database &database, QThread *thread)
{
    database.connection().driver()->moveToThread(thread);
}

} // namespace

CallLog::CallLog(QObject *parent)
    : QObject(parent)
    , m_connector(QStringLiteral("call-log-connect"))
{
    m_retryTimer.setInterval(3000);
    connect(&m_retryTimer, &QTimer::timeout, this, &CallLog::retryNow);
}

CallLog::~CallLog()
{
    disconnectNow();
}

void CallLog::open(const QString &url, const QString &password)
{
    close();
    m_connection = LogConnection(url, password);
    startAttempt();
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

void CallLog::retryNow()
{
    if (m_database || m_connection.isEmpty() || isConnecting())
        return;
    startAttempt();
}

void CallLog::startAttempt()
{
    if (m_connection.isEmpty())
        return;
    m_attemptGeneration = m_generation;
    struct Outcome
    {
        std::unique_ptr<Database> database;
        QString error;
    };
    // The connector thread stops before this object's QObject part goes: `this` can receive
    // the answer, or drop it with its other posted events.
    m_connector.post(
        [this, connection = m_connection, generation = m_generation, owner = thread()] {
            auto outcome = std::make_shared<Outcome>();
            outcome->database = connection.open(nextConnectionName(), &outcome->error);
            if (outcome->database)
                handOver(*outcome->database, owner);
            QMetaObject::invokeMethod(
                this,
                [this, generation, outcome] {
                    finishAttempt(generation, std::move(outcome->database), outcome->error);
                },
                Qt::QueuedConnection);
        });
}

void CallLog::finishAttempt(int generation, std::unique_ptr<Database> database,
                            const QString &error)
{
    if (generation != m_generation)
        return; // about a log closed since: its connection closes here, where it now belongs
    m_attemptGeneration = -1;
    if (m_database)
        return;
    if (!database) {
        m_error = error;
        if (m_retryTimer.isActive()) {
            Q_EMIT attemptFailed(m_error);
            return;
        }
        m_retryTimer.start(); // the first attempt since open()
        Q_EMIT availabilityChanged(false);
        return;
    }
    adopt(std::move(database));
    m_retryTimer.stop();
    Q_EMIT availabilityChanged(true);
    Q_EMIT changed();
}

void CallLog::adopt(std::unique_ptr<Database> database)
{
    m_database = std::move(database);
    m_feedQuery = std::make_unique<CallFeedQuery>(*m_database);
    m_reader = std::make_unique<CallReader>(*m_database);
    m_writer = std::make_unique<CallWriter>(*m_database);
    m_annotations = std::make_unique<CallAnnotations>(*m_database);
    m_watcher = std::make_unique<DatabaseWatcher>(*m_database);
    connect(m_watcher.get(), &DatabaseWatcher::changed, this, &CallLog::changed);
    connect(m_watcher.get(), &DatabaseWatcher::failed, this, &CallLog::reportFailure);
    m_watcher->start(m_pollIntervalMs);
    m_error.clear();
}

void CallLog::disconnectNow()
{
    m_watcher.reset();
    m_annotations.reset();
    m_writer.reset(); // its prepared statements must go before the connection
    m_reader.reset();
    m_feedQuery.reset();
    m_database.reset();
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
