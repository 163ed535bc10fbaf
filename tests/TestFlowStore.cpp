// FlowStore::saveIfNewest(), the conflict-safe save of the call flow editor: a revision is
// stored only over the one its editor loaded, and of two desktops saving over the same one,
// exactly one wins. On SQLite, and on PostgreSQL (TestFlowStore_postgres).

#include "db/Database.h"
#include "db/FlowStore.h"
#include "ServiceHarness.h"

#include <QMutex>
#include <QSqlQuery>
#include <QTest>
#include <QThread>
#include <QWaitCondition>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

namespace {

FlowDefinition flowGreeting(const QString &greeting)
{
    FlowDefinition flow;
    flow.greeting = greeting;
    flow.members.append({QStringLiteral("Alice"), QStringLiteral("+15550100201"), true});
    return flow;
}

// Lets `count` threads go on together, round after round.
class Barrier final
{
public:
    explicit Barrier(int count)
        : m_count(count)
    {}
    void arriveAndWait()
    {
        QMutexLocker lock(&m_mutex);
        const int round = m_round;
        if (++m_arrived == m_count) {
            m_arrived = 0;
            ++m_round;
            m_allArrived.wakeAll();
            return;
        }
        while (round == m_round)
            m_allArrived.wait(&m_mutex);
    }

private:
    QMutex m_mutex;
    QWaitCondition m_allArrived;
    const int m_count;
    int m_arrived = 0;
    int m_round = 0;
};

} // namespace

class TestFlowStore final : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServiceHarness> m_harness;

    std::unique_ptr<Database> open(const QString &name) const
    {
        QString error;
        auto db =
            std::make_unique<Database>(*DatabaseUrl::parse(m_harness->databaseUrl(), &error), name);
        if (!db->openAndMigrate(&error))
            qWarning("%s", qPrintable(error));
        return db;
    }

    static qint64 revisionCount(Database &database)
    {
        QSqlQuery query(database.connection());
        if (!query.exec(QStringLiteral("SELECT COUNT(*) FROM call_flow_revisions")) ||
            !query.next())
            return -1;
        return query.value(0).toLongLong();
    }

private Q_SLOTS:
    void init() { m_harness = std::make_unique<ServiceHarness>(); }
    void cleanup() { m_harness.reset(); }

    void savesOnlyOverTheRevisionItLoaded()
    {
        auto database = open(QStringLiteral("editor"));
        FlowStore store(*database);
        QString error;
        // The first revision of a log without a flow.
        QCOMPARE(store.saveIfNewest(flowGreeting(QStringLiteral("One")), QStringLiteral("Alice"), 0,
                                    &error),
                 1);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(store.saveIfNewest(flowGreeting(QStringLiteral("Two")), QStringLiteral("Bob"), 1,
                                    &error),
                 2);
        // An editor still on revision 1 (or on none) is told, and nothing is stored.
        QCOMPARE(store.saveIfNewest(flowGreeting(QStringLiteral("Stale")), QStringLiteral("Carol"),
                                    1, &error),
                 0);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(store.saveIfNewest(flowGreeting(QStringLiteral("Stale")), QStringLiteral("Carol"),
                                    0, &error),
                 0);
        // Nor over a revision that does not exist yet.
        QCOMPARE(store.saveIfNewest(flowGreeting(QStringLiteral("Ahead")), QStringLiteral("Carol"),
                                    5, &error),
                 0);
        QCOMPARE(revisionCount(*database), 2);
        const auto newest = store.current(&error);
        QVERIFY(newest && newest->flow);
        QCOMPARE(newest->revision, 2);
        QCOMPARE(newest->author, QStringLiteral("Bob"));
        QCOMPARE(newest->flow->greeting, QStringLiteral("Two"));
        QVERIFY(newest->createdAt.isValid());

        // save() (flow set) goes on numbering after it.
        QCOMPARE(store.save(flowGreeting(QStringLiteral("Three")), QStringLiteral("ops"), &error),
                 3);
        QCOMPARE(store.saveIfNewest(flowGreeting(QStringLiteral("Four")), QStringLiteral("Alice"),
                                    3, &error),
                 4);
        QCOMPARE(store.saveIfNewest(flowGreeting(QStringLiteral("Bad")), QStringLiteral("Alice"),
                                    -1, &error),
                 -1);
        QVERIFY(!error.isEmpty());
        QCOMPARE(revisionCount(*database), 4);
    }

    // Two desktops, each on its own connection and thread, save over the same revision at the
    // same moment, round after round: each round exactly one of them stores its flow, and the
    // other is told that it came second.
    void twoWritersRacingOneWins()
    {
        {
            auto database = open(QStringLiteral("setup"));
            FlowStore store(*database);
            QString error;
            QCOMPARE(
                store.save(flowGreeting(QStringLiteral("Start")), QStringLiteral("ops"), &error),
                1);
        }
        constexpr int kRounds = 25;
        constexpr int kWriters = 2;
        Barrier barrier(kWriters);
        qint64 results[kWriters][kRounds] = {};
        QString failures[kWriters];
        const QString url = m_harness->databaseUrl();
        std::vector<std::unique_ptr<QThread>> threads;
        for (int writer = 0; writer < kWriters; ++writer) {
            threads.emplace_back(QThread::create([&, writer] {
                QString error;
                Database database(*DatabaseUrl::parse(url, &error),
                                  QStringLiteral("racer-%1").arg(writer));
                database.setLockTimeoutMs(30000);
                if (!database.open(&error))
                    failures[writer] = error;
                FlowStore store(database);
                for (int round = 0; round < kRounds; ++round) {
                    barrier.arriveAndWait(); // the previous round is over for both
                    const auto newest = store.current(&error);
                    barrier.arriveAndWait(); // both loaded the same revision
                    results[writer][round] = store.saveIfNewest(
                        flowGreeting(QStringLiteral("round %1 by %2").arg(round).arg(writer)),
                        QStringLiteral("writer %1").arg(writer), newest ? newest->revision : -1,
                        &error);
                    if (results[writer][round] < 0)
                        failures[writer] = error;
                }
            }));
            threads.back()->start();
        }
        for (auto &thread : threads)
            QVERIFY(thread->wait(120000));
        for (const QString &failure : failures)
            QVERIFY2(failure.isEmpty(), qPrintable(failure));

        auto database = open(QStringLiteral("check"));
        FlowStore store(*database);
        QList<StoredFlow> revisions;
        QString error;
        QVERIFY(store.forEachRevision(
            [&revisions](const StoredFlow &stored) {
                revisions.prepend(stored);
                return true;
            },
            &error));
        QCOMPARE(revisions.size(), 1 + kRounds);
        for (int round = 0; round < kRounds; ++round) {
            const qint64 expected = 2 + round;
            const int winner = results[0][round] > 0 ? 0 : 1;
            QCOMPARE(results[winner][round], expected);
            QCOMPARE(results[1 - winner][round], 0);
            const StoredFlow &stored = revisions.at(round + 1);
            QCOMPARE(stored.revision, expected);
            QCOMPARE(stored.author, QStringLiteral("writer %1").arg(winner));
            QCOMPARE(stored.flow->greeting,
                     QStringLiteral("round %1 by %2").arg(round).arg(winner));
        }
    }
};

QTEST_GUILESS_MAIN(TestFlowStore)
#include "TestFlowStore.moc"
