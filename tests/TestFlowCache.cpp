#include "db/Database.h"
#include "db/FlowCache.h"
#include "db/FlowStore.h"
#include "ServiceHarness.h"

#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

namespace {

constexpr int kWaitMs = FlowCache::kPostgresPollMs / 3;

FlowDefinition flowGreeting(const QString &greeting)
{
    FlowDefinition flow;
    flow.greeting = greeting;
    flow.members.append({QStringLiteral("Alice"), QStringLiteral("+15550100201"), true});
    return flow;
}

} // namespace

// The flow an instance keeps in memory follows what another connection stores, within the
// 1 s poll on SQLite and on a NOTIFY on PostgreSQL (TestFlowCache_postgres): the waits below
// are shorter than the cache's fallback poll there, so only a notification can end them.
class TestFlowCache final : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServiceHarness> m_harness;
    std::unique_ptr<Database> m_writer;
    std::unique_ptr<Database> m_reader;

    std::unique_ptr<Database> open(const QString &name)
    {
        QString error;
        auto db =
            std::make_unique<Database>(*DatabaseUrl::parse(m_harness->databaseUrl(), &error), name);
        if (!db->openAndMigrate(&error))
            qWarning("%s", qPrintable(error));
        return db;
    }

private Q_SLOTS:
    void init()
    {
        m_harness = std::make_unique<ServiceHarness>();
        m_writer = open(QStringLiteral("writer"));
        m_reader = open(QStringLiteral("reader"));
    }
    void cleanup()
    {
        m_reader.reset();
        m_writer.reset();
        m_harness.reset();
    }

    void followsNewRevisions()
    {
        FlowStore store(*m_writer);
        QString error;
        QCOMPARE(store.save(flowGreeting(QStringLiteral("First")), QStringLiteral("t"), &error), 1);

        FlowCache cache(*m_reader);
        QVERIFY2(cache.start(&error), qPrintable(error));
        QVERIFY(cache.current());
        QCOMPARE(cache.current()->revision, 1);
        QCOMPARE(cache.current()->flow->greeting, QStringLiteral("First"));
        // Nothing new: nothing taken.
        QVERIFY(!cache.refresh(&error));
        QVERIFY2(error.isEmpty(), qPrintable(error));

        QSignalSpy changed(&cache, &FlowCache::changed);
        QCOMPARE(store.save(flowGreeting(QStringLiteral("Second")), QStringLiteral("t"), &error),
                 2);
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, kWaitMs);
        QCOMPARE(changed.constFirst().at(0).toLongLong(), 2);
        QCOMPARE(cache.current()->flow->greeting, QStringLiteral("Second"));
    }

    void startsWithoutAFlow()
    {
        QString error;
        FlowCache cache(*m_reader);
        QVERIFY2(cache.start(&error), qPrintable(error));
        QVERIFY(!cache.current());
        QSignalSpy changed(&cache, &FlowCache::changed);
        FlowStore store(*m_writer);
        QCOMPARE(store.save(flowGreeting(QStringLiteral("First")), QStringLiteral("t"), &error), 1);
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, kWaitMs);
        QCOMPARE(cache.current()->revision, 1);
    }

    // The reader's connection dies (its PostgreSQL backend is ended) while a revision is saved:
    // the next check opens it again and takes that revision, and on PostgreSQL LISTENs again,
    // so that the revision after it arrives by NOTIFY once more.
    void followsNewRevisionsAfterAReconnect()
    {
        FlowStore store(*m_writer);
        QString error;
        QCOMPARE(store.save(flowGreeting(QStringLiteral("First")), QStringLiteral("t"), &error), 1);
        FlowCache cache(*m_reader);
        QVERIFY2(cache.start(&error), qPrintable(error));
        QCOMPARE(cache.current()->revision, 1);

        if (m_reader->dialect().isSqlite()) {
            m_reader->close();
        } else {
            QSqlQuery reader(m_reader->connection());
            QVERIFY(reader.exec(QStringLiteral("SELECT pg_backend_pid()")) && reader.next());
            const qint64 pid = reader.value(0).toLongLong();
            reader.finish();
            QSqlQuery writer(m_writer->connection());
            // Waits (up to 5 s) until the backend is gone.
            QVERIFY(writer.exec(QStringLiteral("SELECT pg_terminate_backend(%1, 5000)").arg(pid)));
            QVERIFY(writer.next() && writer.value(0).toBool());
        }
        // Its NOTIFY reaches no one.
        QCOMPARE(store.save(flowGreeting(QStringLiteral("Second")), QStringLiteral("t"), &error),
                 2);
        QVERIFY2(cache.refresh(&error), qPrintable(error));
        QCOMPARE(cache.current()->revision, 2);

        QSignalSpy changed(&cache, &FlowCache::changed);
        QCOMPARE(store.save(flowGreeting(QStringLiteral("Third")), QStringLiteral("t"), &error), 3);
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, kWaitMs);
        QCOMPARE(cache.current()->flow->greeting, QStringLiteral("Third"));
    }

    void keepsTheLastGoodFlowOverACorruptOne()
    {
        FlowStore store(*m_writer);
        QString error;
        QCOMPARE(store.save(flowGreeting(QStringLiteral("Good")), QStringLiteral("t"), &error), 1);
        FlowCache cache(*m_reader);
        QVERIFY2(cache.start(&error), qPrintable(error));

        QSqlQuery query(m_writer->connection());
        QVERIFY(query.exec(QStringLiteral(
            "INSERT INTO call_flow_revisions (id, created_at, author, flow) VALUES (2, 0, 'x', "
            "'{\"members\": []}')")));
        if (!m_writer->dialect().isSqlite()) // what FlowStore::save() would have sent
            QVERIFY(query.exec(QStringLiteral("NOTIFY switchboard_flow, '2'")));
        QTRY_VERIFY_WITH_TIMEOUT(!cache.problem().isEmpty(), kWaitMs);
        QVERIFY2(cache.problem().startsWith(QStringLiteral("revision 2 is corrupt: members:")),
                 qPrintable(cache.problem()));
        QCOMPARE(cache.current()->revision, 1);
        QCOMPARE(cache.current()->flow->greeting, QStringLiteral("Good"));

        // The next good revision is taken, and the problem is gone.
        QSignalSpy changed(&cache, &FlowCache::changed);
        QCOMPARE(store.save(flowGreeting(QStringLiteral("Fixed")), QStringLiteral("t"), &error), 3);
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, kWaitMs);
        QCOMPARE(cache.current()->flow->greeting, QStringLiteral("Fixed"));
        QVERIFY(cache.problem().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestFlowCache)
#include "TestFlowCache.moc"
