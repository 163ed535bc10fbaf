#include "db/Database.h"
#include "ReliabilityLog.h"
#include "ServiceHarness.h"
#include "twilio/RequestSignature.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSqlQuery>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ReliabilityLog;
using Switchboard::Testing::ServiceHarness;

namespace {

const QByteArray kCallSid = "CA0123456789abcdef0123456789abcdef";
const QByteArray kRecordingSid = "RE0123456789abcdef0123456789abcdef";

} // namespace

// Hostile webhooks, each correctly signed so that it reaches the service's own checks: each
// gets a clear 4xx, writes nothing, and the service keeps serving.
class TestHostileInput final : public QObject
{
    Q_OBJECT

    ServiceHarness m_harness;
    QNetworkAccessManager m_network;

    QByteArray base() const
    {
        return "AccountSid=" + ServiceHarness::accountSid.toUtf8() +
               "&CallStatus=in-progress&From=%2B14155550100&To=%2B14155550199";
    }

    QByteArray recordingUrl(const QByteArray &tail) const
    {
        return QUrl::toPercentEncoding(m_harness.mediaUrl() +
                                       QStringLiteral("/2010-04-01/Accounts/") +
                                       ServiceHarness::accountSid) +
               tail;
    }

    struct Answer
    {
        int status = 0;
        QByteArray body;
    };

    // Signs what the body decodes to (leniently, as an attacker's tool would) for `signedPath`.
    Answer post(const QString &path, const QByteArray &body, const QString &signedPath = {})
    {
        const QString signedUrl =
            m_harness.serviceUrl() + (signedPath.isEmpty() ? path : signedPath);
        return send(m_harness.serviceUrl() + path, body,
                    RequestSignature::compute(ServiceHarness::authToken.toUtf8(), signedUrl,
                                              FormData::decode(body)));
    }

    Answer send(const QString &url, const QByteArray &body, const QByteArray &signature)
    {
        QNetworkRequest request{QUrl(url)};
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded"));
        request.setRawHeader("X-Twilio-Signature", signature);
        QNetworkReply *reply = m_network.post(request, body);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        reply->deleteLater();
        return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                reply->readAll().trimmed()};
    }

    int eventsLogged()
    {
        QString error;
        Database db(*DatabaseUrl::parse(m_harness.databaseUrl(), &error),
                    QStringLiteral("hostile-reader"));
        db.open(&error);
        QSqlQuery query(db.connection());
        return query.exec(QStringLiteral("SELECT COUNT(*) FROM call_events")) && query.next()
                   ? query.value(0).toInt()
                   : -1;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_harness.startService()); }

    void refusedWithoutWriting_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        const QByteArray call = base() + "&CallSid=" + kCallSid;
        const QString voice = QStringLiteral("/twilio/voice");
        QTest::newRow("bad percent-encoding (truncated)")
            << voice << call + "&CallerName=%2" << 400;
        QTest::newRow("bad percent-encoding (not hex)") << voice << call + "&CallerName=%zz" << 400;
        QTest::newRow("NUL byte") << voice << call + "&CallerName=a%00b" << 400;
        QTest::newRow("invalid UTF-8") << voice << call + "&CallerName=%FF%FE" << 400;
        QTest::newRow("control character") << voice << call + "&CallerName=%07bell" << 400;
        QTest::newRow("repeated CallSid")
            << voice << call + "&CallSid=CAffffffffffffffffffffffffffffffff" << 400;
        QTest::newRow("missing CallSid") << voice << base() << 400;
        QTest::newRow("malformed CallSid") << voice << base() + "&CallSid=CA123%27%3B--" << 400;
        QTest::newRow("malformed AccountSid")
            << voice << "AccountSid=AC123&CallSid=" + kCallSid << 403;
        QTest::newRow("another account")
            << voice << "AccountSid=ACffffffffffffffffffffffffffffffff&CallSid=" + kCallSid << 403;
        QTest::newRow("oversized field")
            << voice << call + "&CallerName=" + QByteArray(5000, 'x') << 400;
        QTest::newRow("unknown CallStatus") << QStringLiteral("/twilio/status")
                                            << "AccountSid=" + ServiceHarness::accountSid.toUtf8() +
                                                   "&CallStatus=exploded&CallSid=" + kCallSid
                                            << 400;
        QTest::newRow("negative duration")
            << QStringLiteral("/twilio/status") << call + "&CallDuration=-5" << 400;
        QTest::newRow("absurd duration")
            << QStringLiteral("/twilio/status") << call + "&CallDuration=99999999999" << 400;
        QTest::newRow("duration not a number")
            << QStringLiteral("/twilio/dial")
            << call + "&DialCallStatus=completed&DialCallDuration=1e9" << 400;
        QTest::newRow("Digits not keys") << QStringLiteral("/twilio/menu?attempt=1")
                                         << call + "&Digits=1%3B+DROP+TABLE+calls" << 400;
        QTest::newRow("RecordingUrl on another host")
            << QStringLiteral("/twilio/recording")
            << call + "&RecordingSid=" + kRecordingSid +
                   "&RecordingDuration=5&RecordingUrl=https%3A%2F%2Fevil.example%2F2010-04-01%"
                   "2FAccounts%2F" +
                   ServiceHarness::accountSid.toUtf8() + "%2FRecordings%2F" + kRecordingSid
            << 400;
        QTest::newRow("RecordingUrl path traversal")
            << QStringLiteral("/twilio/recording")
            << call + "&RecordingSid=" + kRecordingSid + "&RecordingDuration=5&RecordingUrl=" +
                   recordingUrl("%2FRecordings%2F..%2F..%2F..%2Fetc%2F" + kRecordingSid)
            << 400;
        QTest::newRow("RecordingUrl of another recording")
            << QStringLiteral("/twilio/recording-status")
            << call + "&RecordingStatus=completed&RecordingSid=" + kRecordingSid +
                   "&RecordingDuration=5&RecordingUrl=" +
                   recordingUrl("%2FRecordings%2FREffffffffffffffffffffffffffffffff")
            << 400;
        QTest::newRow("malformed RecordingSid")
            << QStringLiteral("/twilio/recording")
            << call + "&RecordingSid=RE..%2F..&RecordingDuration=5&RecordingUrl=" +
                   recordingUrl("%2FRecordings%2FRE..%2F..")
            << 400;
        QTest::newRow("parameter name not letters and digits")
            << voice << call + "&Caller-Name=Jane" << 400;
        QTest::newRow("parameter name starting with a digit") << voice << call + "&1=" << 400;
        QTest::newRow("signed for another URL")
            << QStringLiteral("/twilio/voice#status") << call << 403;
    }

    void refusedWithoutWriting()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QString signedPath;
        if (path.endsWith(QLatin1String("#status"))) { // a valid signature, but for /twilio/status
            path.chop(7);
            signedPath = QStringLiteral("/twilio/status");
        }
        const Answer answer = post(path, body, signedPath);
        QCOMPARE(answer.status, status);
        QVERIFY2(!answer.body.isEmpty(), "the refusal says why");
        QCOMPARE(eventsLogged(), 0);
        ReliabilityLog::record(QStringLiteral("hostile input"),
                               QString::fromLatin1(QTest::currentDataTag()),
                               QStringLiteral("%1 \"%2\", nothing written")
                                   .arg(answer.status)
                                   .arg(QString::fromUtf8(answer.body)));
    }

    void signatureCannotBeStretchedToAnotherRoute()
    {
        // Twilio signs the URL and then each name and value, run together: a request signed
        // for /twilio/recording-status, replayed to /twilio/recording with "-status=" added,
        // reads the same ("…/twilio/recording" "-status" "" "AccountSid" …).
        const QByteArray body =
            base() + "&CallSid=" + kCallSid +
            "&RecordingStatus=completed&RecordingSid=" + kRecordingSid +
            "&RecordingDuration=5&RecordingUrl=" + recordingUrl("%2FRecordings%2F" + kRecordingSid);
        const QByteArray signature = RequestSignature::compute(
            ServiceHarness::authToken.toUtf8(),
            m_harness.serviceUrl() + QStringLiteral("/twilio/recording-status"),
            FormData::decode(body));
        const Answer replayed = send(m_harness.serviceUrl() + QStringLiteral("/twilio/recording"),
                                     body + "&-status=", signature);
        QCOMPARE(replayed.status, 400);
        QCOMPARE(eventsLogged(), 0);
        ReliabilityLog::record(QStringLiteral("hostile input"),
                               QStringLiteral("a signed recording-status webhook replayed to "
                                              "/twilio/recording with \"-status=\" added"),
                               QStringLiteral("%1 \"%2\", nothing written")
                                   .arg(replayed.status)
                                   .arg(QString::fromUtf8(replayed.body)));
    }

    void requestDataCannotForgeLogLines()
    {
        // Under systemd the journal reads a line's leading <N> as its priority (<0>: emergency).
        QProcessEnvironment environment = ServiceHarness::credentialsEnvironment();
        environment.insert(QStringLiteral("QT_LOGGING_RULES"),
                           QStringLiteral("switchboard.webhook.info=true"));
        environment.insert(QStringLiteral("JOURNAL_STREAM"), QStringLiteral("0:0"));
        QProcess service;
        service.setProcessEnvironment(environment);
        const quint16 port = ServiceHarness::freePort();
        service.start(
            QStringLiteral(SWITCHBOARD_SERVICE_BINARY),
            {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port),
             QStringLiteral("--database"),
             QStringLiteral("sqlite:") + m_harness.folder() + QStringLiteral("/forged.db"),
             QStringLiteral("--forward-to"), ServiceHarness::forwardTo});
        QByteArray output;
        QTRY_VERIFY_WITH_TIMEOUT((output += service.readAllStandardOutput()).contains("listening"),
                                 20000);

        // Unsigned: it is logged (and refused) before anything else about it is checked.
        const Answer answer = send(QStringLiteral("http://127.0.0.1:%1/twilio/voice").arg(port),
                                   "AccountSid=" + ServiceHarness::accountSid.toUtf8() +
                                       "&CallSid=CA%0A%3C0%3Eforged+emergency%0D",
                                   "bm90IGEgc2lnbmF0dXJl");
        QCOMPARE(answer.status, 403);
        QByteArray log;
        QTRY_VERIFY_WITH_TIMEOUT((log += service.readAllStandardError()).contains("forged"), 10000);
        service.terminate();
        QVERIFY(service.waitForFinished(10000));
        log += service.readAllStandardError();
        for (const QByteArray &line : log.split('\n')) {
            QVERIFY2(!line.startsWith("<0>"), line.constData());
            QVERIFY2(!line.contains('\r'), line.constData());
            if (line.contains("forged"))
                QVERIFY2(line.startsWith("<6>switchboard.webhook: voice CA\\n<0>forged"),
                         line.constData());
        }
        ReliabilityLog::record(QStringLiteral("hostile input"),
                               QStringLiteral("an unsigned webhook whose CallSid holds a line "
                                              "break, \"<0>\" and a carriage return"),
                               QStringLiteral("403; its log line stayed one line, the control "
                                              "characters escaped"));
    }

    void stillServingAfterwards()
    {
        const Answer answer =
            post(QStringLiteral("/twilio/voice"),
                 base() + "&CallSid=" + kCallSid + "&CallerName=Jos%C3%A9+M%C3%BCller");
        QCOMPARE(answer.status, 200);
        QVERIFY(answer.body.contains("<Gather"));
        QCOMPARE(eventsLogged(), 1);
    }
};

QTEST_GUILESS_MAIN(TestHostileInput)
#include "TestHostileInput.moc"
