#include "GroupCommitWriter.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <thread>

namespace Switchboard::Bench {

GroupCommitWriter::GroupCommitWriter(const QString &path, bool synchronousFull,
                                     std::chrono::microseconds window)
    : m_path(path)
    , m_synchronousFull(synchronousFull)
    , m_window(window)
    , m_connectionName(QStringLiteral("skeleton-writer"))
    , m_thread(QStringLiteral("writer"))
{}

GroupCommitWriter::~GroupCommitWriter()
{
    m_thread.run([this] { QSqlDatabase::removeDatabase(m_connectionName); });
}

bool GroupCommitWriter::open(QString *error)
{
    return m_thread.run([this, error] {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        db.setDatabaseName(m_path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            *error = db.lastError().text();
            return false;
        }
        // The service's settings (shared/db/Database.cpp).
        QSqlQuery query(db);
        const QStringList statements{
            QStringLiteral("PRAGMA journal_mode=WAL"),
            m_synchronousFull ? QStringLiteral("PRAGMA synchronous=FULL")
                              : QStringLiteral("PRAGMA synchronous=NORMAL"),
            QStringLiteral("PRAGMA busy_timeout=5000"),
            QStringLiteral("PRAGMA foreign_keys=ON"),
            QStringLiteral("PRAGMA temp_store=MEMORY"),
            QStringLiteral("CREATE TABLE IF NOT EXISTS requests (id INTEGER PRIMARY KEY, path "
                           "TEXT NOT NULL, body TEXT NOT NULL)")};
        for (const QString &statement : statements) {
            if (!query.exec(statement)) {
                *error = statement + QStringLiteral(": ") + query.lastError().text();
                return false;
            }
        }
        return true;
    });
}

qint64 GroupCommitWriter::committedRequests(const QString &path, QString *error)
{
    const QString connection = QStringLiteral("skeleton-count");
    qint64 rows = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(path);
        QSqlQuery query(db);
        if (db.open() && query.exec(QStringLiteral("SELECT count(*) FROM requests")) &&
            query.next())
            rows = query.value(0).toLongLong();
        else
            *error = db.isOpen() ? query.lastError().text() : db.lastError().text();
    }
    QSqlDatabase::removeDatabase(connection);
    return rows;
}

bool GroupCommitWriter::commit(const QByteArray &path, const QByteArray &body)
{
    Pending pending;
    pending.path = path;
    pending.body = body;
    QMutexLocker lock(&m_mutex);
    enqueue(&pending);
    while (!pending.finished)
        pending.wake.wait(&m_mutex);
    return pending.committed;
}

void GroupCommitWriter::commitLater(const QByteArray &path, const QByteArray &body,
                                    std::function<void(bool)> done)
{
    auto *pending = new Pending;
    pending->path = path;
    pending->body = body;
    pending->done = std::move(done);
    QMutexLocker lock(&m_mutex);
    enqueue(pending);
}

void GroupCommitWriter::enqueue(Pending *pending)
{
    if (m_pending.empty())
        m_thread.post([this] { commitPending(); });
    m_pending.push_back(pending);
}

void GroupCommitWriter::commitPending()
{
    if (m_window.count() > 0)
        std::this_thread::sleep_for(m_window);
    std::vector<Pending *> batch;
    {
        QMutexLocker lock(&m_mutex);
        batch.swap(m_pending);
    }
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    bool committed = db.transaction();
    QSqlQuery insert(db);
    committed = committed &&
                insert.prepare(QStringLiteral("INSERT INTO requests (path, body) VALUES (?, ?)"));
    for (const Pending *pending : batch) {
        if (!committed)
            break;
        insert.bindValue(0, QString::fromUtf8(pending->path));
        insert.bindValue(1, QString::fromUtf8(pending->body));
        committed = insert.exec();
    }
    committed = committed ? db.commit() : (db.rollback(), false);

    QMutexLocker lock(&m_mutex);
    for (Pending *pending : batch) {
        if (pending->done) {
            pending->done(committed);
            delete pending;
            continue;
        }
        pending->committed = committed;
        pending->finished = true;
        pending->wake.wakeOne();
    }
}

} // namespace Switchboard::Bench
