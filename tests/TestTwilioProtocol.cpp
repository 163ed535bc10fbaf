#include "twilio/DialOutcome.h"
#include "twilio/MenuKeys.h"
#include "twilio/WebhookRoutes.h"

#include <QTest>

using namespace Switchboard;

// The protocol the service, the simulator and the benches share: where each webhook goes, what
// the menu's and the whisper's keys choose and which dial results mean staff picked up.
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
                                   QStringLiteral("/twilio/status"),
                                   QStringLiteral("/twilio/screen"),
                                   QStringLiteral("/twilio/screen-result"),
                                   QStringLiteral("/twilio/leg-status"),
                                   QStringLiteral("/twilio/transcription"),
                                   QStringLiteral("/twilio/outbound"),
                                   QStringLiteral("/twilio/outbound-dial"),
                                   QStringLiteral("/twilio/outbound-status")};
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

    // The greeting says "To speak to someone, press 1. To leave a message, press 2."
    void menuKeysChooseAsTheGreetingSays_data()
    {
        QTest::addColumn<QString>("digits");
        QTest::addColumn<MenuChoice>("choice");
        QTest::newRow("1") << QStringLiteral("1") << MenuChoice::Forward;
        QTest::newRow("2") << QStringLiteral("2") << MenuChoice::Voicemail;
        for (const char *digits :
             {"", "0", "3", "9", "*", "#", "11", "12", "21", " 1", "1#", "hangup", "\u0661"})
            QTest::addRow("'%s'", digits) << QString::fromUtf8(digits) << MenuChoice::None;
    }

    void menuKeysChooseAsTheGreetingSays()
    {
        QFETCH(QString, digits);
        QFETCH(MenuChoice, choice);
        QCOMPARE(menuChoiceForDigits(digits), choice);
    }

    // The whisper says "Press 1 to accept."; the service, the call log and the leg check agree.
    void onlyTheAcceptKeyTakesAScreenedCall_data()
    {
        QTest::addColumn<QString>("digits");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("1") << QStringLiteral("1") << true;
        for (const char *digits : {"", "2", "9", "*", "#", "11", " 1", "1#", "hangup", "\u0661"})
            QTest::addRow("'%s'", digits) << QString::fromUtf8(digits) << false;
    }

    void onlyTheAcceptKeyTakesAScreenedCall()
    {
        QFETCH(QString, digits);
        QFETCH(bool, accepted);
        QCOMPARE(screenAccepted(digits), accepted);
    }

    void dialStatusSaysWhetherStaffPickedUp_data()
    {
        QTest::addColumn<QString>("dialCallStatus");
        QTest::addColumn<bool>("answered");
        QTest::newRow("completed") << QStringLiteral("completed") << true;
        QTest::newRow("answered") << QStringLiteral("answered") << true;
        for (const char *status : {"busy", "no-answer", "failed", "canceled", "", "in-progress",
                                   "ringing", "Completed", "completed "})
            QTest::addRow("'%s'", status) << QString::fromLatin1(status) << false;
    }

    void dialStatusSaysWhetherStaffPickedUp()
    {
        QFETCH(QString, dialCallStatus);
        QFETCH(bool, answered);
        QCOMPARE(dialWasAnswered(dialCallStatus), answered);
    }
};

QTEST_GUILESS_MAIN(TestTwilioProtocol)
#include "TestTwilioProtocol.moc"
