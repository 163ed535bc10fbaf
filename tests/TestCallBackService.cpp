// The service's side of a call back, with requests signed as Twilio signs them: the outbound
// TwiML (the <Dial> to the caller the log names, showing the number the caller called), the
// call back logged as outbound and linked to the call it answers, and what is refused:
// a link to no call of the log, a malformed one, an unsigned request. Also the pieces of
// CallBackRoute the desktop and the service share.

#include "db/CallReader.h"
#include "db/Database.h"
#include "ServiceHarness.h"
#include "twilio/CallBackRoute.h"
#include "twilio/FormData.h"
#include "twilio/RequestSignature.h"
#include "twilio/TwimlDocument.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

namespace {

const QString kOutboundSid = QStringLiteral("CA00000000000000000000000000000b01");
const QString kStaffPhone = QStringLiteral("+15550100222");

} // namespace

class TestCallBackService final : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServiceHarness> m_harness;
    std::unique_ptr<Database> m_database;
    QNetworkAccessManager m_network;
    QString m_inboundSid;
    QString m_callerNumber;
    QString m_companyNumber;

    struct Answer
    {
        int status = 0;
        QByteArray body;
    };

    // POSTs `params` to `url` (under the service), signed for it unless `sign` is false.
    Answer post(const QString &url, const FormData &params, bool sign = true)
    {
        QNetworkRequest request{QUrl(url)};
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded"));
        if (sign)
            request.setRawHeader(
                "X-Twilio-Signature",
                RequestSignature::compute(ServiceHarness::authToken.toUtf8(), url, params));
        QNetworkReply *reply = m_network.post(request, params.encode());
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        reply->deleteLater();
        return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                reply->readAll()};
    }

    FormData outboundParams(const QString &status) const
    {
        return {{QStringLiteral("AccountSid"), ServiceHarness::accountSid},
                {QStringLiteral("CallSid"), kOutboundSid},
                {QStringLiteral("From"), m_companyNumber},
                {QStringLiteral("To"), kStaffPhone},
                {QStringLiteral("CallStatus"), status},
                {QStringLiteral("Direction"), QStringLiteral("outbound-api")}};
    }

    QString url(WebhookKind kind, const CallBackRoute::Link &link) const
    {
        return CallBackRoute::url(QUrl(m_harness->serviceUrl()), kind, link);
    }

    int callCount()
    {
        CallReader reader(*m_database);
        int count = 0;
        reader.forEachCall([&count](const CallRecord &) {
            ++count;
            return true;
        });
        return count;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_harness = std::make_unique<ServiceHarness>();
        QVERIFY2(m_harness->startService(), qPrintable(m_harness->serviceOutput()));
        const auto sim = m_harness->runSim({QStringLiteral("--hangup-in-menu")});
        QVERIFY2(sim.exitCode == 0, qPrintable(sim.output));
        QString error;
        m_database = m_harness->openDatabase(QStringLiteral("cb-service"),
                                             ServiceHarness::Schema::AsItIs, &error);
        QVERIFY2(m_database, qPrintable(error));
        CallReader reader(*m_database);
        reader.forEachCall([this](const CallRecord &call) {
            m_inboundSid = call.callSid;
            m_callerNumber = call.from;
            m_companyNumber = call.to;
            return false;
        });
        QVERIFY(!m_inboundSid.isEmpty());
    }

    // The link travels in the URL's query, escaped so that it reads back the same everywhere
    // the signature is computed.
    void linkRoundTrips()
    {
        const CallBackRoute::Link link{m_inboundSid, QStringLiteral("Zoë O'Neil & <Co> +1")};
        const QString text = url(WebhookKind::CallBack, link);
        QVERIFY(text.startsWith(m_harness->serviceUrl() + QStringLiteral("/twilio/outbound?")));
        QCOMPARE(QUrl(text, QUrl::StrictMode).toString(QUrl::FullyEncoded), text);
        const auto read = CallBackRoute::linkOf(QUrl(text));
        QVERIFY(read);
        QCOMPARE(read->answers, link.answers);
        QCOMPARE(read->by, link.by);
    }

    void malformedLinksAreRefused_data()
    {
        QTest::addColumn<QString>("query");
        QTest::newRow("no answers") << QStringLiteral("by=Alice");
        QTest::newRow("not a call SID")
            << QStringLiteral("answers=RE00000000000000000000000000000001");
        QTest::newRow("answers twice")
            << QStringLiteral("answers=CA00000000000000000000000000000001&answers="
                              "CA00000000000000000000000000000002");
        QTest::newRow("by twice") << QStringLiteral(
            "answers=CA00000000000000000000000000000001&by=a&by=b");
        QTest::newRow("by too long")
            << QStringLiteral("answers=CA00000000000000000000000000000001&by=") +
                   QString(CallBackRoute::kMaxByChars + 1, u'x');
        QTest::newRow("by with a line break")
            << QStringLiteral("answers=CA00000000000000000000000000000001&by=a%0Ab");
    }
    void malformedLinksAreRefused()
    {
        QFETCH(QString, query);
        QVERIFY(!CallBackRoute::linkOf(
            QUrl(QStringLiteral("https://x.example/twilio/outbound?") + query)));
        // The service refuses it, and logs nothing.
        const int before = callCount();
        const Answer answer =
            post(m_harness->serviceUrl() + QStringLiteral("/twilio/outbound?") + query,
                 outboundParams(QStringLiteral("in-progress")));
        QCOMPARE(answer.status, 403);
        QCOMPARE(callCount(), before);
    }

    // The TwiML escapes what it carries: a number cannot add verbs.
    void dialTwimlIsWellFormed()
    {
        const QByteArray twiml = CallBackRoute::dialCaller(
            QUrl(QStringLiteral("https://sb.example")), {m_inboundSid, QStringLiteral("A&B")},
            QStringLiteral("+1</Number><Hangup/>"), QStringLiteral("+15005550006"));
        const TwimlDocument document = TwimlDocument::parse(twiml);
        QVERIFY2(document.isValid(), twiml.constData());
        QCOMPARE(document.verbs.size(), 1);
        const TwimlVerb &dial = document.verbs.first();
        QCOMPARE(dial.name, QStringLiteral("Dial"));
        QCOMPARE(dial.attribute(QStringLiteral("callerId")), QStringLiteral("+15005550006"));
        QCOMPARE(dial.attribute(QStringLiteral("action")),
                 QStringLiteral("https://sb.example/twilio/outbound-dial?answers=%1&by=A%26B")
                     .arg(m_inboundSid));
        QCOMPARE(dial.children.size(), 1);
        QCOMPARE(dial.children.first().text, QStringLiteral("+1</Number><Hangup/>"));
    }

    void aCallBackToNoCallOfTheLogIsRefused()
    {
        const int before = callCount();
        const Answer answer = post(
            url(WebhookKind::CallBack, {QStringLiteral("CA0000000000000000000000000000dead"), {}}),
            outboundParams(QStringLiteral("in-progress")));
        QCOMPARE(answer.status, 403);
        QVERIFY(answer.body.contains("no incoming call"));
        QCOMPARE(callCount(), before);
    }

    void anUnsignedCallBackIsRefused()
    {
        const int before = callCount();
        const Answer answer = post(url(WebhookKind::CallBack, {m_inboundSid, {}}),
                                   outboundParams(QStringLiteral("in-progress")), false);
        QCOMPARE(answer.status, 403);
        QCOMPARE(callCount(), before);
    }

    void dialsTheCallerAndLogsTheCallBack()
    {
        const CallBackRoute::Link link{m_inboundSid, QStringLiteral("Alice")};
        // The URL cannot name the number to dial: whatever the request says, the log decides.
        FormData params = outboundParams(QStringLiteral("in-progress"));
        params.add(QStringLiteral("Called"), QStringLiteral("+19995550000"));
        const Answer answer = post(url(WebhookKind::CallBack, link), params);
        QCOMPARE(answer.status, 200);
        const TwimlDocument twiml = TwimlDocument::parse(answer.body);
        QVERIFY2(twiml.isValid(), answer.body.constData());
        QCOMPARE(twiml.verbs.size(), 1);
        QCOMPARE(twiml.verbs.first().name, QStringLiteral("Dial"));
        QCOMPARE(twiml.verbs.first().attribute(QStringLiteral("callerId")), m_companyNumber);
        QCOMPARE(twiml.verbs.first().children.first().text, m_callerNumber);

        FormData dial = outboundParams(QStringLiteral("in-progress"));
        dial.add(QStringLiteral("DialCallSid"),
                 QStringLiteral("CA00000000000000000000000000000c01"));
        dial.add(QStringLiteral("DialCallStatus"), QStringLiteral("no-answer"));
        dial.add(QStringLiteral("DialCallDuration"), QStringLiteral("0"));
        const Answer dialAnswer = post(url(WebhookKind::CallBackDial, link), dial);
        QCOMPARE(dialAnswer.status, 200);
        QCOMPARE(TwimlDocument::parse(dialAnswer.body).verbs.first().name,
                 QStringLiteral("Hangup"));
        FormData status = outboundParams(QStringLiteral("completed"));
        status.add(QStringLiteral("CallDuration"), QStringLiteral("31"));
        QCOMPARE(post(url(WebhookKind::CallBackStatus, link), status).status, 204);

        CallReader reader(*m_database);
        const std::optional<CallRecord> outbound = reader.call(kOutboundSid);
        QVERIFY(outbound);
        QCOMPARE(outbound->direction, CallDirection::Outbound);
        QCOMPARE(outbound->callBackOf, m_inboundSid);
        QCOMPARE(outbound->calledBackBy, QStringLiteral("Alice"));
        QCOMPARE(outbound->forwardedTo, m_callerNumber);
        QCOMPARE(outbound->dialStatus, QStringLiteral("no-answer"));
        QCOMPARE(outbound->status, CallStatus::Completed);
        QCOMPARE(outbound->durationS, std::optional<int>(31));
        QCOMPARE(outbound->outcome(), Outcome::Missed); // the caller was not reached
        const std::optional<CallRecord> inbound = reader.call(m_inboundSid);
        QVERIFY(inbound->lastCallBack);
        QCOMPARE(inbound->lastCallBack->callSid, kOutboundSid);
        QCOMPARE(inbound->lastCallBack->by, QStringLiteral("Alice"));
        QCOMPARE(inbound->lastCallBack->outcome, Outcome::Missed);
        QCOMPARE(inbound->direction, CallDirection::Inbound);

        // A call back cannot be called back, nor answer itself.
        const Answer again = post(url(WebhookKind::CallBack, {kOutboundSid, {}}),
                                  outboundParams(QStringLiteral("in-progress")));
        QCOMPARE(again.status, 403);

        // The export says which way each call went, and which call a call back answers.
        const QByteArray csv = m_harness->exportLog(QStringLiteral("csv"));
        const QList<QByteArray> lines = csv.split('\n');
        QVERIFY(lines.first().contains("direction,call_back_of,called_back_by,"));
        QVERIFY(csv.contains(QStringLiteral(",outbound,%1,Alice").arg(m_inboundSid).toUtf8()));
        QVERIFY(csv.contains(",inbound,,"));
    }
};

QTEST_GUILESS_MAIN(TestCallBackService)
#include "TestCallBackService.moc"
