// Sustained load on SQLite: the write-ahead log must not grow with the traffic. It only starts
// over after a checkpoint that no commit overtakes: without the writer's own checkpoints it
// passed 300 MiB here; with them it stays around 30 MiB.

#include "ServiceHarness.h"

#include <QFileInfo>
#include <QProcess>
#include <QTest>

using Switchboard::Testing::ServiceHarness;

class TestWalCheckpoints final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void walStaysSmallUnderSustainedLoad()
    {
        ServiceHarness harness;
        if (ServiceHarness::usesPostgres())
            QFAIL("refused: tests SQLite's write-ahead log: unset SWITCHBOARD_TEST_POSTGRES");
        QVERIFY(harness.startService());
        // Voicemails up to 45 s: a few hundred MB of audio pass through the WAL.
        QProcess *sim = harness.startSim(
            {QStringLiteral("--calls"), QStringLiteral("1500"), QStringLiteral("--concurrency"),
             QStringLiteral("16"), QStringLiteral("--mix"), QStringLiteral("--seed"),
             QStringLiteral("11"), QStringLiteral("--wait-downloads"), QStringLiteral("120")});
        const QFileInfo wal(harness.databasePath() + QStringLiteral("-wal"));
        qint64 largest = 0;
        while (sim->state() != QProcess::NotRunning) {
            sim->waitForFinished(100);
            largest = std::max(largest, QFileInfo(wal.filePath()).size());
        }
        QCOMPARE(sim->exitCode(), 0); // every call answered right, every voicemail stored
        QFile database(harness.databasePath());
        qInfo("WAL at most %.1f MiB while the database grew to %.1f MiB", double(largest) / 1048576,
              double(database.size()) / 1048576);
        QVERIFY(database.size() > 100 * 1024 * 1024); // the load was heavy enough to tell
        QVERIFY2(largest < 64 * 1024 * 1024, qPrintable(QString::number(largest)));
    }
};

QTEST_GUILESS_MAIN(TestWalCheckpoints)
#include "TestWalCheckpoints.moc"
