#include "backend/CallLog.h"
#include "gui/feed/CallFeedModel.h"
#include "ServiceHarness.h"

#include <QAbstractItemModelTester>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

// The desktop feed on PostgreSQL: new calls arrive through LISTEN/NOTIFY, and after the
// database server restarts (every connection cut) the app reconnects, listens again and
// catches up on what it missed.
class TestFeedReconnect final : public QObject
{
    Q_OBJECT

    static bool restartServer()
    {
        return QProcess::execute(QStringLiteral("bash"),
                                 {QStringLiteral(SWITCHBOARD_TESTS_DIR "/env/postgres.sh"),
                                  QStringLiteral("restart")}) == 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!ServiceHarness::usesPostgres())
            QFAIL("needs the test PostgreSQL server (SWITCHBOARD_TEST_POSTGRES): run it with "
                  "`ctest -R TestFeedReconnect_postgres`, which starts the server and sets it");
    }

    void notifiedThenCatchesUpAfterARestart()
    {
        ServiceHarness harness;
        QVERIFY2(harness.startService(), qPrintable(harness.serviceOutput()));
        CallLog callLog;
        callLog.setRetryInterval(250);
        callLog.open(harness.databaseUrl());
        QTRY_VERIFY_WITH_TIMEOUT(callLog.isAvailable(), 10000);
        CallFeedModel model(&callLog);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reload();
        QCOMPARE(model.rowCount(), 0);

        QProcess *sim = harness.startSim({QStringLiteral("--press"), QStringLiteral("1"),
                                          QStringLiteral("--delay-ms"), QStringLiteral("300")});
        // Through NOTIFY: on PostgreSQL nothing polls the log.
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(sim->state() == QProcess::NotRunning, 20000);

        // Every connection is cut: the service journals, the app shows the log unavailable.
        QSignalSpy availability(&callLog, &CallLog::availabilityChanged);
        QVERIFY(restartServer());
        const ServiceHarness::SimResult second =
            harness.runSim({QStringLiteral("--press"), QStringLiteral("2"),
                            QStringLiteral("--voicemail-seconds"), QStringLiteral("2")});
        QCOMPARE(second.exitCode, 0);
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(callLog.isAvailable(), 15000);
        QVERIFY2(availability.count() >= 2, "the lost connection was noticed and reopened");
        // A third call after the reconnect arrives through the new subscription.
        QCOMPARE(harness.runSim({QStringLiteral("--hangup-in-menu")}).exitCode, 0);
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 3, 15000);
    }

    // A server that takes the connection and never answers holds libpq for its whole connect
    // timeout (5 s): the first attempt and the reconnections wait on a thread, not the window's.
    void aSilentServerDoesNotHoldTheWindow()
    {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        CallLog callLog;
        callLog.setRetryInterval(3600 * 1000); // only the attempts this test asks for
        QSignalSpy availability(&callLog, &CallLog::availabilityChanged);
        QSignalSpy failed(&callLog, &CallLog::attemptFailed);
        callLog.open(QStringLiteral("postgresql://switchboard@127.0.0.1:%1/switchboard")
                         .arg(silent.serverPort()));
        QVERIFY(callLog.isConnecting()); // back at once, the attempt still under way
        QTRY_VERIFY_WITH_TIMEOUT(silent.hasPendingConnections(), 10000);
        QCOMPARE(availability.count(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(availability.count(), 1, 30000);
        QCOMPARE(availability.first().first().toBool(), false);
        QVERIFY(!callLog.isConnecting());
        QVERIFY2(callLog.errorMessage().contains(QLatin1String("timeout")),
                 qPrintable(callLog.errorMessage()));
        QCOMPARE(failed.count(), 0); // the first attempt is no reconnection
        delete silent.nextPendingConnection();

        callLog.retryNow();
        QVERIFY(callLog.isConnecting());
        QTRY_VERIFY_WITH_TIMEOUT(silent.hasPendingConnections(), 10000);
        QCOMPARE(failed.count(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QVERIFY(!callLog.isAvailable());
        QCOMPARE(availability.count(), 1);
        QVERIFY2(failed.first().first().toString().contains(QLatin1String("timeout")),
                 qPrintable(failed.first().first().toString()));
    }
};

QTEST_MAIN(TestFeedReconnect)
#include "TestFeedReconnect.moc"
