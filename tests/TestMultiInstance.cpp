#include "db/CallWriter.h"
#include "db/Database.h"
#include "ServiceHarness.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

// Two service instances behind one public URL share a PostgreSQL database; the simulator
// sends each call's webhooks alternately to both, many calls at once.
class TestMultiInstance final : public QObject
{
    Q_OBJECT

    const QString publicUrl = QStringLiteral("https://switchboard.example.com");

    static int scalar(QSqlDatabase db, const QString &sql)
    {
        QSqlQuery query(db);
        return query.exec(sql) && query.next() ? query.value(0).toInt() : -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!ServiceHarness::usesPostgres())
            QSKIP("needs SWITCHBOARD_TEST_POSTGRES: instances share a database server");
    }

    void everyCallIsLoggedOnceAndCompleteAcrossInstances()
    {
        ServiceHarness harness;
        const QStringList shared{QStringLiteral("--public-url"), publicUrl};
        QVERIFY2(harness.startService(shared), qPrintable(harness.serviceOutput()));
        const QString second = harness.startAnotherService(shared);
        QVERIFY2(!second.isEmpty(), qPrintable(harness.serviceOutput()));

        const int calls = 80;
        const ServiceHarness::SimResult sim = harness.runSim(
            {QStringLiteral("--service"), second, QStringLiteral("--public-url"), publicUrl,
             QStringLiteral("--calls"), QString::number(calls), QStringLiteral("--concurrency"),
             QStringLiteral("16"), QStringLiteral("--mix"), QStringLiteral("--seed"),
             QStringLiteral("7"), QStringLiteral("--json")},
            120000);
        QVERIFY2(sim.exitCode == 0,
                 qPrintable(QStringLiteral("exit %1\n").arg(sim.exitCode) +
                            sim.output.left(sim.output.size() - sim.standardOutput.size())
                                .split(QLatin1Char('\n'))
                                .filter(QStringLiteral("FAIL"))
                                .join(QLatin1Char('\n'))
                                .left(3000) +
                            harness.serviceOutput().right(3000)));

        QVERIFY(harness.waitForDownloads());
        const QString output = sim.output;
        const QJsonArray summary = QJsonDocument::fromJson(sim.standardOutput).array();
        QCOMPARE(summary.size(), calls);
        int requests = 0, recordings = 0;
        for (const QJsonValue &call : summary) {
            requests += call[QStringLiteral("requests")].toArray().size();
            if (!call[QStringLiteral("recording")]
                     .toObject()[QStringLiteral("sid")]
                     .toString()
                     .isEmpty())
                ++recordings;
        }
        QVERIFY(recordings > 0);

        // Each voicemail was fetched from "Twilio" exactly once, by one of the instances.
        const QRegularExpression fetched(
            QStringLiteral("\\[media\\] GET \\S+/Recordings/(RE[0-9a-f]{32})\\.wav -> 200"));
        QHash<QString, int> fetches;
        for (auto it = fetched.globalMatch(output); it.hasNext();)
            ++fetches[it.next().captured(1)];
        QCOMPARE(fetches.size(), recordings);
        for (auto it = fetches.cbegin(); it != fetches.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));

        QString error;
        Database db(*DatabaseUrl::parse(harness.databaseUrl(), &error),
                    QStringLiteral("multi-reader"));
        QVERIFY2(db.open(&error), qPrintable(error));
        const QSqlDatabase c = db.connection();
        QCOMPARE(scalar(c, QStringLiteral("SELECT COUNT(*) FROM calls")), calls);
        QCOMPARE(scalar(c, QStringLiteral("SELECT COUNT(*) FROM calls WHERE status = 'completed' "
                                          "AND ended_at IS NOT NULL AND outcome <> 'in-progress'")),
                 calls);
        QCOMPARE(scalar(c, QStringLiteral("SELECT COUNT(*) FROM call_events")), requests);
        QCOMPARE(scalar(c, QStringLiteral("SELECT COUNT(*) FROM voicemails WHERE download_state = "
                                          "'downloaded' AND download_attempts = 1")),
                 recordings);
        // Both instances did part of the work.
        const QString log = harness.serviceOutput();
        QVERIFY(log.count(QLatin1String("listening on")) == 2);
    }

    // A batch does not queue behind another instance's transaction: the call that instance
    // holds is left for the next batch, the other calls are written at once.
    void batchLeavesBusyCallForLater()
    {
        ServiceHarness harness;
        QString error;
        const DatabaseUrl url = *DatabaseUrl::parse(harness.databaseUrl(), &error);
        Database mine(url, QStringLiteral("batch-writer"));
        QVERIFY2(mine.openAndMigrate(&error), qPrintable(error));
        Database other(url, QStringLiteral("other-instance"));
        QVERIFY2(other.open(&error), qPrintable(error));

        const auto voice = [](const QString &callSid) {
            Webhook webhook;
            webhook.kind = WebhookKind::Voice;
            webhook.url = QStringLiteral("https://switchboard.example.com/twilio/voice");
            webhook.receivedAt = QDateTime::currentDateTimeUtc();
            webhook.params = {{QStringLiteral("CallSid"), callSid},
                              {QStringLiteral("AccountSid"), ServiceHarness::accountSid},
                              {QStringLiteral("From"), QStringLiteral("+14155550100")},
                              {QStringLiteral("CallStatus"), QStringLiteral("ringing")}};
            return CallWriter::event(webhook);
        };
        const QString busy = QStringLiteral("CA000000000000000000000000000000b1");
        const QString free = QStringLiteral("CA000000000000000000000000000000f2");

        // The other instance is in the middle of writing the busy call.
        QSqlQuery hold(other.connection());
        QVERIFY(hold.exec(QStringLiteral("BEGIN")));
        QVERIFY(
            hold.exec(QStringLiteral("SELECT pg_advisory_xact_lock(hashtext('%1'))").arg(busy)));

        CallWriter writer(mine);
        QList<CallWriter::Result> results;
        QElapsedTimer timer;
        timer.start();
        QVERIFY2(writer.recordAll({voice(busy), voice(free)}, &results),
                 qPrintable(writer.lastError()));
        QVERIFY(timer.elapsed() < 1000); // did not wait for the other transaction
        QCOMPARE(results, (QList<CallWriter::Result>{CallWriter::Result::Deferred,
                                                     CallWriter::Result::Recorded}));
        QCOMPARE(scalar(mine.connection(), QStringLiteral("SELECT COUNT(*) FROM calls")), 1);

        QVERIFY(hold.exec(QStringLiteral("COMMIT")));
        QVERIFY(writer.recordAll({voice(busy)}, &results));
        QCOMPARE(results, QList<CallWriter::Result>{CallWriter::Result::Recorded});
        QCOMPARE(scalar(mine.connection(), QStringLiteral("SELECT COUNT(*) FROM calls")), 2);
    }
};

QTEST_GUILESS_MAIN(TestMultiInstance)
#include "TestMultiInstance.moc"
