#include "db/Database.h"
#include "ReliabilityLog.h"
#include "ServiceHarness.h"
#include "twilio/RequestSignature.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <QElapsedTimer>
#include <QSet>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Switchboard;
using Switchboard::Testing::ReliabilityLog;
using Switchboard::Testing::ServiceHarness;

// A webhook's answer is written once its commit is done, by the thread that read it, which
// meanwhile serves other requests. Tried against the real binary: clients that leave before
// the answer, pipelined requests behind a webhook, and more webhooks waiting than the cap.
class TestAsyncAnswers final : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServiceHarness> m_harness;

    quint16 port() const { return quint16(QUrl(m_harness->serviceUrl()).port()); }

    static QString callSid(int call)
    {
        return QStringLiteral("CA") +
               QString::number(call, 16).rightJustified(32, QLatin1Char('0'));
    }

    // A /twilio/voice webhook for call `call`, signed as Twilio signs it; `fields` are more
    // header lines (each ending in CR LF).
    QByteArray signedWebhook(int call, bool sign = true, const QByteArray &fields = {}) const
    {
        const QByteArray body = "AccountSid=" + ServiceHarness::accountSid.toUtf8() +
                                "&CallSid=" + callSid(call).toUtf8() +
                                "&CallStatus=ringing&From=%2B14155550100&To=%2B14155550199";
        const QByteArray signature =
            sign ? RequestSignature::compute(ServiceHarness::authToken.toUtf8(),
                                             m_harness->serviceUrl() +
                                                 QStringLiteral("/twilio/voice"),
                                             FormData::decode(body))
                 : QByteArray("forged");
        return "POST /twilio/voice HTTP/1.1\r\nHost: x\r\nContent-Type: "
               "application/x-www-form-urlencoded\r\nX-Twilio-Signature: " +
               signature + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n" +
               fields + "\r\n" + body;
    }

    QSet<QString> loggedCalls() const
    {
        QString error;
        Database db(*DatabaseUrl::parse(m_harness->databaseUrl(), &error),
                    QStringLiteral("async-reader"));
        QSet<QString> calls;
        if (!db.open(&error))
            return calls;
        QSqlQuery query(db.connection());
        if (query.exec(QStringLiteral("SELECT DISTINCT call_sid FROM call_events"))) {
            while (query.next())
                calls.insert(query.value(0).toString());
        }
        return calls;
    }

    // Holds SQLite's write lock from another connection, as a busy second writer would: the
    // service's commits wait (up to --database-timeout-ms) until release().
    struct WriteLock
    {
        explicit WriteLock(const QString &url)
            : db(*DatabaseUrl::parse(url, &parseError), QStringLiteral("async-lock"))
        {
            held = db.open(&error) &&
                   QSqlQuery(db.connection()).exec(QStringLiteral("BEGIN IMMEDIATE"));
        }
        void release() { QSqlQuery(db.connection()).exec(QStringLiteral("ROLLBACK")); }

        QString parseError; // before db, which the constructor builds from it
        QString error;
        Database db;
        bool held = false;
    };

    // The answers (status line and body) in `received`, in order; only complete ones.
    struct Answer
    {
        QByteArray statusLine;
        QByteArray headers;
        QByteArray body;
    };
    static QList<Answer> parseAnswers(const QByteArray &received)
    {
        QList<Answer> answers;
        qsizetype at = 0;
        while (true) {
            const qsizetype headEnd = received.indexOf("\r\n\r\n", at);
            if (headEnd < 0)
                break;
            Answer answer;
            const QByteArray head = received.mid(at, headEnd - at);
            answer.statusLine = head.left(head.indexOf("\r\n"));
            answer.headers = head.toLower();
            const qsizetype length = answer.headers.indexOf("content-length: ");
            if (length < 0)
                break;
            const qsizetype lengthEnd = answer.headers.indexOf("\r\n", length);
            const qsizetype bodySize =
                answer.headers.mid(length + 16, lengthEnd < 0 ? -1 : lengthEnd - length - 16)
                    .toLongLong();
            if (received.size() < headEnd + 4 + bodySize)
                break;
            answer.body = received.mid(headEnd + 4, bodySize);
            answers.append(answer);
            at = headEnd + 4 + bodySize;
        }
        return answers;
    }

    static QList<Answer> readAnswers(QTcpSocket &socket, int count, int timeoutMs)
    {
        QByteArray received;
        QElapsedTimer timer;
        timer.start();
        while (parseAnswers(received).size() < count && !timer.hasExpired(timeoutMs)) {
            if (socket.state() != QAbstractSocket::ConnectedState && socket.bytesAvailable() == 0)
                break;
            socket.waitForReadyRead(50);
            received += socket.readAll();
        }
        return parseAnswers(received);
    }

    bool healthzAnswers()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port());
        if (!socket.waitForConnected(5000))
            return false;
        socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        const QList<Answer> answers = readAnswers(socket, 1, 10000);
        return answers.size() == 1 && answers.first().statusLine == "HTTP/1.1 200 OK";
    }

    // A blocking loopback client of its own, below Qt: it can reset (SO_LINGER 0) and
    // half-close.
    int connectRaw()
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port());
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
            ::close(fd);
            return -1;
        }
        return fd;
    }

    static bool sendAll(int fd, const QByteArray &bytes)
    {
        qsizetype sent = 0;
        while (sent < bytes.size()) {
            const ssize_t n =
                ::send(fd, bytes.constData() + sent, size_t(bytes.size() - sent), MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            sent += n;
        }
        return true;
    }

    // Reads until one whole answer arrived, the peer closed, or `timeoutMs` passed.
    static QList<Answer> readRaw(int fd, int timeoutMs)
    {
        QByteArray received;
        QElapsedTimer timer;
        timer.start();
        while (parseAnswers(received).isEmpty() && !timer.hasExpired(timeoutMs)) {
            pollfd wait{fd, POLLIN, 0};
            if (::poll(&wait, 1, 100) <= 0)
                continue;
            char buffer[4096];
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0)
                break;
            received.append(buffer, n);
        }
        return parseAnswers(received);
    }

private Q_SLOTS:
    void initTestCase()
    {
        rlimit files{};
        QVERIFY(getrlimit(RLIMIT_NOFILE, &files) == 0);
        files.rlim_cur = files.rlim_max;
        QVERIFY(setrlimit(RLIMIT_NOFILE, &files) == 0);
    }

    void cleanup() { m_harness.reset(); }

    // Thousands of clients of each kind leave right after sending a signed webhook: they
    // close, reset, or half-close. Clients that read stay among them. The service survives
    // (under AddressSanitizer in the sanitized build: any use of a socket it no longer has
    // aborts it), still answers, and every webhook a client received a 200 for is in the log.
    void disconnectStormLeavesNothingBehind()
    {
        m_harness = std::make_unique<ServiceHarness>();
        QVERIFY(m_harness->startService(
            {QStringLiteral("--max-connections"), QStringLiteral("4096"),
             QStringLiteral("--max-connections-per-address"), QStringLiteral("4096")}));
        enum Leave
        {
            Close,
            Reset,
            HalfClose,
            Read,
            Kinds
        };
        constexpr int kEach = 2000;
        constexpr int kRound = 32; // clients of a round send before any of them leaves
        QList<QString> acknowledged;
        int sent[Kinds] = {};
        int call = 0;
        while (call < kEach * Kinds) {
            std::vector<std::pair<int, int>> round; // descriptor, call
            for (int i = 0; i < kRound && call < kEach * Kinds; ++i, ++call) {
                const int fd = connectRaw();
                QVERIFY2(fd >= 0, "cannot connect to the service");
                if (sendAll(fd, signedWebhook(call)))
                    ++sent[call % Kinds];
                round.emplace_back(fd, call);
            }
            for (const auto &[fd, client] : round) {
                switch (client % Kinds) {
                case Reset: {
                    const linger abortive{1, 0};
                    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
                    break;
                }
                case HalfClose:
                    ::shutdown(fd, SHUT_WR);
                    break;
                default:
                    break;
                }
            }
            for (const auto &[fd, client] : round) {
                const int kind = client % Kinds;
                if (kind == Read || kind == HalfClose) {
                    const QList<Answer> answers = readRaw(fd, kind == Read ? 10000 : 50);
                    if (!answers.isEmpty() && answers.first().statusLine == "HTTP/1.1 200 OK")
                        acknowledged.append(callSid(client));
                }
                ::close(fd);
            }
        }
        for (int kind = 0; kind < Kinds; ++kind)
            QCOMPARE(sent[kind], kEach);
        QCOMPARE(m_harness->service()->state(), QProcess::Running);
        QVERIFY(healthzAnswers());
        // The readers' answers at least: nothing refused them.
        QVERIFY2(acknowledged.size() >= kEach,
                 qPrintable(QStringLiteral("%1 answers acknowledged").arg(acknowledged.size())));
        const QSet<QString> logged = loggedCalls();
        for (const QString &sid : std::as_const(acknowledged))
            QVERIFY2(logged.contains(sid), qPrintable(sid + QStringLiteral(" is not in the log")));
        qInfo("%d webhooks sent, %lld acknowledged, %lld calls in the log", kEach * Kinds,
              qint64(acknowledged.size()), qint64(logged.size()));
    }

    // Requests pipelined behind a webhook whose commit waits are answered after it, in their
    // order: a 404, /healthz, a 405, a refused signature, another webhook.
    void pipelinedAnswersKeepTheirOrder()
    {
        m_harness = std::make_unique<ServiceHarness>();
        QVERIFY(m_harness->startService(
            {QStringLiteral("--database-timeout-ms"), QStringLiteral("30000")}));
        WriteLock lock(m_harness->databaseUrl());
        QVERIFY2(lock.held, qPrintable(lock.error));
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(signedWebhook(1) + "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n" +
                     "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" +
                     "PUT /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n" +
                     signedWebhook(2, false) + signedWebhook(3));
        // Nothing may overtake the first webhook's answer while its commit waits.
        QCOMPARE(readAnswers(socket, 1, 500).size(), 0);
        lock.release();
        const QList<Answer> answers = readAnswers(socket, 6, 20000);
        QList<QByteArray> statusLines;
        for (const Answer &answer : answers)
            statusLines.append(answer.statusLine);
        QCOMPARE(statusLines,
                 (QList<QByteArray>{"HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK",
                                    "HTTP/1.1 405 Method Not Allowed", "HTTP/1.1 403 Forbidden",
                                    "HTTP/1.1 200 OK"}));
        QVERIFY(answers[0].body.contains("<Response>"));
        QCOMPARE(answers[2].body, QByteArray("ok\n"));
        QVERIFY(answers[5].body.contains("<Response>"));
        QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
        const QSet<QString> logged = loggedCalls();
        QVERIFY(logged.contains(callSid(1)));
        QVERIFY(!logged.contains(callSid(2)));
        QVERIFY(logged.contains(callSid(3)));
    }

    // RFC 9112, 9.6: the answer to a request with `Connection: close` is its connection's last.
    // Written once its commit is done, after every answer before it; then the service closes
    // the connection, and a request pipelined behind it is neither answered nor acted on.
    void connectionCloseEndsTheConnectionAfterItsAnswer()
    {
        m_harness = std::make_unique<ServiceHarness>();
        // Idle connections are closed only after two minutes: any close sooner is the answer's.
        QVERIFY(m_harness->startService(
            {QStringLiteral("--database-timeout-ms"), QStringLiteral("30000"),
             QStringLiteral("--idle-timeout-ms"), QStringLiteral("120000")}));
        WriteLock lock(m_harness->databaseUrl());
        QVERIFY2(lock.held, qPrintable(lock.error));
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(signedWebhook(1) + "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n" +
                     signedWebhook(2, true, "Connection: keep-alive, Close\r\n") +
                     signedWebhook(3));
        // Nothing is answered, and the connection stays, while the first commit waits.
        QCOMPARE(readAnswers(socket, 1, 500).size(), 0);
        QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
        lock.release();
        QByteArray received;
        QElapsedTimer timer;
        timer.start();
        while (socket.state() == QAbstractSocket::ConnectedState && !timer.hasExpired(60000)) {
            socket.waitForReadyRead(50);
            received += socket.readAll();
        }
        received += socket.readAll();
        QCOMPARE(socket.state(), QAbstractSocket::UnconnectedState); // closed by the service
        const QList<Answer> answers = parseAnswers(received);
        QList<QByteArray> statusLines;
        for (const Answer &answer : answers)
            statusLines.append(answer.statusLine);
        QCOMPARE(statusLines, (QList<QByteArray>{"HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found",
                                                 "HTTP/1.1 200 OK"}));
        QVERIFY(answers[2].body.contains("<Response>"));
        QVERIFY(answers[2].headers.contains("\r\nconnection: close"));
        QVERIFY(!answers[0].headers.contains("\r\nconnection: close"));
        const QSet<QString> logged = loggedCalls();
        QVERIFY(logged.contains(callSid(1)));
        QVERIFY(logged.contains(callSid(2)));
        QVERIFY(!logged.contains(callSid(3)));
        // Without it, a connection stays open for the next webhook.
        QTcpSocket keptAlive;
        keptAlive.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(keptAlive.waitForConnected(5000));
        keptAlive.write(signedWebhook(4, true, "Connection: keep-alive\r\n"));
        QCOMPARE(readAnswers(keptAlive, 1, 20000).size(), 1);
        keptAlive.write(signedWebhook(5));
        const QList<Answer> second = readAnswers(keptAlive, 1, 20000);
        QCOMPARE(second.size(), 1);
        QCOMPARE(second.first().statusLine, QByteArray("HTTP/1.1 200 OK"));
        QCOMPARE(keptAlive.state(), QAbstractSocket::ConnectedState);
        ReliabilityLog::record(
            QStringLiteral("limits"),
            QStringLiteral("Connection: close on a signed webhook whose commit waits, behind a "
                           "webhook and a 404, with a signed webhook pipelined after it"),
            QStringLiteral("the three answers in order once the commit was done, then closed; "
                           "the webhook behind it neither answered nor logged"));
    }

    // Over --max-pending-answers, a webhook is answered 503 with Retry-After at once, and
    // nothing of it is written; those waiting are answered once their commit is done.
    void pendingAnswersAreCapped()
    {
        m_harness = std::make_unique<ServiceHarness>();
        QVERIFY(m_harness->startService(
            {QStringLiteral("--max-pending-answers"), QStringLiteral("2"),
             QStringLiteral("--database-timeout-ms"), QStringLiteral("30000")}));
        WriteLock lock(m_harness->databaseUrl());
        QVERIFY2(lock.held, qPrintable(lock.error));
        std::vector<std::unique_ptr<QTcpSocket>> waiting;
        for (int call = 1; call <= 2; ++call) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress::LocalHost, port());
            QVERIFY(socket->waitForConnected(5000));
            socket->write(signedWebhook(call));
            QVERIFY(socket->waitForBytesWritten(5000));
            waiting.push_back(std::move(socket));
        }
        // Both are read and waiting for their commit (the lock holds it) before the third.
        QCOMPARE(readAnswers(*waiting[1], 1, 500).size(), 0);
        QTcpSocket third;
        third.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(third.waitForConnected(5000));
        third.write(signedWebhook(3));
        // Answered while the other two still wait: the lock is still held.
        const QList<Answer> refused = readAnswers(third, 1, 20000);
        QCOMPARE(refused.size(), 1);
        QCOMPARE(refused.first().statusLine, QByteArray("HTTP/1.1 503 Service Unavailable"));
        QVERIFY(refused.first().headers.contains("\r\nretry-after: 1"));
        lock.release();
        for (const auto &socket : waiting) {
            const QList<Answer> answers = readAnswers(*socket, 1, 20000);
            QCOMPARE(answers.size(), 1);
            QCOMPARE(answers.first().statusLine, QByteArray("HTTP/1.1 200 OK"));
        }
        const QSet<QString> logged = loggedCalls();
        QVERIFY(logged.contains(callSid(1)));
        QVERIFY(logged.contains(callSid(2)));
        QVERIFY(!logged.contains(callSid(3)));
        // Below the cap again: served.
        QTcpSocket fourth;
        fourth.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(fourth.waitForConnected(5000));
        fourth.write(signedWebhook(4));
        const QList<Answer> served = readAnswers(fourth, 1, 20000);
        QCOMPARE(served.size(), 1);
        QCOMPARE(served.first().statusLine, QByteArray("HTTP/1.1 200 OK"));
    }
};

QTEST_GUILESS_MAIN(TestAsyncAnswers)
#include "TestAsyncAnswers.moc"
