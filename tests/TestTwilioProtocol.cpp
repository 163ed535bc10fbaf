#include "twilio/WebhookRoutes.h"

#include <QTest>

using namespace Switchboard;

// The protocol the service, the simulator and the benches share: where each webhook goes.
class TestTwilioProtocol final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Numbers already configured at Twilio point at these: they may not move.
    void everyWebhookHasItsPath()
    {
        const QStringList expected{QStringLiteral("/twilio/voice"),
                                   QStringLiteral("/twilio/menu"),
                                   QStringLiteral("/twilio/dial"),
                                   QStringLiteral("/twilio/recording"),
                                   QStringLiteral("/twilio/recording-status"),
                                   QStringLiteral("/twilio/status")};
        QStringList paths;
        for (const WebhookKind kind : allWebhookKinds())
            paths.append(webhookPath(kind));
        QCOMPARE(paths, expected);
    }

    void everyPathRoundTrips()
    {
        for (const WebhookKind kind : allWebhookKinds()) {
            const std::optional<WebhookKind> routed = webhookKindFromPath(webhookPath(kind));
            QVERIFY2(routed.has_value(), qPrintable(webhookPath(kind)));
            QCOMPARE(*routed, kind);
            QCOMPARE(webhookKindFromString(webhookKindToString(kind)), kind);
        }
    }

    void unknownPathIsRefused_data()
    {
        QTest::addColumn<QString>("path");
        for (const char *path :
             {"", "/", "/twilio", "/twilio/", "/twilio/bogus", "/twilio/Voice", "/twilio/voice/",
              "/twilio//voice", "/twilio/menu?attempt=1", "/twilio/recording-", "/voice",
              "twilio/voice", "/TWILIO/voice", "/twilio/voice/../status", "/healthz"})
            QTest::newRow(path) << QString::fromLatin1(path);
    }

    void unknownPathIsRefused()
    {
        QFETCH(QString, path);
        QVERIFY(!webhookKindFromPath(path).has_value());
    }
};

QTEST_GUILESS_MAIN(TestTwilioProtocol)
#include "TestTwilioProtocol.moc"
