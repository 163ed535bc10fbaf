#include "CountersReader.h"

#include "db/Database.h"

#include <memory>
#include <QDate>
#include <QPointer>

namespace Switchboard {

// Lives in the reader's thread; owns the connection, which belongs to that thread.
class CountersReader::Worker final : public QObject
{
public:
    std::optional<CallCounters> count(const QString &url)
    {
        if (url != m_url || !m_database) {
            m_query.reset();
            m_database.reset();
            m_url = url;
            const auto parsed = DatabaseUrl::parse(url, nullptr);
            if (!parsed)
                return std::nullopt;
            static int counter = 0;
            auto database = std::make_unique<Database>(
                *parsed, QStringLiteral("switchboard-counters-%1").arg(++counter));
            QString error;
            if (!database->open(&error))
                return std::nullopt;
            m_database = std::move(database);
            m_query = std::make_unique<CallFeedQuery>(*m_database);
        }
        const auto counters = m_query->counters(QDate::currentDate().startOfDay());
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
    QString m_url;
    std::unique_ptr<Database> m_database;
    std::unique_ptr<CallFeedQuery> m_query;
};

CountersReader::CountersReader(QObject *parent)
    : QObject(parent)
    , m_worker(new Worker)
{
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.setObjectName(QStringLiteral("counters"));
    m_thread.start();
}

CountersReader::~CountersReader()
{
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker] { worker->close(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void CountersReader::setDatabaseUrl(const QString &url)
{
    m_url = url;
}

void CountersReader::request()
{
    if (m_url.isEmpty())
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
    const QString url = m_url;
    QMetaObject::invokeMethod(m_worker, [self, worker = m_worker, url] {
        const auto counters = worker->count(url);
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
