#include "db/CallWriter.h"
#include "db/Database.h"
#include "ServiceHarness.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTcpSocket>
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

    // However many HTTP threads answer /healthz, an instance holds three connections: the
    // webhooks', the downloads' and the status reader's.
    void instanceHoldsThreeConnections()
    {
        ServiceHarness harness;
        QVERIFY2(harness.startService(), qPrintable(harness.serviceOutput()));
        const QUrl service(harness.serviceUrl());
        for (int i = 0; i < 40; ++i) { // each on a new connection: dealt to the threads in turn
            QTcpSocket socket;
            socket.connectToHost(service.host(), quint16(service.port()));
            QVERIFY(socket.waitForConnected(5000));
            socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            QByteArray answer;
            while (!answer.endsWith("\r\n\r\nok\n") && socket.waitForReadyRead(5000))
                answer += socket.readAll();
            QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
        }
        QString error;
        Database observer(*DatabaseUrl::parse(harness.databaseUrl(), &error),
                          QStringLiteral("observer"));
        QVERIFY2(observer.open(&error), qPrintable(error));
        QCOMPARE(scalar(observer.connection(),
                        QStringLiteral("SELECT COUNT(*) FROM pg_stat_activity WHERE datname ="
                                       " current_database() AND pid <> pg_backend_pid()")),
                 3);
    }

    // The writer plans its statements once per connection, often while the log is empty.
    // As the log grows to many calls, finding a batch's calls must still take its index, not
    // read the whole log.
    void writerFindsCallsByIndexAsTheLogGrows()
    {
        ServiceHarness harness;
        QString error;
        const DatabaseUrl url = *DatabaseUrl::parse(harness.databaseUrl(), &error);
        Database mine(url, QStringLiteral("growing-writer"));
        QVERIFY2(mine.openAndMigrate(&error), qPrintable(error));
        CallWriter writer(mine);
        const auto recordCalls = [&](int first) {
            for (int i = first; i < first + 8; ++i) {
                Webhook webhook;
                webhook.kind = WebhookKind::Voice;
                webhook.url = QStringLiteral("https://switchboard.example.com/twilio/voice");
                webhook.receivedAt = QDateTime::currentDateTimeUtc();
                webhook.params = {{QStringLiteral("CallSid"),
                                   QStringLiteral("CA%1").arg(i, 32, 16, QLatin1Char('0'))},
                                  {QStringLiteral("AccountSid"), ServiceHarness::accountSid},
                                  {QStringLiteral("CallStatus"), QStringLiteral("ringing")}};
                QCOMPARE(writer.record(webhook), CallWriter::Result::Recorded);
            }
        };
        recordCalls(0);

        QSqlQuery grow(mine.connection());
        QVERIFY(grow.exec(QStringLiteral(
            "INSERT INTO calls (call_sid, account_sid, started_at, status, outcome, revision)"
            " SELECT 'CB' || i, 'AC', i, 'completed', 'answered', i FROM generate_series(1, 20000) "
            "i")));
        QVERIFY(grow.exec(QStringLiteral(
            "INSERT INTO voicemails (call_sid, recording_sid, recording_url, created_at)"
            " SELECT 'CB' || i, 'RE' || i, 'u', i FROM generate_series(1, 20000, 2) i")));
        recordCalls(100);

        QSqlQuery plan(mine.connection());
        QVERIFY(plan.exec(QStringLiteral("SELECT name FROM pg_prepared_statements WHERE statement"
                                         " LIKE '%FROM calls c LEFT JOIN voicemails v%'")));
        QVERIFY(plan.next());
        const QString statement = plan.value(0).toString();
        QVERIFY(plan.exec(QStringLiteral("EXPLAIN EXECUTE %1('[\"CA1\"]')").arg(statement)));
        QStringList lines;
        while (plan.next())
            lines.append(plan.value(0).toString());
        const QString text = lines.join(QLatin1Char('\n'));
        QVERIFY2(text.contains(QLatin1String("calls_pkey")), qPrintable(text));
        QVERIFY2(!text.contains(QLatin1String("Seq Scan")), qPrintable(text));
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
