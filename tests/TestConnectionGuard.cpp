#include "db/Database.h"
#include "ProcessStatus.h"
#include "ReliabilityLog.h"
#include "ServiceHarness.h"
#include "twilio/RequestSignature.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <sys/resource.h>
#include <unistd.h>

using namespace Switchboard;
using Switchboard::Testing::ReliabilityLog;
using Switchboard::Testing::ServiceHarness;

// How much resident memory the service may gain while holding many connections. Under
// AddressSanitizer every allocation carries redzones and shadow memory: some three times more.
#ifdef SWITCHBOARD_SANITIZED
constexpr qint64 kMemoryBoundKiB = 4 * 64 * 1024;
#else
constexpr qint64 kMemoryBoundKiB = 64 * 1024;
#endif

// The limits the service puts in front of QHttpServer, tried with raw sockets against the real
// binary, as a hostile client on the internet would.
class TestConnectionGuard final : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServiceHarness> m_harness;
    qsizetype m_logStart = 0; // where the running service's log begins in serviceOutput()

    // Starts the service, logging the connections it counts, and waits until the harness's own
    // /healthz check has left it: a client is connected (by the kernel) a moment before the
    // service counts it, and a closed one is let go a moment after.
    bool startService(const QStringList &args)
    {
        m_harness->setServicePrefix(
            {QStringLiteral("env"), QStringLiteral("QT_LOGGING_RULES=switchboard.webhook.info="
                                                   "false;switchboard.webhook.debug=true")});
        m_logStart = m_harness->serviceOutput().size();
        return m_harness->startService(args) &&
               QTest::qWaitFor([this] { return openConnections() == 0; }, 10000);
    }

    // The connections the service counts, as it last logged them; -1 before it logged any.
    int openConnections() const
    {
        static const QRegularExpression count(QStringLiteral("connections: (\\d+) open"));
        int open = -1;
        QRegularExpressionMatchIterator it =
            count.globalMatch(m_harness->serviceOutput().mid(m_logStart));
        while (it.hasNext())
            open = it.next().captured(1).toInt();
        return open;
    }

    std::unique_ptr<QTcpSocket> connectToService()
    {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, QUrl(m_harness->serviceUrl()).port());
        socket->waitForConnected(2000);
        return socket;
    }

    // Reads until the peer closes or `timeoutMs` pass; returns what arrived.
    static QByteArray readUntilClosed(QTcpSocket &socket, int timeoutMs)
    {
        QByteArray received;
        QElapsedTimer timer;
        timer.start();
        while (socket.state() == QAbstractSocket::ConnectedState && !timer.hasExpired(timeoutMs)) {
            socket.waitForReadyRead(50);
            received += socket.readAll();
        }
        return received + socket.readAll();
    }

    static QByteArray statusLine(const QByteArray &response)
    {
        return response.left(response.indexOf("\r\n"));
    }

    // Whether `received` holds a whole response: its head, and as much body as it announced.
    static bool holdsWholeResponse(const QByteArray &received)
    {
        const qsizetype headEnd = received.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return false;
        qsizetype bodySize = 0;
        for (const QByteArray &line : received.left(headEnd).split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().toLower() == "content-length")
                bodySize = line.mid(colon + 1).trimmed().toLongLong();
        }
        return received.size() - (headEnd + 4) >= bodySize;
    }

    // Reads until one whole response arrived, the peer closed, or `timeoutMs` passed; returns
    // what arrived. The service keeps a connection open after answering (until its idle
    // timeout), so waiting for the close would only wait out that timeout.
    static QByteArray readResponse(QTcpSocket &socket, int timeoutMs)
    {
        QByteArray received;
        QElapsedTimer timer;
        timer.start();
        while (!holdsWholeResponse(received) && !timer.hasExpired(timeoutMs)) {
            if (socket.state() != QAbstractSocket::ConnectedState && socket.bytesAvailable() == 0)
                break;
            socket.waitForReadyRead(50);
            received += socket.readAll();
        }
        return received + socket.readAll();
    }

    int callsLogged()
    {
        QString error;
        Database db(*DatabaseUrl::parse(m_harness->databaseUrl(), &error),
                    QStringLiteral("guard-reader"));
        db.open(&error);
        QSqlQuery query(db.connection());
        return query.exec(QStringLiteral("SELECT COUNT(*) FROM call_events")) && query.next()
                   ? query.value(0).toInt()
                   : -1;
    }

    qint64 serviceRssKiB() const { return Testing::residentKiB(m_harness->service()->processId()); }

    QByteArray exchange(const QByteArray &request, int timeoutMs = 3000)
    {
        auto socket = connectToService();
        socket->write(request);
        return readResponse(*socket, timeoutMs);
    }

    bool healthzAnswers()
    {
        return statusLine(exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: "
                                   "close\r\n\r\n")) == "HTTP/1.1 200 OK";
    }

    // A /twilio/voice webhook signed as Twilio signs it, for a call of its own.
    QByteArray signedWebhook(int call) const
    {
        const QByteArray body = "AccountSid=" + ServiceHarness::accountSid.toUtf8() +
                                "&CallSid=CA" +
                                QByteArray::number(call, 16).rightJustified(32, '0') +
                                "&CallStatus=ringing&From=%2B14155550100&To=%2B14155550199";
        const QByteArray signature = RequestSignature::compute(
            ServiceHarness::authToken.toUtf8(),
            m_harness->serviceUrl() + QStringLiteral("/twilio/voice"), FormData::decode(body));
        return "POST /twilio/voice HTTP/1.1\r\nHost: x\r\nContent-Type: "
               "application/x-www-form-urlencoded\r\nX-Twilio-Signature: " +
               signature + "\r\nContent-Length: " + QByteArray::number(body.size()) +
               "\r\nConnection: close\r\n\r\n" + body;
    }

    // From 127.0.0.1 unless told otherwise.
    std::unique_ptr<QTcpSocket> connectFrom(const QHostAddress &from)
    {
        auto socket = std::make_unique<QTcpSocket>();
        socket->bind(from);
        socket->connectToHost(QHostAddress::LocalHost, QUrl(m_harness->serviceUrl()).port());
        socket->waitForConnected(2000);
        return socket;
    }

    // Reads until `count` answers (status lines) arrived, the peer closed, or `timeoutMs` passed.
    static QList<QByteArray> readAnswers(QTcpSocket &socket, int count, int timeoutMs)
    {
        QByteArray received;
        QElapsedTimer timer;
        timer.start();
        while (received.count("HTTP/1.1 ") < count && !timer.hasExpired(timeoutMs)) {
            if (socket.state() != QAbstractSocket::ConnectedState && socket.bytesAvailable() == 0)
                break;
            socket.waitForReadyRead(50);
            received += socket.readAll();
        }
        QList<QByteArray> answers;
        for (qsizetype at = received.indexOf("HTTP/1.1 "); at >= 0;
             at = received.indexOf("HTTP/1.1 ", at + 1))
            answers.append(received.mid(at, received.indexOf("\r\n", at) - at));
        return answers;
    }

    // The service's processor time so far (user and system), from /proc.
    qint64 serviceCpuMs()
    {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(m_harness->service()->processId()));
        if (!stat.open(QIODevice::ReadOnly))
            return -1;
        const QByteArray line = stat.readAll();
        // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (fields.size() < 13)
            return -1;
        return (fields[11].toLongLong() + fields[12].toLongLong()) * 1000 / sysconf(_SC_CLK_TCK);
    }

    // Why /healthz went unanswered: whether the service is still there.
    QByteArray serviceState() const
    {
        QProcess *service = m_harness->service();
        service->waitForFinished(500);
        if (service->state() == QProcess::Running)
            return "running, but /healthz went unanswered";
        return service->exitStatus() == QProcess::CrashExit
                   ? QByteArray("the service crashed")
                   : "the service exited with " + QByteArray::number(service->exitCode());
    }

    using Crowd = std::vector<std::unique_ptr<QTcpSocket>>;

    // Sends each request on a connection of its own, all at once; returns each answer's status
    // line once every connection has a whole answer or is closed (or `timeoutMs` passed).
    QList<QByteArray> exchangeAll(const QList<QByteArray> &requests, int timeoutMs = 10000)
    {
        Crowd sockets;
        QList<QByteArray> received(requests.size());
        for (qsizetype i = 0; i < requests.size(); ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            QTcpSocket *raw = socket.get();
            connect(raw, &QTcpSocket::connected, raw,
                    [raw, request = requests[i]] { raw->write(request); });
            connect(raw, &QTcpSocket::readyRead, raw,
                    [raw, &answer = received[i]] { answer += raw->readAll(); });
            raw->connectToHost(QHostAddress::LocalHost, QUrl(m_harness->serviceUrl()).port());
            sockets.push_back(std::move(socket));
        }
        QElapsedTimer timer;
        timer.start();
        const auto waiting = [&sockets, &received] {
            for (std::size_t i = 0; i < sockets.size(); ++i) {
                if (sockets[i]->state() != QAbstractSocket::UnconnectedState &&
                    !holdsWholeResponse(received[qsizetype(i)]))
                    return true;
            }
            return false;
        };
        while (waiting() && !timer.hasExpired(timeoutMs))
            QTest::qWait(10);
        for (QByteArray &answer : received)
            answer = statusLine(answer);
        return received;
    }

    // `count` connections opened at once, each sending `first` (nothing when empty) as soon as
    // it is connected; the event loop drives them.
    Crowd openCrowd(int count, const QByteArray &first)
    {
        Crowd crowd;
        for (int i = 0; i < count; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            QTcpSocket *raw = socket.get();
            if (!first.isEmpty())
                connect(raw, &QTcpSocket::connected, raw, [raw, first] { raw->write(first); });
            raw->connectToHost(QHostAddress::LocalHost, QUrl(m_harness->serviceUrl()).port());
            crowd.push_back(std::move(socket));
        }
        return crowd;
    }

    static int stillConnected(const Crowd &crowd)
    {
        return int(std::count_if(crowd.cbegin(), crowd.cend(), [](const auto &socket) {
            return socket->state() != QAbstractSocket::UnconnectedState;
        }));
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Crowds of a thousand connections: this process and the service it starts need a
        // descriptor for each.
        rlimit files{};
        QVERIFY(getrlimit(RLIMIT_NOFILE, &files) == 0);
        files.rlim_cur = files.rlim_max;
        QVERIFY(setrlimit(RLIMIT_NOFILE, &files) == 0);
        QVERIFY2(files.rlim_cur >= 4096, "the tests need 4,096 open files");
    }

    void init()
    {
        m_harness = std::make_unique<ServiceHarness>();
        QVERIFY(startService({QStringLiteral("--request-timeout-ms"), QStringLiteral("1000"),
                              QStringLiteral("--idle-timeout-ms"), QStringLiteral("1500"),
                              QStringLiteral("--max-connections"), QStringLiteral("16")}));
    }

    void cleanup() { m_harness.reset(); }

    void bodyOver64KiBIsRefusedBeforeItIsRead()
    {
        const QByteArray response =
            exchange("POST /twilio/voice HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     "application/x-www-form-urlencoded\r\n"
                     "Content-Length: 65537\r\n\r\n" +
                     QByteArray(1000, 'a'));
        QCOMPARE(statusLine(response), QByteArray("HTTP/1.1 413 Payload Too Large"));
        QCOMPARE(callsLogged(), 0);
        ReliabilityLog::record(QStringLiteral("limits"),
                               QStringLiteral("a 65,537-byte body on /twilio/voice"),
                               QStringLiteral("413 before the body is read; nothing written"));
    }

    void requestLineTooLong()
    {
        const QByteArray response = exchange("POST /twilio/voice?" + QByteArray(9000, 'q') +
                                             " HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(statusLine(response), QByteArray("HTTP/1.1 414 URI Too Long"));
        ReliabilityLog::record(QStringLiteral("limits"),
                               QStringLiteral("a 9,000-byte request line"), QStringLiteral("414"));
    }

    void headersTooLarge()
    {
        const QByteArray response = exchange(
            "POST /twilio/voice HTTP/1.1\r\nHost: x\r\nX-Filler: " + QByteArray(17000, 'h') +
            "\r\n\r\n");
        QCOMPARE(statusLine(response), QByteArray("HTTP/1.1 431 Request Header Fields Too Large"));
        ReliabilityLog::record(QStringLiteral("limits"), QStringLiteral("17 KB of headers"),
                               QStringLiteral("431"));
    }

    void chunkedBodyIsRefused()
    {
        const QByteArray response =
            exchange("POST /twilio/voice HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                     "chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        QCOMPARE(statusLine(response), QByteArray("HTTP/1.1 411 Length Required"));
        ReliabilityLog::record(QStringLiteral("limits"), QStringLiteral("a chunked body"),
                               QStringLiteral("411"));
    }

    void expectContinueIsAnsweredAtOnce()
    {
        auto socket = connectToService();
        QElapsedTimer timer;
        timer.start();
        socket->write("POST /twilio/voice HTTP/1.1\r\nHost: x\r\nContent-Type: "
                      "application/x-www-form-urlencoded\r\n"
                      "Content-Length: 9\r\nExpect: 100-continue\r\n\r\n");
        QByteArray received;
        // The body is held back until the answer: QHttpServer alone never sends one, so it can
        // only come from the guard, whatever the machine's speed.
        while (!received.contains("\r\n\r\n") && !timer.hasExpired(10000)) {
            socket->waitForReadyRead(20);
            received += socket->readAll();
        }
        QCOMPARE(statusLine(received), QByteArray("HTTP/1.1 100 Continue"));
        ReliabilityLog::record(
            QStringLiteral("limits"), QStringLiteral("Expect: 100-continue"),
            QStringLiteral("100 Continue after %1 ms (QHttpServer alone stalls 1 s)")
                .arg(timer.elapsed()));
        socket->write("CallSid=x");
        socket->waitForReadyRead(2000);
        received = socket->readAll();
        QCOMPARE(statusLine(received),
                 QByteArray("HTTP/1.1 403 Forbidden")); // unsigned: refused, but answered
    }

    void slowClientIsClosed()
    {
        auto socket = connectToService();
        socket->write("POST /twilio/voice HTTP/1.1\r\nHost: x\r\n");
        QElapsedTimer timer;
        timer.start();
        QByteArray received;
        // A slowloris client: one header line now and then, never the end of the head.
        while (socket->state() == QAbstractSocket::ConnectedState && !timer.hasExpired(30000)) {
            socket->write("X-Slow: 1\r\n");
            socket->waitForReadyRead(200);
            received += socket->readAll();
        }
        QVERIFY2(socket->state() != QAbstractSocket::ConnectedState,
                 "a slow client must be closed after the request timeout");
        QCOMPARE(statusLine(received), QByteArray("HTTP/1.1 408 Request Timeout"));
        ReliabilityLog::record(
            QStringLiteral("limits"),
            QStringLiteral("a slowloris client (a header line every 200 ms, never the end)"),
            QStringLiteral("408 and closed after %1 ms (request timeout 1 s in the test)")
                .arg(timer.elapsed()));
    }

    void idleConnectionIsClosed()
    {
        auto socket = connectToService();
        socket->write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        const QByteArray received = readUntilClosed(*socket, 4000);
        QCOMPARE(statusLine(received), QByteArray("HTTP/1.1 200 OK"));
        QCOMPARE(socket->state(), QAbstractSocket::UnconnectedState);
        ReliabilityLog::record(QStringLiteral("limits"),
                               QStringLiteral("an idle kept-alive connection"),
                               QStringLiteral("closed after the idle timeout"));
    }

    void connectionsAreCapped()
    {
        m_harness->stopService();
        QVERIFY(startService({QStringLiteral("--request-timeout-ms"), QStringLiteral("10000"),
                              QStringLiteral("--max-connections"), QStringLiteral("16")}));
        std::vector<std::unique_ptr<QTcpSocket>> held;
        for (int i = 0; i < 16; ++i) {
            held.push_back(connectToService());
            // Answered (so the service has counted it), then in the middle of a request: none
            // of them is idle, so none may be closed to make room.
            held.back()->write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz "
                               "HTTP/1.1\r\n");
            QCOMPARE(readAnswers(*held.back(), 1, 3000), QList<QByteArray>{"HTTP/1.1 200 OK"});
        }
        auto extra = connectToService();
        QCOMPARE(statusLine(readUntilClosed(*extra, 2000)),
                 QByteArray("HTTP/1.1 503 Service Unavailable"));
        ReliabilityLog::record(QStringLiteral("limits"),
                               QStringLiteral("one connection more than --max-connections, all "
                                              "in a request"),
                               QStringLiteral("503; served again once the others closed"));
        held.clear();
        QTRY_VERIFY_WITH_TIMEOUT(healthzAnswers(), 3000);
    }

    void wrongMethodAndUnknownRoute()
    {
        const QByteArray wrong =
            exchange("GET /twilio/voice HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QCOMPARE(statusLine(wrong), QByteArray("HTTP/1.1 405 Method Not Allowed"));
        QVERIFY(wrong.contains("Allow: POST"));
        ReliabilityLog::record(QStringLiteral("limits"),
                               QStringLiteral("GET on a webhook route; an unknown route"),
                               QStringLiteral("405 with Allow: POST; 404"));
        QCOMPARE(statusLine(exchange("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: "
                                     "0\r\nConnection: close\r\n\r\n")),
                 QByteArray("HTTP/1.1 405 Method Not Allowed"));
        QCOMPARE(
            statusLine(exchange("GET /admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
            QByteArray("HTTP/1.1 404 Not Found"));
    }

    // Many clients each holding a nearly full request open: the service's memory stays bounded
    // by the connection cap times the per-request limit, and it recovers when they go.
    void memoryStaysBoundedUnderAFlood()
    {
        m_harness->stopService();
        QVERIFY(
            startService({QStringLiteral("--request-timeout-ms"), QStringLiteral("3000"),
                          QStringLiteral("--max-connections-per-address"), QStringLiteral("512")}));
        const qint64 before = serviceRssKiB();
        std::vector<std::unique_ptr<QTcpSocket>> flood;
        for (int i = 0; i < 400; ++i) {
            auto socket = connectToService();
            socket->write(
                "POST /twilio/voice HTTP/1.1\r\nHost: x\r\nContent-Length: 65536\r\n\r\n" +
                QByteArray(60000, 'f'));
            flood.push_back(std::move(socket));
        }
        for (auto &socket : flood)
            socket->waitForBytesWritten(100);
        QTest::qWait(500);
        const qint64 during = serviceRssKiB();
        qInfo("service RSS: %lld KiB before, %lld KiB with 400 clients holding 60 KB requests",
              before, during);
        QVERIFY2(during - before < kMemoryBoundKiB,
                 "400 held requests must not cost more than 64 MiB (more under ASan)");
        ReliabilityLog::record(
            QStringLiteral("limits"),
            QStringLiteral("400 clients each holding a 60 KB request open"),
            QStringLiteral("resident size %1 MiB before, %2 MiB during; served again afterwards")
                .arg(before / 1024)
                .arg(during / 1024));
        flood.clear();
        QTRY_VERIFY_WITH_TIMEOUT(
            statusLine(exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) ==
                "HTTP/1.1 200 OK",
            5000);
    }
    // Hundreds of connections reaching their timeouts in the same sweep, next to idle
    // kept-alive connections and signed webhooks in flight: the guard closes each of them
    // (closing one used to move the others under its feet and crash the service).
    void manyConnectionsExpireTogether()
    {
        m_harness->stopService();
        QVERIFY(
            startService({QStringLiteral("--request-timeout-ms"), QStringLiteral("1000"),
                          QStringLiteral("--idle-timeout-ms"), QStringLiteral("1000"),
                          QStringLiteral("--max-connections"), QStringLiteral("4000"),
                          QStringLiteral("--max-connections-per-address"), QStringLiteral("4000"),
                          QStringLiteral("--http-threads"), QStringLiteral("1")}));
        const qint64 before = serviceRssKiB();
        Crowd slow = openCrowd(300, "POST /twilio/voice HTTP/1.1\r\nHost: x\r\n");
        Crowd silent = openCrowd(400, {});
        Crowd keptAlive = openCrowd(50, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QTimer dribble; // a header line now and then, never the end of the head
        dribble.setInterval(300);
        connect(&dribble, &QTimer::timeout, this, [&slow] {
            for (const auto &socket : slow) {
                if (socket->state() == QAbstractSocket::ConnectedState)
                    socket->write("X-Slow: 1\r\n");
            }
        });
        dribble.start();
        qint64 peak = 0;
        int webhooksAnswered = 0;
        int call = 0;
        QElapsedTimer watched;
        watched.start();
        // Until every crowd is closed, for three seconds and twenty webhooks at least (their
        // timeouts are one second):
        // the service must keep answering webhooks and /healthz.
        while ((stillConnected(slow) + stillConnected(silent) + stillConnected(keptAlive) > 0 ||
                !watched.hasExpired(3000) || call < 20) &&
               !watched.hasExpired(20000)) {
            QList<QByteArray> webhooks;
            for (int i = 0; i < 4; ++i)
                webhooks.append(signedWebhook(++call));
            for (const QByteArray &answer : exchangeAll(webhooks)) {
                if (answer == "HTTP/1.1 200 OK")
                    ++webhooksAnswered;
                else
                    qWarning() << "webhook answered" << answer;
            }
            QVERIFY2(healthzAnswers(), serviceState().constData());
            peak = qMax(peak, serviceRssKiB());
            QTest::qWait(100);
        }
        QCOMPARE(stillConnected(slow) + stillConnected(silent) + stillConnected(keptAlive), 0);
        QCOMPARE(webhooksAnswered, call);
        QVERIFY2(healthzAnswers(), serviceState().constData());
        qInfo("service RSS: %lld KiB before, %lld KiB at most; %d signed webhooks answered", before,
              peak, webhooksAnswered);
        QVERIFY2(peak - before < kMemoryBoundKiB,
                 "750 connections must not cost more than 64 MiB (more under ASan)");
        ReliabilityLog::record(
            QStringLiteral("limits"),
            QStringLiteral("300 slow, 400 silent and 50 idle kept-alive connections expiring in "
                           "the same sweep, signed webhooks in flight (one HTTP thread)"),
            QStringLiteral("all closed; %1 webhooks answered 200 and /healthz 200 throughout; "
                           "resident size %2 MiB before, %3 MiB at most")
                .arg(webhooksAnswered)
                .arg(before / 1024)
                .arg(peak / 1024));
    }

    // Crowds one after another: each is closed at its timeout and the service answers after.
    void slowAndSilentCrowdsAreClosed_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<QByteArray>("first");
        const QByteArray slowHead = "POST /twilio/voice HTTP/1.1\r\nHost: x\r\n";
        QTest::newRow("300 slow clients") << 300 << slowHead;
        QTest::newRow("1,000 slow clients") << 1000 << slowHead;
        QTest::newRow("400 silent clients") << 400 << QByteArray();
    }

    void slowAndSilentCrowdsAreClosed()
    {
        QFETCH(int, count);
        QFETCH(QByteArray, first);
        m_harness->stopService();
        QVERIFY(startService({QStringLiteral("--request-timeout-ms"), QStringLiteral("1000"),
                              QStringLiteral("--idle-timeout-ms"), QStringLiteral("1000"),
                              QStringLiteral("--max-connections"), QStringLiteral("2000"),
                              QStringLiteral("--max-connections-per-address"),
                              QStringLiteral("2000")}));
        const qint64 before = serviceRssKiB();
        Crowd crowd = openCrowd(count, first);
        QTimer dribble;
        dribble.setInterval(300);
        connect(&dribble, &QTimer::timeout, this, [&crowd, &first] {
            for (const auto &socket : crowd) {
                if (!first.isEmpty() && socket->state() == QAbstractSocket::ConnectedState)
                    socket->write("X-Slow: 1\r\n");
            }
        });
        dribble.start();
        qint64 peak = 0;
        QElapsedTimer watched;
        watched.start();
        while (stillConnected(crowd) > 0 && !watched.hasExpired(20000)) {
            QVERIFY2(healthzAnswers(), serviceState().constData());
            peak = qMax(peak, serviceRssKiB());
            QTest::qWait(100);
        }
        QCOMPARE(stillConnected(crowd), 0);
        QVERIFY2(healthzAnswers(), serviceState().constData());
        QVERIFY2(peak - before < kMemoryBoundKiB, qPrintable(QString::number(peak - before)));
        ReliabilityLog::record(
            QStringLiteral("limits"),
            QStringLiteral("%1 %2 clients at once")
                .arg(count)
                .arg(first.isEmpty() ? "silent" : "slow"),
            QStringLiteral("all closed at the timeout; /healthz 200 throughout; resident size "
                           "%1 MiB before, %2 MiB at most")
                .arg(before / 1024)
                .arg(peak / 1024));
    }

    // Requests QHttpServer's lenient parser could frame differently from the guard: each is
    // refused before QHttpServer acts on it.
    void ambiguousFramingIsRefused_data()
    {
        QTest::addColumn<QByteArray>("request");
        const QByteArray post = "POST /twilio/voice HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                "application/x-www-form-urlencoded\r\n";
        QTest::newRow("folded Transfer-Encoding")
            << post + "Transfer-Encoding:\r\n chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        QTest::newRow("folded Content-Length over the limit")
            << post + "Content-Length:\r\n 72036\r\n\r\n" + QByteArray(1000, 'a');
        QTest::newRow("folded header after a tab") << post + "X-A: 1\r\n\tmore\r\n\r\n";
        QTest::newRow("bare LF line ends") << QByteArray("GET /healthz HTTP/1.1\nHost: x\n\n");
        QTest::newRow("one bare LF in the head")
            << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\nX-A: 1\r\n\r\n");
        QTest::newRow("a CR inside a header line")
            << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\r2\r\n\r\n");
        QTest::newRow("header name not a token")
            << post + "Bad Name: 1\r\nContent-Length: 5\r\n\r\nhello";
        QTest::newRow("space before the colon") << post + "Content-Length : 5\r\n\r\nhello";
        QTest::newRow("header line without a colon")
            << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n");
        QTest::newRow("Content-Length and Transfer-Encoding")
            << post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello";
        QTest::newRow("differing Content-Lengths")
            << post + "Content-Length: 5\r\nContent-Length: 50\r\n\r\nhello";
        QTest::newRow("repeated Content-Length")
            << post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello";
        QTest::newRow("signed Content-Length") << post + "Content-Length: +5\r\n\r\nhello";
        QTest::newRow("Content-Length not digits") << post + "Content-Length: 5 5\r\n\r\nhello";
        QTest::newRow("control character in a value")
            << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n");
        QTest::newRow("request line with two spaces")
            << QByteArray("GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    void ambiguousFramingIsRefused()
    {
        QFETCH(QByteArray, request);
        auto socket = connectToService();
        socket->write(request);
        const QByteArray received = readUntilClosed(*socket, 3000);
        QCOMPARE(statusLine(received), QByteArray("HTTP/1.1 400 Bad Request"));
        QCOMPARE(socket->state(), QAbstractSocket::UnconnectedState);
        ReliabilityLog::record(
            QStringLiteral("framing"),
            QStringLiteral("%1").arg(QString::fromLatin1(QTest::currentDataTag())),
            QStringLiteral("400 and closed, before QHttpServer reads it"));
    }

    // QHttpServer 6.4 drops every header of a request with a field over 8 KB or more than 100
    // fields, Content-Length included.
    void headersQHttpServerWouldDropAreRefused()
    {
        QCOMPARE(statusLine(exchange("POST /twilio/voice HTTP/1.1\r\nHost: x\r\nContent-Length: "
                                     "5\r\nX-Big: " +
                                     QByteArray(8200, 'b') + "\r\n\r\nhello")),
                 QByteArray("HTTP/1.1 431 Request Header Fields Too Large"));
        QByteArray fields;
        for (int i = 0; i < 101; ++i)
            fields += "X-F" + QByteArray::number(i) + ": 1\r\n";
        QCOMPARE(statusLine(exchange("POST /twilio/voice HTTP/1.1\r\nHost: x\r\nContent-Length: "
                                     "5\r\n" +
                                     fields + "\r\nhello")),
                 QByteArray("HTTP/1.1 431 Request Header Fields Too Large"));
        ReliabilityLog::record(QStringLiteral("framing"),
                               QStringLiteral("an 8,200-byte header field; 102 header fields"),
                               QStringLiteral("431 (QHttpServer would have dropped every header)"));
    }

    // Empty lines between requests belong to the next request: they cannot restart the idle
    // clock, and the request timeout closes a connection that sends nothing else.
    void emptyLinesDoNotKeepAConnectionAlive()
    {
        auto socket = connectToService();
        socket->write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(readAnswers(*socket, 1, 3000), QList<QByteArray>{"HTTP/1.1 200 OK"});
        QElapsedTimer timer;
        timer.start();
        QByteArray received;
        while (socket->state() == QAbstractSocket::ConnectedState && !timer.hasExpired(8000)) {
            socket->write("\r\n\r\n");
            socket->waitForReadyRead(300);
            received += socket->readAll();
        }
        QCOMPARE(socket->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(statusLine(received), QByteArray("HTTP/1.1 408 Request Timeout"));
        ReliabilityLog::record(
            QStringLiteral("framing"),
            QStringLiteral("CR LF CR LF every 300 ms on an idle connection"),
            QStringLiteral(
                "408 and closed after %1 ms (request timeout 1 s, idle 1.5 s in the test)")
                .arg(timer.elapsed()));
    }

    // One client address may hold --max-connections-per-address; another is still served.
    void oneAddressIsCappedAnotherIsServed()
    {
        m_harness->stopService();
        // Waits for the harness's /healthz connection (from 127.0.0.1 too) to be let go.
        QVERIFY(
            startService({QStringLiteral("--max-connections-per-address"), QStringLiteral("4")}));
        std::vector<std::unique_ptr<QTcpSocket>> held;
        for (int i = 0; i < 4; ++i) {
            held.push_back(connectToService());
            held.back()->write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
            QCOMPARE(readAnswers(*held.back(), 1, 10000), QList<QByteArray>{"HTTP/1.1 200 OK"});
        }
        auto over = connectToService();
        over->write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(statusLine(readUntilClosed(*over, 10000)),
                 QByteArray("HTTP/1.1 503 Service Unavailable"));
        auto other = connectFrom(QHostAddress(QStringLiteral("127.0.0.2")));
        QCOMPARE(other->state(), QAbstractSocket::ConnectedState);
        other->write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(readAnswers(*other, 1, 10000), QList<QByteArray>{"HTTP/1.1 200 OK"});
        ReliabilityLog::record(
            QStringLiteral("limits"),
            QStringLiteral("a fifth connection from one address (--max-connections-per-address 4)"),
            QStringLiteral("503; a connection from another address served"));
        held.clear();
        QTRY_VERIFY_WITH_TIMEOUT(healthzAnswers(), 5000);
    }

    // A reverse proxy carries everyone's connections from one address.
    void trustedProxyIsNotCappedPerAddress()
    {
        m_harness->stopService();
        QVERIFY(startService({QStringLiteral("--max-connections-per-address"), QStringLiteral("2"),
                              QStringLiteral("--trusted-proxy"), QStringLiteral("127.0.0.1")}));
        std::vector<std::unique_ptr<QTcpSocket>> held;
        for (int i = 0; i < 6; ++i) {
            held.push_back(connectToService());
            held.back()->write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
            QCOMPARE(readAnswers(*held.back(), 1, 3000), QList<QByteArray>{"HTTP/1.1 200 OK"});
        }
        ReliabilityLog::record(QStringLiteral("limits"),
                               QStringLiteral("six connections from a --trusted-proxy address "
                                              "(--max-connections-per-address 2)"),
                               QStringLiteral("all served"));
    }

    // With every connection taken by idle kept-alive ones, a new client is served: the
    // longest-idle connection is closed to make room.
    void idleConnectionsDoNotStarveANewClient()
    {
        // Only the newcomer may close one of them: not the idle timeout, which a loaded
        // machine can reach before all 16 have been answered one after another. One HTTP
        // thread: with several, the thread the newcomer is dealt to closes its own longest-idle
        // connection, which is the longest-idle of all only when the deal happens to fall so.
        m_harness->stopService();
        QVERIFY(startService({QStringLiteral("--idle-timeout-ms"), QStringLiteral("60000"),
                              QStringLiteral("--max-connections"), QStringLiteral("16"),
                              QStringLiteral("--http-threads"), QStringLiteral("1")}));
        std::vector<std::unique_ptr<QTcpSocket>> held;
        for (int i = 0; i < 16; ++i) {
            held.push_back(connectToService());
            held.back()->write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
            QCOMPARE(readAnswers(*held.back(), 1, 10000), QList<QByteArray>{"HTTP/1.1 200 OK"});
        }
        auto fresh = connectFrom(QHostAddress(QStringLiteral("127.0.0.2")));
        fresh->write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(readAnswers(*fresh, 1, 10000), QList<QByteArray>{"HTTP/1.1 200 OK"});
        QTRY_COMPARE_WITH_TIMEOUT(stillConnected(held), 15, 10000);
        QCOMPARE(held.front()->state(), QAbstractSocket::UnconnectedState); // the longest idle
        ReliabilityLog::record(
            QStringLiteral("limits"),
            QStringLiteral("a new client while 16 idle kept-alive connections fill "
                           "--max-connections 16"),
            QStringLiteral("served; the longest-idle connection was closed to make room"));
    }

    // A connection just opened may carry a request the service has not read yet (under load,
    // many are accepted before their first byte is read): a newcomer never closes one of them
    // to make room. It is refused, and each of them is then served.
    void newConnectionsAreNotClosedToMakeRoom()
    {
        // Silent connections stay (their requests come only after the newcomer's refusal).
        m_harness->stopService();
        QVERIFY(startService({QStringLiteral("--idle-timeout-ms"), QStringLiteral("60000"),
                              QStringLiteral("--max-connections"), QStringLiteral("16")}));
        std::vector<std::unique_ptr<QTcpSocket>> held;
        for (int i = 0; i < 16; ++i)
            held.push_back(connectToService());
        // Connected is not counted yet: the HTTP threads accept and count each in their turn,
        // and a newcomer on another thread could be counted before the last of them.
        QTRY_COMPARE_WITH_TIMEOUT(openConnections(), 16, 10000);
        auto fresh = connectFrom(QHostAddress(QStringLiteral("127.0.0.2")));
        fresh->write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(statusLine(readUntilClosed(*fresh, 10000)),
                 QByteArray("HTTP/1.1 503 Service Unavailable"));
        for (const auto &socket : held) {
            QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
            socket->write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
            QCOMPARE(readAnswers(*socket, 1, 10000), QList<QByteArray>{"HTTP/1.1 200 OK"});
        }
        ReliabilityLog::record(
            QStringLiteral("limits"),
            QStringLiteral("a new client while 16 connections just opened fill "
                           "--max-connections 16"),
            QStringLiteral("refused with 503; none of the 16 closed, each then served"));
    }

    // A request with the `close` connection option (RFC 9112, 9.6), or an HTTP/1.0 one, is its
    // connection's last: its answer says so, the service closes the connection after it, and a
    // request pipelined behind it is not answered. Any other connection stays for the next.
    void connectionCloseIsTheLastRequest_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<bool>("last");
        const QByteArray get = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
        QTest::newRow("Connection: close") << get + "Connection: close\r\n\r\n" << true;
        QTest::newRow("Connection: keep-alive,  Close")
            << get + "Connection: keep-alive,  Close\t\r\n\r\n"
            << true;
        QTest::newRow("Connection: te, then Connection: x-other ,CLOSE")
            << get + "Connection: te\r\nConnection: x-other ,CLOSE\r\n\r\n"
            << true;
        QTest::newRow("HTTP/1.0 and no Connection field")
            << QByteArray("GET /healthz HTTP/1.0\r\n\r\n") << true;
        QTest::newRow("HTTP/1.0 and Connection: keep-alive")
            << QByteArray("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << true;
        QTest::newRow("Connection: keep-alive") << get + "Connection: keep-alive\r\n\r\n" << false;
        QTest::newRow("no Connection field") << get + "\r\n" << false;
        QTest::newRow("Connection: closed") << get + "Connection: closed\r\n\r\n" << false;
        QTest::newRow("X-Connection: close") << get + "X-Connection: close\r\n\r\n" << false;
    }

    void connectionCloseIsTheLastRequest()
    {
        QFETCH(QByteArray, request);
        QFETCH(bool, last);
        auto socket = connectToService();
        socket->write(request + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        // Until the service closes it: at once after the last answer, else once idle (1.5 s).
        const QByteArray received = readUntilClosed(*socket, 10000);
        QCOMPARE(socket->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(received.count("HTTP/1.1 200 OK"), last ? 1 : 2);
        QCOMPARE(received.toLower().count("\r\nconnection: close\r\n"), last ? 1 : 0);
        ReliabilityLog::record(
            QStringLiteral("limits"),
            QStringLiteral("a request with %1, another pipelined behind it")
                .arg(QString::fromLatin1(QTest::currentDataTag())),
            last ? QStringLiteral("its answer with Connection: close, then closed by the service; "
                                  "the pipelined request unanswered")
                 : QStringLiteral("both answered; the connection kept until idle"));
    }

    // A request split across two sends after a pipelined one: the guard follows each byte once.
    void splitRequestAfterAPipelinedOne()
    {
        auto socket = connectToService();
        socket->write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz?" +
                      QByteArray(5000, 'a'));
        QCOMPARE(readAnswers(*socket, 1, 3000), QList<QByteArray>{"HTTP/1.1 200 OK"});
        QTest::qWait(200);
        socket->write(" HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(readAnswers(*socket, 1, 3000), QList<QByteArray>{"HTTP/1.1 200 OK"});
        QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
        ReliabilityLog::record(
            QStringLiteral("framing"),
            QStringLiteral("a 5 KB request split across two sends after a pipelined request"),
            QStringLiteral("both answered 200, the connection kept"));
    }

    // 2,000 pipelined requests in one send are all answered; the CPU time they cost is printed.
    void manyPipelinedRequestsAreAnswered()
    {
        QByteArray requests;
        for (int i = 0; i < 2000; ++i)
            requests += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
        const qint64 cpuBefore = serviceCpuMs();
        auto socket = connectToService();
        socket->write(requests);
        const QList<QByteArray> answers = readAnswers(*socket, 2000, 60000);
        const qint64 cpuMs = serviceCpuMs() - cpuBefore;
        QCOMPARE(answers.size(), 2000);
        QCOMPARE(answers.count("HTTP/1.1 200 OK"), 2000);
        qInfo("2,000 pipelined requests (%lld bytes): %lld ms of the service's CPU",
              qint64(requests.size()), cpuMs);
        ReliabilityLog::record(
            QStringLiteral("framing"),
            QStringLiteral("2,000 pipelined requests in one send (%1 bytes)").arg(requests.size()),
            QStringLiteral("all answered; %1 ms of the service's CPU").arg(cpuMs));
    }

    // More connections than the service has file descriptors: accepting fails for a while, and
    // resumes once they are closed (Qt stops accepting on such an error unless told again).
    void runningOutOfDescriptorsIsNotForever()
    {
        m_harness->stopService();
        rlimit files{};
        QVERIFY(getrlimit(RLIMIT_NOFILE, &files) == 0);
        const rlim_t ours = files.rlim_cur;
        files.rlim_cur = 256; // inherited by the service
        QVERIFY(setrlimit(RLIMIT_NOFILE, &files) == 0);
        const bool started =
            startService({QStringLiteral("--max-connections"), QStringLiteral("1000"),
                          QStringLiteral("--max-connections-per-address"), QStringLiteral("1000"),
                          QStringLiteral("--idle-timeout-ms"), QStringLiteral("60000")});
        files.rlim_cur = ours;
        QVERIFY(setrlimit(RLIMIT_NOFILE, &files) == 0);
        QVERIFY(started);
        Crowd crowd = openCrowd(400, {});
        QTRY_COMPARE_WITH_TIMEOUT(int(std::count_if(crowd.cbegin(), crowd.cend(),
                                                    [](const auto &socket) {
                                                        return socket->state() ==
                                                               QAbstractSocket::ConnectedState;
                                                    })),
                                  400, 10000);
        QTest::qWait(1000); // the service accepts what it can, then runs out
        const qsizetype descriptors =
            QDir(QStringLiteral("/proc/%1/fd").arg(m_harness->service()->processId()))
                .entryList(QDir::Files | QDir::System)
                .size();
        QVERIFY2(descriptors >= 250, qPrintable(QString::number(descriptors)));
        crowd.clear();
        QTRY_VERIFY_WITH_TIMEOUT(healthzAnswers(), 10000);
        ReliabilityLog::record(
            QStringLiteral("limits"),
            QStringLiteral("400 connections to a service limited to 256 open files"),
            QStringLiteral("accepting paused while out of descriptors; /healthz 200 once they "
                           "closed"));
    }
};

QTEST_GUILESS_MAIN(TestConnectionGuard)
#include "TestConnectionGuard.moc"
