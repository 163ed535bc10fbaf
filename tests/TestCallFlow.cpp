#include "twilio/CallFlow.h"
#include "twilio/TwimlDocument.h"

#include <QTest>

using namespace Switchboard;

class TestCallFlow final : public QObject
{
    Q_OBJECT

    CallFlow flow() const
    {
        CallFlowSettings settings;
        settings.publicUrl = QUrl(QStringLiteral("https://switchboard.example.com/"));
        settings.forwardTo = QStringLiteral("+15550100200");
        settings.greeting = QStringLiteral("Thanks for calling <Acme> & co. Press 1 or 2.");
        settings.voice = QStringLiteral("Polly.Joanna");
        settings.language = QStringLiteral("en-US");
        settings.ringTimeoutS = 25;
        settings.voicemailMaxS = 90;
        settings.menuRepeats = 2;
        return CallFlow(settings);
    }

    static TwimlDocument parse(const QByteArray &xml)
    {
        const TwimlDocument document = TwimlDocument::parse(xml);
        if (!document.isValid())
            qWarning() << document.error << xml;
        return document;
    }

    static QStringList verbs(const TwimlDocument &document)
    {
        QStringList names;
        for (const TwimlVerb &verb : document.verbs)
            names.append(verb.name);
        return names;
    }

    static void verifyVoicemail(const TwimlDocument &document)
    {
        const auto record =
            std::find_if(document.verbs.cbegin(), document.verbs.cend(), [](const TwimlVerb &verb) {
                return verb.name == QLatin1String("Record");
            });
        QVERIFY(record != document.verbs.cend());
        QCOMPARE(record->attribute(QStringLiteral("action")),
                 QStringLiteral("https://switchboard.example.com/twilio/recording"));
        QCOMPARE(record->attribute(QStringLiteral("recordingStatusCallback")),
                 QStringLiteral("https://switchboard.example.com/twilio/recording-status"));
        QCOMPARE(record->attribute(QStringLiteral("maxLength")), QStringLiteral("90"));
        QCOMPARE(record->attribute(QStringLiteral("playBeep")), QStringLiteral("true"));
        QCOMPARE(document.verbs.last().name, QStringLiteral("Hangup"));
    }

    static Webhook webhook(WebhookKind kind, const FormData &params = {})
    {
        Webhook webhook;
        webhook.kind = kind;
        webhook.params = params;
        return webhook;
    }

    static QUrl at(const QString &pathAndQuery)
    {
        return QUrl(QStringLiteral("https://switchboard.example.com") + pathAndQuery);
    }

private Q_SLOTS:
    void greetingIsSpokenInsideGather()
    {
        const TwimlDocument document = parse(flow().incomingCall());
        QVERIFY(document.isValid());
        QCOMPARE(verbs(document),
                 (QStringList{QStringLiteral("Gather"), QStringLiteral("Redirect")}));
        const TwimlVerb &gather = document.verbs.first();
        QCOMPARE(gather.attribute(QStringLiteral("numDigits")), QStringLiteral("1"));
        QCOMPARE(gather.attribute(QStringLiteral("action")),
                 QStringLiteral("https://switchboard.example.com/twilio/menu?attempt=1"));
        QCOMPARE(gather.children.size(), 1);
        QCOMPARE(gather.children.first().name, QStringLiteral("Say"));
        // Escaped on the way out, intact on the way back.
        QCOMPARE(gather.children.first().text,
                 QStringLiteral("Thanks for calling <Acme> & co. Press 1 or 2."));
        QCOMPARE(gather.children.first().attribute(QStringLiteral("voice")),
                 QStringLiteral("Polly.Joanna"));
        QCOMPARE(document.verbs.at(1).text, gather.attribute(QStringLiteral("action")));
    }

    void pressingOneDialsTheStaffPhone()
    {
        const TwimlDocument document =
            parse(flow().menuChoice(QStringLiteral("1"), 1, QStringLiteral("+14155550100")));
        QCOMPARE(verbs(document), QStringList{QStringLiteral("Dial")});
        const TwimlVerb &dial = document.verbs.first();
        QCOMPARE(dial.attribute(QStringLiteral("action")),
                 QStringLiteral("https://switchboard.example.com/twilio/dial"));
        QCOMPARE(dial.attribute(QStringLiteral("timeout")), QStringLiteral("25"));
        QCOMPARE(dial.attribute(QStringLiteral("callerId")), QStringLiteral("+14155550100"));
        QCOMPARE(dial.children.first().name, QStringLiteral("Number"));
        QCOMPARE(dial.children.first().text, QStringLiteral("+15550100200"));
    }

    void withheldCallerIdIsNotPassedOn()
    {
        const TwimlDocument document =
            parse(flow().menuChoice(QStringLiteral("1"), 1, QStringLiteral("anonymous")));
        QVERIFY(!document.verbs.first().attributes.contains(QStringLiteral("callerId")));
    }

    void pressingTwoRecordsAVoicemail()
    {
        verifyVoicemail(parse(flow().menuChoice(QStringLiteral("2"), 1, {})));
    }

    void invalidKeyRepeatsTheMenu()
    {
        const TwimlDocument document = parse(flow().menuChoice(QStringLiteral("7"), 1, {}));
        QCOMPARE(verbs(document), (QStringList{QStringLiteral("Say"), QStringLiteral("Gather"),
                                               QStringLiteral("Redirect")}));
        QVERIFY(document.verbs.first().text.contains(QLatin1String("not a valid option")));
        QCOMPARE(document.verbs.at(1).attribute(QStringLiteral("action")),
                 QStringLiteral("https://switchboard.example.com/twilio/menu?attempt=2"));
    }

    void silenceRepeatsTheMenuThenTakesAVoicemail()
    {
        const TwimlDocument again = parse(flow().menuChoice(QString(), 1, {}));
        QCOMPARE(verbs(again), (QStringList{QStringLiteral("Gather"), QStringLiteral("Redirect")}));
        verifyVoicemail(parse(flow().menuChoice(QString(), 2, {})));
    }

    void answeredDialHangsUp()
    {
        QCOMPARE(verbs(parse(flow().dialResult(QStringLiteral("completed")))),
                 QStringList{QStringLiteral("Hangup")});
        QCOMPARE(verbs(parse(flow().dialResult(QStringLiteral("answered")))),
                 QStringList{QStringLiteral("Hangup")});
    }

    void unansweredDialTakesAVoicemail_data()
    {
        QTest::addColumn<QString>("status");
        for (const char *status : {"no-answer", "busy", "failed", "canceled"})
            QTest::newRow(status) << QString::fromLatin1(status);
    }

    void unansweredDialTakesAVoicemail()
    {
        QFETCH(QString, status);
        const TwimlDocument document = parse(flow().dialResult(status));
        QCOMPARE(document.verbs.first().name, QStringLiteral("Say"));
        verifyVoicemail(document);
    }

    void recordingDoneSaysGoodbye()
    {
        QCOMPARE(verbs(parse(flow().recordingDone())),
                 (QStringList{QStringLiteral("Say"), QStringLiteral("Hangup")}));
    }

    // respond() is what the service and bench-handler run: each webhook reaches its step.
    void respondAnswersEachWebhookWithItsStep()
    {
        const CallFlow flow = this->flow();
        QCOMPARE(flow.respond(webhook(WebhookKind::Voice), at(QStringLiteral("/twilio/voice"))),
                 flow.incomingCall());
        QCOMPARE(
            flow.respond(webhook(WebhookKind::Recording), at(QStringLiteral("/twilio/recording"))),
            flow.recordingDone());

        const std::optional<QByteArray> busy =
            flow.respond(webhook(WebhookKind::Dial,
                                 {{QStringLiteral("DialCallStatus"), QStringLiteral("busy")}}),
                         at(QStringLiteral("/twilio/dial")));
        QVERIFY(busy.has_value());
        const TwimlDocument afterBusy = parse(*busy);
        QCOMPARE(afterBusy.verbs.first().text, QStringLiteral("Sorry, the line is busy."));
        verifyVoicemail(afterBusy);

        const std::optional<QByteArray> forward = flow.respond(
            webhook(WebhookKind::Menu, {{QStringLiteral("Digits"), QStringLiteral("1")},
                                        {QStringLiteral("From"), QStringLiteral("+14155550100")}}),
            at(QStringLiteral("/twilio/menu?attempt=1")));
        QVERIFY(forward.has_value());
        const TwimlDocument dial = parse(*forward);
        QCOMPARE(verbs(dial), QStringList{QStringLiteral("Dial")});
        QCOMPARE(dial.verbs.first().attribute(QStringLiteral("callerId")),
                 QStringLiteral("+14155550100"));
    }

    // The menu's playing travels in the action URL's query; without one it is the first.
    void respondReadsTheMenuAttemptFromTheUrl()
    {
        const CallFlow flow = this->flow(); // menuRepeats = 2
        const Webhook silence = webhook(WebhookKind::Menu, {{QStringLiteral("Digits"), QString()}});
        verifyVoicemail(
            parse(*flow.respond(silence, at(QStringLiteral("/twilio/menu?attempt=2")))));
        for (const char *query :
             {"/twilio/menu?attempt=1", "/twilio/menu", "/twilio/menu?attempt=0",
              "/twilio/menu?attempt=-5", "/twilio/menu?attempt=x"}) {
            const TwimlDocument again =
                parse(*flow.respond(silence, at(QString::fromLatin1(query))));
            QCOMPARE(verbs(again),
                     (QStringList{QStringLiteral("Gather"), QStringLiteral("Redirect")}));
            QCOMPARE(again.verbs.first().attribute(QStringLiteral("action")),
                     QStringLiteral("https://switchboard.example.com/twilio/menu?attempt=2"));
        }
    }

    void callbacksGetNoTwiml()
    {
        const CallFlow flow = this->flow();
        QVERIFY(!flow.respond(webhook(WebhookKind::RecordingStatus),
                              at(QStringLiteral("/twilio/recording-status")))
                     .has_value());
        QVERIFY(!flow.respond(webhook(WebhookKind::Status), at(QStringLiteral("/twilio/status")))
                     .has_value());
    }
};

QTEST_GUILESS_MAIN(TestCallFlow)
#include "TestCallFlow.moc"
