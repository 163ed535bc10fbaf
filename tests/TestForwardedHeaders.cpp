#include "ReliabilityLog.h"
#include "ServiceHarness.h"
#include "twilio/RequestSignature.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ReliabilityLog;
using Switchboard::Testing::ServiceHarness;

// Behind a reverse proxy, the URL Twilio signed is the proxy's. The service takes it from
// --public-url, or from X-Forwarded-Proto/-Host when (and only when) the proxy is trusted.
class TestForwardedHeaders final : public QObject
{
    Q_OBJECT

    const QString twilioUrl = QStringLiteral("https://switchboard.example.com/twilio/voice");

    static FormData params()
    {
        return {{QStringLiteral("AccountSid"), ServiceHarness::accountSid},
                {QStringLiteral("CallSid"), QStringLiteral("CA0000000000000000000000000000beef")},
                {QStringLiteral("CallStatus"), QStringLiteral("ringing")},
                {QStringLiteral("From"), QStringLiteral("+14155550100")}};
    }

    static int post(const ServiceHarness &harness, const QString &signedFor, bool forwarded)
    {
        QNetworkAccessManager network;
        QNetworkRequest request(QUrl(harness.serviceUrl() + QStringLiteral("/twilio/voice")));
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded"));
        request.setRawHeader(
            "X-Twilio-Signature",
            RequestSignature::compute(ServiceHarness::authToken.toUtf8(), signedFor, params()));
        if (forwarded) {
            request.setRawHeader("X-Forwarded-Proto", "https");
            request.setRawHeader("X-Forwarded-Host", "switchboard.example.com");
        }
        QNetworkReply *reply = network.post(request, params().encode());
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        reply->deleteLater();
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }

private Q_SLOTS:
    void trustedProxySaysWhichUrlWasSigned()
    {
        ServiceHarness harness;
        QVERIFY(harness.startService(
            {QStringLiteral("--trusted-proxy"), QStringLiteral("127.0.0.1, ::1")}));
        QCOMPARE(post(harness, twilioUrl, true), 200);
        // The default port written out is the same URL, as in Twilio's own libraries.
        QCOMPARE(
            post(harness, QStringLiteral("https://switchboard.example.com:443/twilio/voice"), true),
            200);
        // Signed for another host than the proxy reports: refused.
        QCOMPARE(post(harness, QStringLiteral("https://evil.example.com/twilio/voice"), true), 403);
        // Without the headers the public URL (here the listening address) decides.
        QCOMPARE(post(harness, harness.serviceUrl() + QStringLiteral("/twilio/voice"), false), 200);
        ReliabilityLog::record(
            QStringLiteral("hostile input"),
            QStringLiteral(
                "X-Forwarded-Proto/-Host from a trusted proxy; a signature for another host"),
            QStringLiteral("accepted as the URL Twilio signed; another host 403"));
    }

    void untrustedForwardedHeadersAreIgnored()
    {
        ServiceHarness harness;
        QVERIFY(harness.startService(
            {QStringLiteral("--public-url"), QStringLiteral("https://public.example.com")}));
        // Anyone can send these headers: from an untrusted peer they change nothing.
        QCOMPARE(post(harness, twilioUrl, true), 403);
        QCOMPARE(post(harness, QStringLiteral("https://public.example.com/twilio/voice"), true),
                 200);
        ReliabilityLog::record(
            QStringLiteral("hostile input"),
            QStringLiteral("X-Forwarded-Host from an untrusted client"),
            QStringLiteral("ignored: the signature must match --public-url (403 otherwise)"));
    }
};

QTEST_GUILESS_MAIN(TestForwardedHeaders)
#include "TestForwardedHeaders.moc"
