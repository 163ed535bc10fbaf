#include "WalCheckpointer.h"

#include "core/Logging.h"
#include "db/Database.h"

#include <QTimer>

namespace Switchboard {
namespace {

// Long enough to gather the pages of many commits, short enough to keep the WAL small.
constexpr int kDelayMs = 20;
// The WAL size, in pages, at which the writer checkpoints (SQLite's default is 1000); it
// bounds the WAL to about 16 MiB.
constexpr int kWriterCheckpointPages = 4000;

} // namespace

WalCheckpointer::WalCheckpointer(const DatabaseUrl &url)
    : m_url(url)
    , m_thread(QStringLiteral("checkpoint"))
{}

WalCheckpointer::~WalCheckpointer()
{
    m_thread.run([this] {
        if (m_database)
            checkpoint(); // leave the database file complete
        m_database.reset();
    });
}

bool WalCheckpointer::start(QString *error)
{
    return m_thread.run([this, error] {
        m_database = std::make_unique<Database>(m_url, QStringLiteral("checkpoint"));
        return m_database->open(error);
    });
}

bool WalCheckpointer::configureWriter(Database &writer, QString *error)
{
    return writer.setWalAutoCheckpoint(kWriterCheckpointPages, error);
}

void WalCheckpointer::committed()
{
    if (m_scheduled.exchange(true))
        return;
    m_thread.post([this] {
        QTimer::singleShot(kDelayMs, m_thread.context(), [this] {
            m_scheduled = false;
            checkpoint();
        });
    });
}

void WalCheckpointer::checkpoint()
{
    QString error;
    if (!m_database->checkpointWal(&error))
        qCWarning(lcDatabase).noquote() << "checkpoint failed:" << error;
}

} // namespace Switchboard
