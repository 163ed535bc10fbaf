#include "StatisticsReader.h"

#include "db/Database.h"

#include <QPointer>

namespace Switchboard {

// Runs on the reader's thread; owns the connection, which belongs to that thread.
class StatisticsReader::Worker final
{
public:
    struct Answer
    {
        std::optional<CallFigures> figures;
        QString error;
    };

    Answer compute(const LogConnection &connection, const StatisticsRange &range)
    {
        if (connection != m_connection || !m_database) {
            m_database.reset();
            m_connection = connection;
            static int counter = 0;
            QString error;
            m_database =
                connection.open(QStringLiteral("switchboard-statistics-%1").arg(++counter), &error);
            if (!m_database)
                return {std::nullopt, error};
        }
        CallStatistics statistics(*m_database);
        Answer answer{statistics.compute(range), statistics.lastError()};
        if (!answer.figures)
            m_database.reset(); // reopen next time: the server may have gone, the file changed
        return answer;
    }

    void close() { m_database.reset(); }

private:
    LogConnection m_connection;
    std::unique_ptr<Database> m_database;
};

StatisticsReader::StatisticsReader(QObject *parent)
    : QObject(parent)
    , m_worker(std::make_unique<Worker>())
    , m_thread(QStringLiteral("statistics"))
{}

StatisticsReader::~StatisticsReader()
{
    // After any computation still queued: the connection closes on the thread that opened it.
    m_thread.run([worker = m_worker.get()] { worker->close(); });
}

void StatisticsReader::setConnection(const LogConnection &connection)
{
    m_connection = connection;
}

void StatisticsReader::request(const StatisticsRange &range)
{
    if (m_busy) {
        m_next = range;
        return;
    }
    start(range);
}

void StatisticsReader::start(const StatisticsRange &range)
{
    m_busy = true;
    m_next.reset();
    if (m_connection.isEmpty()) {
        QMetaObject::invokeMethod(
            this,
            [this, range] {
                m_busy = false;
                Q_EMIT failed(range, tr("No call log is set up: choose one in Settings."));
            },
            Qt::QueuedConnection);
        return;
    }
    QPointer<StatisticsReader> self(this);
    m_thread.post([self, range, worker = m_worker.get(), connection = m_connection] {
        const Worker::Answer answer = worker->compute(connection, range);
        QMetaObject::invokeMethod(self, [self, range, answer] {
            if (!self)
                return;
            self->m_busy = false;
            if (self->m_next) {
                self->start(*self->m_next); // the user moved on: this answer is stale
                return;
            }
            if (answer.figures)
                Q_EMIT self->computed(range, *answer.figures);
            else
                Q_EMIT self->failed(range, answer.error);
        });
    });
}

} // namespace Switchboard
