// The simulator's REST Calls endpoint, as a client of Twilio's API meets it: Basic auth (401
// with Twilio's JSON error), the form fields Twilio requires (400 with its code and message)
// and 201 with the new call as JSON.

#include "MediaServer.h"
#include "RestCalls.h"
#include "twilio/CallsRequest.h"
#include "twilio/Identifiers.h"

#include <QEventLoop>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

using namespace Switchboard;

namespace {

const QString kAccount = QStringLiteral("AC0123456789abcdef0123456789abcdef");
const QByteArray kToken = QByteArrayLiteral("the-token");

} // namespace

class TestRestCalls final : public QObject
{
    Q_OBJECT

    MediaServer m_media{kAccount, kToken};
    RestCalls m_calls{kAccount, kToken};
    QNetworkAccessManager m_network;

    struct Answer
    {
        int status = 0;
        QJsonObject json;
        QByteArray authenticate;
    };

    Answer post(const FormData &form, const QByteArray &token = kToken,
                const QString &account = kAccount)
    {
        QNetworkRequest request(CallsRequest::endpoint(m_media.baseUrl(), account));
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded"));
        request.setRawHeader("Authorization",
                             "Basic " + QByteArray(account.toUtf8() + ':' + token).toBase64());
        QNetworkReply *reply = m_network.post(request, form.encode());
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        reply->deleteLater();
        return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                QJsonDocument::fromJson(reply->readAll()).object(),
                reply->rawHeader("WWW-Authenticate")};
    }

    static FormData call()
    {
        return {{QStringLiteral("To"), QStringLiteral("+15550100222")},
                {QStringLiteral("From"), QStringLiteral("+15005550006")},
                {QStringLiteral("Url"),
                 QStringLiteral("http://127.0.0.1:9/twilio/outbound?answers=CA1")},
                {QStringLiteral("StatusCallback"),
                 QStringLiteral("http://127.0.0.1:9/twilio/outbound-status")},
                {QStringLiteral("StatusCallbackEvent"), QStringLiteral("initiated")},
                {QStringLiteral("StatusCallbackEvent"), QStringLiteral("completed")}};
    }

    static FormData without(const QString &name)
    {
        FormData form;
        const FormData whole = call(); // kept: items() refers into it
        for (const auto &[key, value] : whole.items()) {
            if (key != name)
                form.add(key, value);
        }
        return form;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_media.serveCalls([this](const QString &account, const QHttpServerRequest &request) {
            return m_calls.handle(account, request);
        });
        QVERIFY(m_media.listen(QHostAddress::LocalHost, 0));
    }

    void otherCredentialsAre401()
    {
        QSignalSpy ordered(&m_calls, &RestCalls::ordered);
        for (const Answer &answer :
             {post(call(), QByteArrayLiteral("wrong")),
              post(call(), kToken, QStringLiteral("AC00000000000000000000000000000000"))}) {
            QCOMPARE(answer.status, 401);
            QCOMPARE(answer.json.value(QStringLiteral("code")).toInt(), 20003);
            QCOMPARE(answer.json.value(QStringLiteral("message")).toString(),
                     QStringLiteral("Authenticate"));
            QCOMPARE(answer.json.value(QStringLiteral("status")).toInt(), 401);
            QVERIFY(answer.authenticate.startsWith("Basic"));
        }
        QCOMPARE(ordered.size(), 0);
    }

    void missingOrBadFieldsAre400_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value"); // empty: left out
        QTest::addColumn<int>("code");
        QTest::newRow("no To") << QStringLiteral("To") << QString() << 21201;
        QTest::newRow("no From") << QStringLiteral("From") << QString() << 21603;
        QTest::newRow("no Url") << QStringLiteral("Url") << QString() << 21205;
        QTest::newRow("To not a number")
            << QStringLiteral("To") << QStringLiteral("alice") << 21211;
        QTest::newRow("From not a number")
            << QStringLiteral("From") << QStringLiteral("+0123") << 21212;
        QTest::newRow("Url not absolute")
            << QStringLiteral("Url") << QStringLiteral("/twilio/x") << 21205;
    }
    void missingOrBadFieldsAre400()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(int, code);
        FormData form = without(field);
        if (!value.isEmpty())
            form.add(field, value);
        QSignalSpy ordered(&m_calls, &RestCalls::ordered);
        const Answer answer = post(form);
        QCOMPARE(answer.status, 400);
        QCOMPARE(answer.json.value(QStringLiteral("code")).toInt(), code);
        QVERIFY(!answer.json.value(QStringLiteral("message")).toString().isEmpty());
        QCOMPARE(ordered.size(), 0);
    }

    void aGoodRequestIs201WithTheCall()
    {
        QSignalSpy ordered(&m_calls, &RestCalls::ordered);
        const Answer answer = post(call());
        QCOMPARE(answer.status, 201);
        const QString sid = answer.json.value(QStringLiteral("sid")).toString();
        QVERIFY(isValidSid(sid, QLatin1String("CA")));
        QCOMPARE(answer.json.value(QStringLiteral("status")).toString(), QStringLiteral("queued"));
        QCOMPARE(answer.json.value(QStringLiteral("direction")).toString(),
                 QStringLiteral("outbound-api"));
        QCOMPARE(ordered.size(), 1);
        const auto order = ordered.first().first().value<RestCalls::Order>();
        QCOMPARE(order.callSid, sid);
        QCOMPARE(order.to, QStringLiteral("+15550100222"));
        QCOMPARE(order.from, QStringLiteral("+15005550006"));
        QCOMPARE(order.url, call().value(QStringLiteral("Url")));
        QCOMPARE(order.statusCallbackEvents,
                 QStringList({QStringLiteral("initiated"), QStringLiteral("completed")}));
    }

    // The app's request class reads the endpoint's answers as it reads Twilio's.
    void callsRequestReadsThem()
    {
        QSignalSpy created(&m_calls, &RestCalls::ordered);
        CallsRequest request(&m_network, {m_media.baseUrl(), kAccount, kToken});
        QSignalSpy placed(&request, &CallsRequest::created);
        request.start({QStringLiteral("+15550100222"),
                       QStringLiteral("+15005550006"),
                       call().value(QStringLiteral("Url")),
                       {},
                       {}});
        QTRY_COMPARE(placed.size(), 1);
        QCOMPARE(placed.first().first().toString(),
                 created.first().first().value<RestCalls::Order>().callSid);
    }
};

QTEST_GUILESS_MAIN(TestRestCalls)
#include "TestRestCalls.moc"
