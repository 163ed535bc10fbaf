#include "CountersReader.h"

#include "db/Database.h"

#include <memory>
#include <QDate>
#include <QPointer>

namespace Switchboard {

// Runs on the reader's thread; owns the connection, which belongs to that thread.
class CountersReader::Worker final
{
public:
    std::optional<CallCounters> count(const LogConnection &connection, const QString &viewer)
    {
        if (connection != m_connection || !m_database) {
            m_query.reset();
            m_database.reset();
            m_connection = connection;
            static int counter = 0;
            QString error;
            m_database =
                connection.open(QStringLiteral("switchboard-counters-%1").arg(++counter), &error);
            if (!m_database)
                return std::nullopt;
            m_query = std::make_unique<CallFeedQuery>(*m_database);
        }
        const auto counters = m_query->counters(QDate::currentDate().startOfDay(), viewer);
        if (!counters) {
            // Reopen next time: the file may have been replaced.
            m_query.reset();
            m_database.reset();
        }
        return counters;
    }

    void close()
    {
        m_query.reset();
        m_database.reset();
    }

private:
    LogConnection m_connection;
    std::unique_ptr<Database> m_database;
    std::unique_ptr<CallFeedQuery> m_query;
};

CountersReader::CountersReader(QObject *parent)
    : QObject(parent)
    , m_worker(std::make_unique<Worker>())
    , m_thread(QStringLiteral("counters"))
{}

CountersReader::~CountersReader()
{
    // After any count still queued: the connection closes on the thread that opened it.
    m_thread.run([worker = m_worker.get()] { worker->close(); });
}

void CountersReader::setConnection(const LogConnection &connection)
{
    m_connection = connection;
}

void CountersReader::request()
{
    if (m_connection.isEmpty())
        return;
    if (m_busy) {
        m_again = true;
        return;
    }
    start();
}

void CountersReader::start()
{
    m_busy = true;
    m_again = false;
    QPointer<CountersReader> self(this);
    m_thread.post([self, worker = m_worker.get(), connection = m_connection, viewer = m_viewer] {
        const auto counters = worker->count(connection, viewer);
        QMetaObject::invokeMethod(self, [self, counters] {
            if (!self)
                return;
            self->m_busy = false;
            if (counters)
                Q_EMIT self->counted(*counters);
            if (self->m_again)
                self->start();
        });
    });
}

} // namespace Switchboard
