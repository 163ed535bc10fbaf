#include "twilio/CallsRequest.h"

#include <QHttpServer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace Switchboard;

namespace {

const QString kAccount = QStringLiteral("AC0123456789abcdef0123456789abcdef");
const QString kCallSid = QStringLiteral("CAfedcba9876543210fedcba9876543210");

CallsRequest::Call aCall()
{
    return {QStringLiteral("+15550100200"),
            QStringLiteral("+15550100100"),
            QStringLiteral("https://switchboard.example.com/twilio/outbound?answers=CA1"),
            QStringLiteral("https://switchboard.example.com/twilio/outbound-status"),
            {QStringLiteral("initiated"), QStringLiteral("completed")}};
}

CallsRequest::Options options(const QUrl &api)
{
    return {api, kAccount, QByteArrayLiteral("secret-token")};
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

// The REST Calls request the desktop's "Call back" sends: the form Twilio reads, what it
// refuses to send, and how it reads Twilio's answers, hostile ones included.
class TestCallsRequest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void formCarriesTwiliosParameterNames()
    {
        const FormData form = CallsRequest::form(aCall());
        QCOMPARE(form.value(QStringLiteral("To")), QStringLiteral("+15550100200"));
        QCOMPARE(form.value(QStringLiteral("From")), QStringLiteral("+15550100100"));
        QCOMPARE(form.value(QStringLiteral("Url")), aCall().url);
        QCOMPARE(form.value(QStringLiteral("StatusCallback")), aCall().statusCallback);
        QCOMPARE(form.value(QStringLiteral("StatusCallbackMethod")), QStringLiteral("POST"));
        QStringList events;
        for (const auto &[name, value] : form.items()) {
            if (name == QLatin1String("StatusCallbackEvent"))
                events.append(value);
        }
        QCOMPARE(events, aCall().statusCallbackEvents);
        // '+' must survive the form encoding, or Twilio reads a space.
        QVERIFY(form.encode().contains("To=%2B15550100200"));
    }

    void endpointIsTheAccountsCalls()
    {
        QCOMPARE(CallsRequest::endpoint(QUrl(QStringLiteral("https://api.twilio.com")), kAccount)
                     .toString(),
                 QStringLiteral("https://api.twilio.com/2010-04-01/Accounts/%1/Calls.json")
                     .arg(kAccount));
        QCOMPARE(CallsRequest::endpoint(QUrl(QStringLiteral("http://127.0.0.1:8/base/")), kAccount)
                     .path(),
                 QStringLiteral("/base/2010-04-01/Accounts/%1/Calls.json").arg(kAccount));
    }

    void refusesWhatMustNotBeSent_data()
    {
        QTest::addColumn<QString>("api");
        QTest::addColumn<QString>("account");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("expected");
        const QString https = QStringLiteral("https://api.twilio.com");
        QTest::newRow("ok") << https << kAccount << QStringLiteral("+15550100200") << QString();
        QTest::newRow("loopback http") << QStringLiteral("http://127.0.0.1:9") << kAccount
                                       << QStringLiteral("+15550100200") << QString();
        QTest::newRow("plain http elsewhere")
            << QStringLiteral("http://api.twilio.com") << kAccount << QStringLiteral("+15550100200")
            << QStringLiteral("HTTPS");
        QTest::newRow("account in the path")
            << https << QStringLiteral("AC../../Other") << QStringLiteral("+15550100200")
            << QStringLiteral("Account SID");
        QTest::newRow("not E.164")
            << https << kAccount << QStringLiteral("0555 0100") << QStringLiteral("E.164");
        QTest::newRow("anonymous caller")
            << https << kAccount << QStringLiteral("anonymous") << QStringLiteral("E.164");
    }
    void refusesWhatMustNotBeSent()
    {
        QFETCH(QString, api);
        QFETCH(QString, account);
        QFETCH(QString, to);
        QFETCH(QString, expected);
        CallsRequest::Options settings = options(QUrl(api));
        settings.accountSid = account;
        CallsRequest::Call call = aCall();
        call.to = to;
        const QString refusal = CallsRequest::refusal(settings, call);
        if (expected.isEmpty())
            QVERIFY2(refusal.isEmpty(), qPrintable(refusal));
        else
            QVERIFY2(refusal.contains(expected), qPrintable(refusal));
    }

    void readsTwiliosAnswers()
    {
        CallsRequest::Failure failure;
        QCOMPARE(
            CallsRequest::callSidOf(201,
                                    json({{QStringLiteral("sid"), kCallSid},
                                          {QStringLiteral("status"), QStringLiteral("queued")}}),
                                    &failure),
            kCallSid);

        QVERIFY(
            CallsRequest::callSidOf(
                400,
                json({{QStringLiteral("code"), 21201},
                      {QStringLiteral("message"), QStringLiteral("No 'To' number is specified")},
                      {QStringLiteral("more_info"),
                       QStringLiteral("https://www.twilio.com/docs/errors/21201")},
                      {QStringLiteral("status"), 400}}),
                &failure)
                .isEmpty());
        QCOMPARE(failure.kind, CallsRequest::Failure::Kind::Rejected);
        QCOMPARE(failure.twilioCode, 21201);
        QCOMPARE(failure.message,
                 QStringLiteral("No 'To' number is specified (Twilio error 21201)"));

        CallsRequest::callSidOf(401,
                                json({{QStringLiteral("code"), 20003},
                                      {QStringLiteral("message"), QStringLiteral("Authenticate")}}),
                                &failure);
        QCOMPARE(failure.kind, CallsRequest::Failure::Kind::Credentials);
        QCOMPARE(failure.message, QStringLiteral("Authenticate (Twilio error 20003)"));
    }

    void hostileAnswersAreChecked()
    {
        CallsRequest::Failure failure;
        // A 201 that is not JSON, or names no call SID, or a malformed one, is no call.
        for (const QByteArray &body :
             {QByteArrayLiteral("<html>proxy</html>"), json({{QStringLiteral("status"), 1}}),
              json({{QStringLiteral("sid"), QStringLiteral("CA/../../x")}})}) {
            QVERIFY(CallsRequest::callSidOf(201, body, &failure).isEmpty());
            QCOMPARE(failure.kind, CallsRequest::Failure::Kind::Server);
        }
        // An error message is one line of bounded length, without control characters.
        CallsRequest::callSidOf(
            400,
            json({{QStringLiteral("message"),
                   QString(QStringLiteral("line\none\x1b[31m") + QString(10000, u'x'))}}),
            &failure);
        QVERIFY(!failure.message.contains(u'\n'));
        QVERIFY(!failure.message.contains(QChar(0x1b)));
        QVERIFY(failure.message.size() <= CallsRequest::kMaxMessageChars);
        QVERIFY(failure.message.startsWith(QStringLiteral("line one")));
        // A non-JSON error still says what happened.
        CallsRequest::callSidOf(502, QByteArrayLiteral("Bad gateway"), &failure);
        QCOMPARE(failure.kind, CallsRequest::Failure::Kind::Server);
        QCOMPARE(failure.message, QStringLiteral("Twilio answered HTTP 502"));
    }

    // Over the network: the request as a stand-in of Twilio's API receives it, and the answers.
    void postsTheCallWithBasicAuth()
    {
        QHttpServer twilio;
        QByteArray authorization, contentType;
        FormData form;
        QString path;
        twilio.route(QStringLiteral("/2010-04-01/Accounts/<arg>/Calls.json"),
                     QHttpServerRequest::Method::Post,
                     [&](const QString &, const QHttpServerRequest &request) {
                         authorization = request.value("Authorization");
                         contentType = request.value("Content-Type");
                         path = request.url().path();
                         form = FormData::decode(request.body());
                         return QHttpServerResponse(QByteArrayLiteral("application/json"),
                                                    json({{QStringLiteral("sid"), kCallSid}}),
                                                    QHttpServerResponse::StatusCode::Created);
                     });
        const quint16 port = twilio.listen(QHostAddress::LocalHost);
        QVERIFY(port);
        QNetworkAccessManager network;
        CallsRequest request(&network,
                             options(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port))));
        QSignalSpy created(&request, &CallsRequest::created);
        request.start(aCall());
        QVERIFY(request.isPending());
        request.start(aCall()); // a second click while pending sends nothing
        QTRY_COMPARE_WITH_TIMEOUT(created.size(), 1, 10000);
        QCOMPARE(created.first().first().toString(), kCallSid);
        QVERIFY(!request.isPending());
        QCOMPARE(authorization,
                 "Basic " + QByteArray(kAccount.toLatin1() + ":secret-token").toBase64());
        QCOMPARE(contentType, QByteArrayLiteral("application/x-www-form-urlencoded"));
        QCOMPARE(path, QStringLiteral("/2010-04-01/Accounts/%1/Calls.json").arg(kAccount));
        QCOMPARE(form.value(QStringLiteral("To")), aCall().to);
    }

    void aHugeAnswerIsCutOff()
    {
        QHttpServer twilio;
        twilio.route(QStringLiteral("/2010-04-01/Accounts/<arg>/Calls.json"), [](const QString &) {
            return QHttpServerResponse(QByteArrayLiteral("application/json"),
                                       QByteArray(8 * 1024 * 1024, ' '),
                                       QHttpServerResponse::StatusCode::Created);
        });
        const quint16 port = twilio.listen(QHostAddress::LocalHost);
        QVERIFY(port);
        QNetworkAccessManager network;
        CallsRequest request(&network,
                             options(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port))));
        QSignalSpy created(&request, &CallsRequest::created);
        QSignalSpy failed(&request, &CallsRequest::failed);
        request.start(aCall());
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
        const auto failure = failed.first().first().value<CallsRequest::Failure>();
        QCOMPARE(failure.kind, CallsRequest::Failure::Kind::Server);
        QVERIFY2(failure.message.contains(QStringLiteral("larger than")),
                 qPrintable(failure.message));
        QTest::qWait(200);
        QCOMPARE(created.size(), 0);
        QCOMPARE(failed.size(), 1);
    }

    void aClosedPortIsANetworkFailure()
    {
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            port = probe.serverPort();
        } // closed: nothing listens there now
        QNetworkAccessManager network;
        CallsRequest request(&network,
                             options(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port))));
        QSignalSpy failed(&request, &CallsRequest::failed);
        request.start(aCall());
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
        const auto failure = failed.first().first().value<CallsRequest::Failure>();
        QCOMPARE(failure.kind, CallsRequest::Failure::Kind::Network);
        QVERIFY2(failure.message.startsWith(QStringLiteral("cannot reach Twilio")),
                 qPrintable(failure.message));
    }
};

QTEST_GUILESS_MAIN(TestCallsRequest)
#include "TestCallsRequest.moc"
