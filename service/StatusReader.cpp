#include "StatusReader.h"

#include "core/Logging.h"
#include "db/Database.h"
#include "Metrics.h"

namespace Switchboard {

StatusReader::StatusReader(const DatabaseUrl &url)
    : m_url(url)
    , m_thread(QStringLiteral("status"))
{}

StatusReader::~StatusReader()
{
    m_thread.run([this] { m_database.reset(); });
}

Database &StatusReader::database()
{
    if (!m_database) {
        m_database = std::make_unique<Database>(m_url, QStringLiteral("status"));
        QString error;
        if (!m_database->open(&error))
            qCWarning(lcDatabase).noquote() << "cannot read the call log:" << error;
    }
    return *m_database;
}

bool StatusReader::databaseAnswers()
{
    return m_thread.run([this] {
        Database &db = database();
        QString error;
        // A server restart leaves the connection dead: one new one before saying no.
        return db.ping() || (db.reconnect(&error) && db.ping());
    });
}

QByteArray StatusReader::metrics(Metrics &metrics)
{
    return m_thread.run([this, &metrics] { return metrics.exposition(database()); });
}

} // namespace Switchboard
