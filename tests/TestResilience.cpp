#include "db/CallReader.h"
#include "db/Database.h"
#include "MediaServer.h"
#include "ReliabilityLog.h"
#include "ServiceHarness.h"
#include "twilio/RequestSignature.h"
#include "Wav.h"

#include <csignal>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ReliabilityLog;
using Switchboard::Testing::ServiceHarness;

// Faults, and nothing lost: the database taken away in the middle of calls, the process
// killed in the middle of a load, and a clean stop. Every webhook that got a 2xx must be in
// the call log in the end.
class TestResilience final : public QObject
{
    Q_OBJECT

    static int healthz(const ServiceHarness &harness)
    {
        QNetworkAccessManager network;
        QNetworkReply *reply =
            network.get(QNetworkRequest(QUrl(harness.serviceUrl() + QStringLiteral("/healthz"))));
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        reply->deleteLater();
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }

    static std::unique_ptr<Database> open(const ServiceHarness &harness, const QString &name)
    {
        QString error;
        auto db =
            std::make_unique<Database>(*DatabaseUrl::parse(harness.databaseUrl(), &error), name);
        db->open(&error);
        return db;
    }

    // Another process's lock keeps every write out, as a stuck migration or backup would.
    static bool lockOutWriters(const Database &holder, QSqlQuery &lock)
    {
        if (holder.dialect().isSqlite())
            return lock.exec(QStringLiteral("BEGIN EXCLUSIVE"));
        return lock.exec(QStringLiteral("BEGIN")) &&
               lock.exec(QStringLiteral("LOCK TABLE calls, call_events IN ACCESS EXCLUSIVE MODE"));
    }

    // Every webhook the simulator saw acknowledged (2xx), by call and route, is in the timeline.
    static QString missingAcknowledged(const ServiceHarness &harness, const QByteArray &simJson,
                                       int *acknowledged)
    {
        QHash<QString, int> expected;
        *acknowledged = 0;
        for (const QJsonValue &call : QJsonDocument::fromJson(simJson).array()) {
            for (const QJsonValue &request : call[QStringLiteral("requests")].toArray()) {
                const int status = request[QStringLiteral("status")].toInt();
                if (status < 200 || status >= 300)
                    continue;
                const QString kind = QUrl(request[QStringLiteral("url")].toString())
                                         .path()
                                         .section(QLatin1Char('/'), 2);
                ++expected[call[QStringLiteral("call_sid")].toString() + QLatin1Char(' ') + kind];
                ++*acknowledged;
            }
        }
        auto db = open(harness, QStringLiteral("resilience-check"));
        QSqlQuery query(db->connection());
        query.exec(QStringLiteral(
            "SELECT call_sid, kind, COUNT(*) FROM call_events GROUP BY call_sid, kind"));
        QHash<QString, int> logged;
        while (query.next())
            logged.insert(query.value(0).toString() + QLatin1Char(' ') + query.value(1).toString(),
                          query.value(2).toInt());
        for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
            if (logged.value(it.key()) < it.value())
                return QStringLiteral("%1: %2 acknowledged, %3 logged")
                    .arg(it.key())
                    .arg(it.value())
                    .arg(logged.value(it.key()));
        }
        return {};
    }

    static int loggedEvents(const ServiceHarness &harness)
    {
        auto db = open(harness, QStringLiteral("resilience-count"));
        QSqlQuery query(db->connection());
        return query.exec(QStringLiteral("SELECT COUNT(*) FROM call_events")) && query.next()
                   ? query.value(0).toInt()
                   : -1;
    }

    // Nothing listens on the service's port any more: a new connection is refused.
    static bool refusesConnections(const ServiceHarness &harness)
    {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, QUrl(harness.serviceUrl()).port());
        probe.waitForConnected(5000);
        return probe.error() == QAbstractSocket::ConnectionRefusedError;
    }

private Q_SLOTS:
    void databaseTakenAwayMidCalls()
    {
        ServiceHarness harness;
        QVERIFY(
            harness.startService({QStringLiteral("--database-timeout-ms"), QStringLiteral("200")}));

        auto holder = open(harness, QStringLiteral("lock-holder"));
        QSqlQuery lock(holder->connection());
        QVERIFY(lockOutWriters(*holder, lock));

        QProcess *sim = harness.startSim(
            {QStringLiteral("--calls"), QStringLiteral("6"), QStringLiteral("--concurrency"),
             QStringLiteral("3"), QStringLiteral("--mix"), QStringLiteral("--seed"),
             QStringLiteral("3"), QStringLiteral("--json"), QStringLiteral("--wait-downloads"),
             QStringLiteral("60")});
        QByteArray narration;
        QTRY_VERIFY_WITH_TIMEOUT(
            (narration += sim->readAllStandardError()).contains("call(s) done"), 60000);
        QCOMPARE(healthz(harness), 503); // degraded while the journal holds webhooks

        QVERIFY(lock.exec(QStringLiteral("COMMIT")));
        QTRY_COMPARE_WITH_TIMEOUT(healthz(harness), 200, 10000);
        QVERIFY(sim->state() == QProcess::NotRunning || sim->waitForFinished(60000));
        QCOMPARE(sim->exitCode(),
                 0); // every caller heard the right TwiML; every voicemail was fetched
        int acknowledged = 0;
        const QString missing =
            missingAcknowledged(harness, sim->readAllStandardOutput(), &acknowledged);
        QVERIFY2(missing.isEmpty(), qPrintable(missing));
        ReliabilityLog::record(
            QStringLiteral("fault"),
            QStringLiteral("database locked by another process during 6 calls (%1)")
                .arg(holder->dialect().isSqlite() ? QStringLiteral("SQLite")
                                                  : QStringLiteral("PostgreSQL")),
            QStringLiteral("callers got the right TwiML; /healthz 503 degraded; %1 webhooks "
                           "journaled and replayed in order; all in the log")
                .arg(acknowledged));
    }

    void journalIsWrittenOnlyToItsDatabase()
    {
        QTemporaryDir journalDir;
        const QStringList journal{QStringLiteral("--journal"),
                                  journalDir.filePath(QStringLiteral("webhooks.jsonl")),
                                  QStringLiteral("--database-timeout-ms"), QStringLiteral("200")};
        ServiceHarness owner;
        QVERIFY(owner.startService(journal));
        auto holder = open(owner, QStringLiteral("journal-lock-holder"));
        QSqlQuery lock(holder->connection());
        QVERIFY(lockOutWriters(*holder, lock));
        const auto call =
            owner.runSim({QStringLiteral("--calls"), QStringLiteral("1"), QStringLiteral("--press"),
                          QStringLiteral("1"), QStringLiteral("--json")});
        QVERIFY2(call.exitCode == 0, qPrintable(call.output)); // answered from the journal
        owner.stopService(); // with the database still locked: the webhooks stay there

        // Another call log, the same journal file: refused, naming the journal's database.
        ServiceHarness stranger;
        QVERIFY(!stranger.startService(journal));
        QVERIFY2(stranger.serviceOutput().contains(QLatin1String("--journal: ")) &&
                     stranger.serviceOutput().contains(owner.databaseUrl()),
                 qPrintable(stranger.serviceOutput()));
        auto strangerDb = open(stranger, QStringLiteral("journal-stranger"));
        QSqlQuery events(strangerDb->connection());
        QVERIFY(events.exec(QStringLiteral("SELECT COUNT(*) FROM call_events")) && events.next());
        QCOMPARE(events.value(0).toInt(), 0);
        events.finish();

        // Its own database takes them once it is back.
        QVERIFY(lock.exec(QStringLiteral("COMMIT")));
        QVERIFY(owner.startService(journal));
        int acknowledged = 0;
        QString missing;
        QTRY_VERIFY_WITH_TIMEOUT(
            (missing = missingAcknowledged(owner, call.standardOutput, &acknowledged)).isEmpty(),
            10000);
        QVERIFY(acknowledged >= 3);
        ReliabilityLog::record(
            QStringLiteral("fault"),
            QStringLiteral("a service stopped with webhooks in its journal; another service given "
                           "that journal and another database (%1)")
                .arg(holder->dialect().isSqlite() ? QStringLiteral("SQLite")
                                                  : QStringLiteral("PostgreSQL")),
            QStringLiteral("refused to start, naming the journal's database; nothing written to "
                           "the other call log; the %1 webhooks replayed into their own once it "
                           "was back")
                .arg(acknowledged));
    }

    void journalEntryCutShortLosesNothingAfterIt()
    {
        // A crash in the middle of an append (or a full disk) left the journal's last line
        // unfinished. Then the database is locked, webhooks are journaled and acknowledged, and
        // the service is killed: once the database is back, every one of them is in the log.
        ServiceHarness harness;
        const QString journalPath = harness.folder() + QStringLiteral("/torn.jsonl");
        {
            QFile journal(journalPath);
            QVERIFY(journal.open(QIODevice::WriteOnly));
            journal.write("{\"database\":\"" + harness.databaseUrl().toUtf8() +
                          "\",\"forward_to\":\"\",\"kind\":\"status\",\"params\":[["
                          "\"CallSid\",\"CA");
        }
        const QStringList journal{QStringLiteral("--journal"), journalPath,
                                  QStringLiteral("--database-timeout-ms"), QStringLiteral("200")};
        QVERIFY(harness.startService(journal));
        auto holder = open(harness, QStringLiteral("torn-lock-holder"));
        QSqlQuery lock(holder->connection());
        QVERIFY(lockOutWriters(*holder, lock));
        const auto call = harness.runSim({QStringLiteral("--calls"), QStringLiteral("1"),
                                          QStringLiteral("--press"), QStringLiteral("1"),
                                          QStringLiteral("--json")});
        QVERIFY2(call.exitCode == 0, qPrintable(call.output)); // answered from the journal
        ::kill(pid_t(harness.service()->processId()), SIGKILL);
        harness.service()->waitForFinished(2000);

        QVERIFY(lock.exec(QStringLiteral("COMMIT")));
        QVERIFY(harness.startService(journal));
        int acknowledged = 0;
        QString missing;
        QTRY_VERIFY_WITH_TIMEOUT(
            (missing = missingAcknowledged(harness, call.standardOutput, &acknowledged)).isEmpty(),
            15000);
        QVERIFY(acknowledged >= 3);
        QTRY_COMPARE_WITH_TIMEOUT(QFileInfo(journalPath).size(), 0, 15000); // replayed: cleared
        QVERIFY2(harness.serviceOutput().contains(QLatin1String("cut short")),
                 qPrintable(harness.serviceOutput()));
        ReliabilityLog::record(
            QStringLiteral("fault"),
            QStringLiteral("the journal's last entry cut short by a crash; the database locked "
                           "during a call; kill -9; the lock released and the service restarted "
                           "(%1)")
                .arg(holder->dialect().isSqlite() ? QStringLiteral("SQLite")
                                                  : QStringLiteral("PostgreSQL")),
            QStringLiteral("the unfinished entry cut off at start; the %1 acknowledged webhooks "
                           "journaled after it replayed, and the journal cleared")
                .arg(acknowledged));
    }

    void killedMidLoadLosesNothing()
    {
        ServiceHarness harness;
        QVERIFY(harness.startService());
        // A fresh load for each kill: while the service is down the simulator's calls fail
        // fast, so one long load could be over before the third kill.
        constexpr int kKills = 3;
        // The kill comes with this load's first logged webhooks, a fraction of a second in:
        // room for that many times over, and the load ends soon after the restart.
        constexpr int kCalls = 200;
        int acknowledged = 0;
        for (int kill = 1; kill <= kKills; ++kill) {
            const int loggedBefore = loggedEvents(harness);
            QProcess *sim = harness.startSim({QStringLiteral("--calls"), QString::number(kCalls),
                                              QStringLiteral("--concurrency"), QStringLiteral("8"),
                                              QStringLiteral("--mix"), QStringLiteral("--json"),
                                              QStringLiteral("--no-wait-downloads")});
            // Started, so that the state checked below is the load's, not the process start's.
            QVERIFY(sim && sim->waitForStarted(10000));
            // The kill lands mid-load: once this load's webhooks are being written, and before
            // the simulator is done with its calls.
            QTRY_VERIFY_WITH_TIMEOUT(loggedEvents(harness) > loggedBefore, 30000);
            QCOMPARE(sim->state(), QProcess::Running);
            ::kill(pid_t(harness.service()->processId()), SIGKILL);
            QVERIFY(harness.service()->waitForFinished(10000));
            QVERIFY(harness.startService());
            QVERIFY(sim->state() == QProcess::NotRunning || sim->waitForFinished(120000));
            int answered = 0;
            const QString missing =
                missingAcknowledged(harness, sim->readAllStandardOutput(), &answered);
            QVERIFY2(missing.isEmpty(), qPrintable(missing));
            QVERIFY(answered > 0);
            acknowledged += answered;
        }
        ReliabilityLog::record(
            QStringLiteral("fault"),
            QStringLiteral("kill -9 of the service %1 times, each during a load of %2 calls; "
                           "restarted each time")
                .arg(kKills)
                .arg(kCalls),
            QStringLiteral("all %1 webhooks that got a 2xx are in the log").arg(acknowledged));
    }

    void pendingDownloadsResumeAfterARestart()
    {
        ServiceHarness harness;
        const QStringList patient{QStringLiteral("--download-attempts"), QStringLiteral("100")};
        QVERIFY(harness.startService(patient));
        // "Twilio" answers 500 to every download, then goes away with the simulator.
        const ServiceHarness::SimResult sim = harness.runSim(
            {QStringLiteral("--press"), QStringLiteral("2"), QStringLiteral("--voicemail-seconds"),
             QStringLiteral("3"), QStringLiteral("--fail-downloads"), QStringLiteral("1000"),
             QStringLiteral("--no-wait-downloads"), QStringLiteral("--json")});
        QCOMPARE(sim.exitCode, 0);
        const QJsonObject call =
            QJsonDocument::fromJson(sim.standardOutput).array().first().toObject();
        const QString callSid = call[QStringLiteral("call_sid")].toString();
        const QString recordingSid =
            call[QStringLiteral("recording")][QStringLiteral("sid")].toString();
        QVERIFY(!recordingSid.isEmpty());
        harness.stopService();
        {
            auto db = open(harness, QStringLiteral("resume-before"));
            CallReader reader(*db);
            QCOMPARE(reader.call(callSid)->voicemail->downloadState, DownloadState::Pending);
        }

        // Twilio is back; so is the service, which picks up where it left off.
        MediaServer media(ServiceHarness::accountSid, ServiceHarness::authToken.toUtf8());
        QVERIFY(media.listen(QHostAddress::LocalHost, harness.mediaPort()));
        media.addRecording(recordingSid, 3);
        QVERIFY(harness.startService(patient));
        QElapsedTimer waited;
        waited.start();
        QTRY_VERIFY_WITH_TIMEOUT(media.allFetched(), 30000);
        QVERIFY(harness.waitForDownloads());
        auto db = open(harness, QStringLiteral("resume-after"));
        CallReader reader(*db);
        QCOMPARE(reader.voicemailAudio(callSid), Wav::tone(3));
        ReliabilityLog::record(
            QStringLiteral("fault"),
            QStringLiteral("the recording host failing every download, then the service restarted"),
            QStringLiteral("the voicemail stayed pending; after the restart it was fetched (%1 ms) "
                           "and stored byte for byte")
                .arg(waited.elapsed()));
    }

    void sigtermFinishesWhatIsInFlight()
    {
        ServiceHarness harness;
        QVERIFY(harness.startService());
        const FormData params{
            {QStringLiteral("AccountSid"), ServiceHarness::accountSid},
            {QStringLiteral("CallSid"), QStringLiteral("CA00000000000000000000000000000042")},
            {QStringLiteral("CallStatus"), QStringLiteral("ringing")},
            {QStringLiteral("From"), QStringLiteral("+14155550100")}};
        const QByteArray body = params.encode();
        const QByteArray signature = RequestSignature::compute(
            ServiceHarness::authToken.toUtf8(),
            harness.serviceUrl() + QStringLiteral("/twilio/voice"), params);
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, QUrl(harness.serviceUrl()).port());
        QVERIFY(client.waitForConnected(10000));
        // The service's "100 Continue" says it has read the head: the request is in flight.
        client.write("POST /twilio/voice HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     "application/x-www-form-urlencoded\r\nX-Twilio-Signature: " +
                     signature + "\r\nExpect: 100-continue\r\nContent-Length: " +
                     QByteArray::number(body.size()) + "\r\n\r\n" + body.left(10));
        QByteArray answer;
        QTRY_VERIFY_WITH_TIMEOUT((answer += client.readAll()).contains("\r\n\r\n"), 10000);
        QVERIFY2(answer.startsWith("HTTP/1.1 100 Continue\r\n\r\n"), answer.constData());
        answer.remove(0, qstrlen("HTTP/1.1 100 Continue\r\n\r\n"));

        QElapsedTimer stopping;
        stopping.start();
        ::kill(pid_t(harness.service()->processId()), SIGTERM);
        QTRY_VERIFY2_WITH_TIMEOUT(refusesConnections(harness), "no new connections once stopping",
                                  10000);

        client.write(body.mid(10)); // the request in flight is still answered
        while (!answer.contains("</Response>") && client.waitForReadyRead(10000))
            answer += client.readAll();
        QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
        QVERIFY(harness.service()->waitForFinished(30000));
        QCOMPARE(harness.service()->exitStatus(), QProcess::NormalExit);
        QCOMPARE(harness.service()->exitCode(), 0);
        auto db = open(harness, QStringLiteral("sigterm-check"));
        QSqlQuery query(db->connection());
        QVERIFY(query.exec(QStringLiteral("SELECT COUNT(*) FROM call_events")) && query.next());
        QCOMPARE(query.value(0).toInt(), 1);
        ReliabilityLog::record(
            QStringLiteral("fault"), QStringLiteral("SIGTERM with a request half received"),
            QStringLiteral("stopped accepting, answered it (200, logged), exit 0 after %1 ms")
                .arg(stopping.elapsed()));
    }
};

QTEST_GUILESS_MAIN(TestResilience)
#include "TestResilience.moc"
