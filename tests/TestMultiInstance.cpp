#include "db/CallWriter.h"
#include "db/Database.h"
#include "ServiceHarness.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSemaphore>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

namespace {

int scalar(QSqlDatabase db, const QString &sql)
{
    QSqlQuery query(db);
    return query.exec(sql) && query.next() ? query.value(0).toInt() : -1;
}

// Two writers of one call: `other` changes it with `change` (an open transaction) while
// `writer` records a batch of `pressedOne` (for that call) and a new call's first webhook.
struct TwoWriters
{
    ServiceHarness harness;
    DatabaseUrl url;
    std::unique_ptr<Database> mine;
    std::unique_ptr<Database> other;
    std::unique_ptr<CallWriter> writer;
    const QString changed = QStringLiteral("CA000000000000000000000000000000b1");
    const QString untouched = QStringLiteral("CA000000000000000000000000000000f2");

    static CallWriter::Event event(WebhookKind kind, const QString &path, const QString &callSid,
                                   FormData params)
    {
        Webhook webhook;
        webhook.kind = kind;
        webhook.url = QStringLiteral("https://switchboard.example.com") + path;
        webhook.receivedAt = QDateTime::currentDateTimeUtc();
        params.set(QStringLiteral("CallSid"), callSid);
        params.set(QStringLiteral("AccountSid"), ServiceHarness::accountSid);
        params.set(QStringLiteral("From"), QStringLiteral("+14155550100"));
        webhook.params = params;
        return CallWriter::event(webhook);
    }
    static CallWriter::Event voice(const QString &callSid)
    {
        return event(WebhookKind::Voice, QStringLiteral("/twilio/voice"), callSid,
                     {{QStringLiteral("CallStatus"), QStringLiteral("ringing")}});
    }
    CallWriter::Event pressedOne() const
    {
        return event(WebhookKind::Menu, QStringLiteral("/twilio/menu?attempt=1"), changed,
                     {{QStringLiteral("CallStatus"), QStringLiteral("in-progress")},
                      {QStringLiteral("Digits"), QStringLiteral("1")}});
    }
    QString change() const
    {
        return QStringLiteral("UPDATE calls SET caller_name = 'CHANGED ELSEWHERE', revision ="
                              " nextval('call_revisions') WHERE call_sid = '%1'")
            .arg(changed);
    }
    int eventsOfChanged() const
    {
        return scalar(
            mine->connection(),
            QStringLiteral("SELECT COUNT(*) FROM call_events WHERE call_sid = '%1'").arg(changed));
    }
    int calls() const
    {
        return scalar(mine->connection(), QStringLiteral("SELECT COUNT(*) FROM calls"));
    }

    // The next batch folds the webhook into the row as the other writer left it.
    void checkRetryKeepsTheOtherChange()
    {
        QList<CallWriter::Result> results;
        QVERIFY(writer->recordAll({pressedOne()}, &results));
        QCOMPARE(results, QList<CallWriter::Result>{CallWriter::Result::Recorded});
        QCOMPARE(eventsOfChanged(), 2);
        QSqlQuery row(mine->connection());
        QVERIFY(row.exec(QStringLiteral("SELECT caller_name, menu_choice FROM calls WHERE"
                                        " call_sid = '%1'")
                             .arg(changed)));
        QVERIFY(row.next());
        QCOMPARE(row.value(0).toString(), QStringLiteral("CHANGED ELSEWHERE"));
        QCOMPARE(row.value(1).toString(), QStringLiteral("forward"));
    }
};

std::unique_ptr<TwoWriters> twoWriters()
{
    auto two = std::make_unique<TwoWriters>();
    QString error;
    two->url = *DatabaseUrl::parse(two->harness.databaseUrl(), &error);
    two->mine = std::make_unique<Database>(two->url, QStringLiteral("batch-writer"));
    two->other = std::make_unique<Database>(two->url, QStringLiteral("other-instance"));
    if (!two->mine->openAndMigrate(&error) || !two->other->open(&error)) {
        qWarning() << error;
        return nullptr;
    }
    two->writer = std::make_unique<CallWriter>(*two->mine);
    if (two->writer->record(TwoWriters::voice(two->changed).webhook) !=
        CallWriter::Result::Recorded)
        return nullptr;
    return two;
}

} // namespace

// Two service instances behind one public URL share a PostgreSQL database; the simulator
// sends each call's webhooks alternately to both, many calls at once.
class TestMultiInstance final : public QObject
{
    Q_OBJECT

    const QString publicUrl = QStringLiteral("https://switchboard.example.com");

private Q_SLOTS:
    void initTestCase()
    {
        if (!ServiceHarness::usesPostgres())
            QFAIL(
                "refused: instances share a database server: set SWITCHBOARD_TEST_POSTGRES (ctest "
                "does)");
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

    // However many HTTP threads answer /healthz, an instance holds four connections: the
    // webhooks', the downloads', the status reader's and the call flow watcher's (which LISTENs).
    void instanceHoldsFourConnections()
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
                 4);
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
        QVERIFY(plan.exec(
            QStringLiteral("EXPLAIN EXECUTE %1('[\"0a1b\"]', '[\"CA1\"]')").arg(statement)));
        QStringList lines;
        while (plan.next())
            lines.append(plan.value(0).toString());
        const QString text = lines.join(QLatin1Char('\n'));
        QVERIFY2(text.contains(QLatin1String("calls_pkey")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("call_events_by_call")), qPrintable(text));
        QVERIFY2(!text.contains(QLatin1String("Seq Scan")), qPrintable(text));
    }

    // A batch does not queue behind another writer's transaction: the call it holds is left
    // for the next batch, the other calls are written at once.
    void batchLeavesBusyCallForLater()
    {
        const auto two = twoWriters();
        QVERIFY(two);
        QSqlQuery hold(two->other->connection());
        QVERIFY(hold.exec(QStringLiteral("BEGIN")));
        QVERIFY(hold.exec(
            QStringLiteral("SELECT pg_advisory_xact_lock(hashtext('%1'))").arg(two->changed)));
        QVERIFY(hold.exec(two->change()));

        // Were the batch to wait for the call, it would fail (the lock is held until the
        // COMMIT below) instead of hanging the test: no timing needed to tell.
        QVERIFY(QSqlQuery(two->mine->connection()).exec(QStringLiteral("SET lock_timeout = 2000")));
        QList<CallWriter::Result> results;
        QVERIFY2(two->writer->recordAll({two->pressedOne(), TwoWriters::voice(two->untouched)},
                                        &results),
                 qPrintable(two->writer->lastError()));
        QCOMPARE(results, (QList<CallWriter::Result>{CallWriter::Result::Deferred,
                                                     CallWriter::Result::Recorded}));
        QCOMPARE(two->calls(), 2);
        QCOMPARE(two->eventsOfChanged(), 1);

        QVERIFY(hold.exec(QStringLiteral("COMMIT")));
        two->checkRetryKeepsTheOtherChange();
    }

    // No transaction spans a batch's read and its write: a call that another writer changes
    // in between is not written over with what was read.
    void callChangedAfterTheReadIsLeftForLater()
    {
        const auto two = twoWriters();
        QVERIFY(two);
        QList<CallWriter::Result> results;
        bool written = false;
        QString batchError;
        const CallWriter::Event pressedOne = two->pressedOne();
        const CallWriter::Event voice = TwoWriters::voice(two->untouched);
        QSemaphore prepared;
        QSemaphore go;
        std::unique_ptr<QThread> batch(QThread::create([&] {
            Database connection(two->url, QStringLiteral("batch-thread"));
            if (!connection.open(&batchError))
                return prepared.release();
            CallWriter writer(connection);
            prepared.release();
            go.acquire();
            written = writer.recordAll({pressedOne, voice}, &results);
            batchError = writer.lastError();
        }));
        batch->start();
        const auto finishBatch = qScopeGuard([&] {
            go.release(); // when a check below fails first
            batch->wait();
        });
        prepared.acquire();
        // The other writer keeps the batch's write waiting (its tables' locks) while it
        // changes the call.
        QSqlQuery hold(two->other->connection());
        QVERIFY(hold.exec(QStringLiteral("BEGIN")));
        QVERIFY(hold.exec(QStringLiteral("LOCK TABLE call_events IN SHARE MODE")));
        QVERIFY(hold.exec(two->change()));
        go.release();
        QTRY_COMPARE(scalar(two->mine->connection(),
                            QStringLiteral("SELECT COUNT(*) FROM pg_stat_activity WHERE"
                                           " wait_event_type = 'Lock'")),
                     1); // the batch has read the call and waits to write it
        QVERIFY(hold.exec(QStringLiteral("COMMIT")));
        QVERIFY(batch->wait(10000));
        QVERIFY2(written, qPrintable(batchError));
        QCOMPARE(results, (QList<CallWriter::Result>{CallWriter::Result::Deferred,
                                                     CallWriter::Result::Recorded}));
        QCOMPARE(two->calls(), 2);
        QCOMPARE(two->eventsOfChanged(), 1);
        two->checkRetryKeepsTheOtherChange();
    }

    // Webhooks of one call spread over instances: a webhook already recorded by the other is a
    // duplicate, and a change made by the other is kept.
    // `flow set` once, on the shared database: the next call to either instance hears the new
    // revision, neither restarted. Each instance is told by a NOTIFY (its one-second poll would
    // find the revision too, so the greetings alone would not show that).
    void aFlowChangeReachesEveryInstance()
    {
        ServiceHarness harness;
        QJsonObject flow = ServiceHarness::exampleFlow();
        flow.remove(QStringLiteral("hours")); // open whenever the test runs
        flow[QStringLiteral("greeting")] = QStringLiteral("Welcome to Acme. Press 1.");
        QVERIFY2(harness.startServiceWithFlow(flow), qPrintable(harness.serviceOutput()));
        const QString second = harness.startAnotherService();
        QVERIFY2(!second.isEmpty(), qPrintable(harness.serviceOutput()));

        int calls = 0;
        const auto greets = [&calls](const QString &serviceUrl, const char *words) {
            const FormData call{{QStringLiteral("AccountSid"), ServiceHarness::accountSid},
                                {QStringLiteral("CallSid"),
                                 QStringLiteral("CA%1").arg(++calls, 32, 10, QLatin1Char('0'))},
                                {QStringLiteral("CallStatus"), QStringLiteral("ringing")},
                                {QStringLiteral("From"), QStringLiteral("+14155550100")},
                                {QStringLiteral("To"), QStringLiteral("+14155550199")}};
            const auto answer =
                ServiceHarness::postWebhook(serviceUrl, QStringLiteral("/twilio/voice"), call);
            return answer.status == 200 && answer.body.contains(words);
        };
        QVERIFY(greets(harness.serviceUrl(), "Welcome to Acme"));
        QVERIFY(greets(second, "Welcome to Acme"));

        const QString notified = QStringLiteral("notified of a new call flow revision");
        const qsizetype notifiedBefore = harness.serviceOutput().count(notified);
        flow[QStringLiteral("greeting")] = QStringLiteral("Acme has moved. Press 1.");
        QString error;
        QElapsedTimer sinceSet;
        sinceSet.start();
        QVERIFY2(harness.setFlow(flow, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(greets(harness.serviceUrl(), "Acme has moved"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(greets(second, "Acme has moved"), 5000);
        qInfo("the new greeting reached both instances within %lld ms of running `flow set`",
              sinceSet.elapsed());
        // Both instances (they log to one file) heard the NOTIFY of `flow set`.
        QTRY_COMPARE_WITH_TIMEOUT(harness.serviceOutput().count(notified), notifiedBefore + 2,
                                  10000);
    }

    void callWrittenElsewhereIsFoldedNotOverwritten()
    {
        const auto two = twoWriters(); // `writer` has recorded the call's first webhook
        QVERIFY(two);
        CallWriter elsewhere(*two->other);
        // A retry of that first webhook reaches the other instance, which knows nothing of it.
        QCOMPARE(elsewhere.record(TwoWriters::voice(two->changed).webhook),
                 CallWriter::Result::Duplicate);
        // The caller presses 1; the webhook reaches the other instance, and its retry this one.
        QList<CallWriter::Result> results;
        QVERIFY(elsewhere.recordAll({two->pressedOne()}, &results));
        QCOMPARE(results, QList<CallWriter::Result>{CallWriter::Result::Recorded});
        QVERIFY2(two->writer->recordAll({two->pressedOne()}, &results),
                 qPrintable(two->writer->lastError()));
        QCOMPARE(results, QList<CallWriter::Result>{CallWriter::Result::Duplicate});
        QCOMPARE(two->eventsOfChanged(), 2);

        // A change elsewhere, then the call's end here: folded into the changed row at once.
        QSqlQuery change(two->other->connection());
        QVERIFY(change.exec(two->change()));
        const CallWriter::Event completed =
            TwoWriters::event(WebhookKind::Status, QStringLiteral("/twilio/status"), two->changed,
                              {{QStringLiteral("CallStatus"), QStringLiteral("completed")},
                               {QStringLiteral("CallDuration"), QStringLiteral("42")}});
        QVERIFY(two->writer->recordAll({completed}, &results));
        QCOMPARE(results, QList<CallWriter::Result>{CallWriter::Result::Recorded});
        QSqlQuery row(two->mine->connection());
        QVERIFY(row.exec(QStringLiteral("SELECT caller_name, menu_choice, status, duration_s"
                                        " FROM calls WHERE call_sid = '%1'")
                             .arg(two->changed)));
        QVERIFY(row.next());
        QCOMPARE(row.value(0).toString(), QStringLiteral("CHANGED ELSEWHERE"));
        QCOMPARE(row.value(1).toString(), QStringLiteral("forward"));
        QCOMPARE(row.value(2).toString(), QStringLiteral("completed"));
        QCOMPARE(row.value(3).toInt(), 42);
        QCOMPARE(two->eventsOfChanged(), 3);
    }
};

QTEST_GUILESS_MAIN(TestMultiInstance)
#include "TestMultiInstance.moc"
