#include "TwimlWalker.h"
#include "UrlMapper.h"

#include <QTest>
#include <twilio/Identifiers.h>

using namespace Switchboard;

// TwimlWalker executes TwiML as Twilio would, with no network: each test loads a document and
// checks the request (or hang-up) Twilio would make next, with the parameters it would add.
class TestTwimlWalk final : public QObject
{
    Q_OBJECT

    const QUrl voiceUrl{QStringLiteral("https://switchboard.example.com/twilio/voice")};

    static TwimlDocument parse(const char *body)
    {
        const TwimlDocument document = TwimlDocument::parse(
            QByteArray("<?xml version=\"1.0\"?><Response>") + body + "</Response>");
        if (!document.isValid())
            qWarning() << document.error;
        return document;
    }

    static CallScript pressing(const QStringList &presses)
    {
        CallScript script;
        script.presses = presses;
        return script;
    }

private Q_SLOTS:
    void gatherSendsTheKeyToItsAction()
    {
        TwimlWalker walker(pressing({QStringLiteral("1")}));
        walker.load(parse("<Gather numDigits=\"1\" action=\"/twilio/menu\"><Say>Press 1 for "
                          "sales, 2 for voicemail.</Say></Gather>"),
                    voiceUrl);
        const WalkStep step = walker.next();
        QCOMPARE(step.kind, WalkStep::Kind::Request);
        QCOMPARE(step.url, QUrl(QStringLiteral("https://switchboard.example.com/twilio/menu")));
        QCOMPARE(step.params.value(QStringLiteral("Digits")), QStringLiteral("1"));
        QVERIFY(step.params.contains(QStringLiteral("FinishedOnKey")));
        QCOMPARE(step.params.value(QStringLiteral("msg")), QStringLiteral("Gather End"));
        QVERIFY(!step.callerHungUp);
        QCOMPARE(walker.keysPressed(), QStringList{QStringLiteral("1")});
        QVERIFY(walker.elapsedMs() >= 2000); // the prompt was heard
    }

    void gatherWithoutActionPostsToTheDocument()
    {
        TwimlWalker walker(pressing({QStringLiteral("2")}));
        walker.load(parse("<Gather numDigits=\"1\"/>"), voiceUrl);
        QCOMPARE(walker.next().url, voiceUrl);
    }

    void finishOnKeyEndsInput()
    {
        TwimlWalker walker(pressing({QStringLiteral("42#")}));
        walker.load(parse("<Gather action=\"next\"/>"), voiceUrl);
        const WalkStep step = walker.next();
        QCOMPARE(step.params.value(QStringLiteral("Digits")), QStringLiteral("42"));
        QCOMPARE(step.params.value(QStringLiteral("FinishedOnKey")), QStringLiteral("#"));
        QCOMPARE(step.url, QUrl(QStringLiteral("https://switchboard.example.com/twilio/next")));
    }

    void numDigitsCutsInput()
    {
        TwimlWalker walker(pressing({QStringLiteral("123")}));
        walker.load(parse("<Gather numDigits=\"2\" action=\"/a\"/>"), voiceUrl);
        QCOMPARE(walker.next().params.value(QStringLiteral("Digits")), QStringLiteral("12"));
    }

    void silenceContinuesAfterGather()
    {
        TwimlWalker walker(CallScript{});
        walker.load(parse("<Gather numDigits=\"1\" action=\"/twilio/menu\" timeout=\"7\"><Say>Menu"
                          "</Say></Gather><Say>We didn't get that.</Say>"
                          "<Redirect>/twilio/voice?attempt=2</Redirect>"),
                    voiceUrl);
        const WalkStep step = walker.next();
        QCOMPARE(step.kind, WalkStep::Kind::Request);
        QCOMPARE(step.purpose, QStringLiteral("redirect"));
        QCOMPARE(step.url,
                 QUrl(QStringLiteral("https://switchboard.example.com/twilio/voice?attempt=2")));
        QVERIFY(step.params.isEmpty());
        QVERIFY(walker.elapsedMs() >= 7000); // the Gather timeout was waited out
        QVERIFY(walker.keysPressed().isEmpty());
    }

    void silenceMarkerSkipsOneGather()
    {
        TwimlWalker walker(pressing({QStringLiteral("-"), QStringLiteral("2")}));
        walker.load(parse("<Gather numDigits=\"1\" action=\"/m\"/><Redirect>/again</Redirect>"),
                    voiceUrl);
        QCOMPARE(walker.next().purpose, QStringLiteral("redirect"));
        walker.load(parse("<Gather numDigits=\"1\" action=\"/m\"/>"), voiceUrl);
        QCOMPARE(walker.next().params.value(QStringLiteral("Digits")), QStringLiteral("2"));
    }

    void actionOnEmptyResultPostsEmptyDigits()
    {
        TwimlWalker walker(CallScript{});
        walker.load(parse("<Gather actionOnEmptyResult=\"true\" action=\"/m\"/><Hangup/>"),
                    voiceUrl);
        const WalkStep step = walker.next();
        QCOMPARE(step.kind, WalkStep::Kind::Request);
        QVERIFY(step.params.contains(QStringLiteral("Digits")));
        QCOMPARE(step.params.value(QStringLiteral("Digits")), QString());
    }

    void hangupInMenu()
    {
        CallScript script = pressing({QStringLiteral("1")});
        script.hangupInMenu = true;
        TwimlWalker walker(script);
        walker.load(parse("<Gather numDigits=\"1\" action=\"/m\"><Say>Menu</Say></Gather>"),
                    voiceUrl);
        QCOMPARE(walker.next().kind, WalkStep::Kind::Hangup);
        QVERIFY(walker.callerHungUp());
        QVERIFY(walker.keysPressed().isEmpty());
    }

    void dialAnsweredReportsTheConversation()
    {
        CallScript script;
        script.farEnd = *FarEnd::parse(QStringLiteral("talk:30"));
        TwimlWalker walker(script);
        walker.load(parse("<Dial action=\"/twilio/dial-done\" timeout=\"20\"><Number>+15550100200"
                          "</Number></Dial>"),
                    voiceUrl);
        const WalkStep step = walker.next();
        QCOMPARE(step.kind, WalkStep::Kind::Request);
        QCOMPARE(step.purpose, QStringLiteral("dial action"));
        QCOMPARE(step.params.value(QStringLiteral("DialCallStatus")), QStringLiteral("completed"));
        QCOMPARE(step.params.value(QStringLiteral("DialCallDuration")), QStringLiteral("30"));
        QCOMPARE(step.params.value(QStringLiteral("DialBridged")), QStringLiteral("true"));
        QVERIFY(isValidSid(step.params.value(QStringLiteral("DialCallSid")), QLatin1String("CA")));
        QVERIFY(!step.callerHungUp);
        QVERIFY(walker.elapsedMs() >= 30000);
        QCOMPARE(walker.dialStatus(), QStringLiteral("completed"));
    }

    void dialUnanswered_data()
    {
        QTest::addColumn<QString>("answer");
        QTest::addColumn<QString>("status");
        QTest::addColumn<bool>("hungUp");
        QTest::newRow("no-answer") << "no-answer"
                                   << "no-answer" << false;
        QTest::newRow("busy") << "busy"
                              << "busy" << false;
        QTest::newRow("failed") << "failed"
                                << "failed" << false;
        QTest::newRow("canceled") << "canceled"
                                  << "canceled" << true;
    }

    void dialUnanswered()
    {
        QFETCH(QString, answer);
        QFETCH(QString, status);
        QFETCH(bool, hungUp);
        CallScript script;
        script.farEnd = *FarEnd::parse(answer);
        TwimlWalker walker(script);
        walker.load(parse("<Dial action=\"/d\" timeout=\"25\">+15550100200</Dial>"), voiceUrl);
        const WalkStep step = walker.next();
        QCOMPARE(step.params.value(QStringLiteral("DialCallStatus")), status);
        QCOMPARE(step.params.value(QStringLiteral("DialCallDuration")), QStringLiteral("0"));
        QCOMPARE(step.params.value(QStringLiteral("DialBridged")), QStringLiteral("false"));
        QCOMPARE(step.callerHungUp, hungUp);
        if (answer == QLatin1String("no-answer"))
            QCOMPARE(walker.elapsedMs(), 25000); // rang for the whole timeout
    }

    void dialWithoutActionContinues()
    {
        CallScript script;
        script.farEnd.kind = FarEnd::Kind::NoAnswer;
        TwimlWalker walker(script);
        walker.load(parse("<Dial>+15550100200</Dial><Redirect>/twilio/voicemail</Redirect>"),
                    voiceUrl);
        const WalkStep step = walker.next();
        QCOMPARE(step.purpose, QStringLiteral("redirect"));
    }

    void recordLeavesAMessage()
    {
        CallScript script;
        script.voicemailSeconds = 12;
        TwimlWalker walker(script);
        QString publishedSid;
        int publishedSeconds = -1;
        walker.setRecordingPublisher([&](const QString &sid, int seconds) -> QString {
            publishedSid = sid;
            publishedSeconds = seconds;
            return QStringLiteral("http://media/Recordings/") + sid;
        });
        walker.load(parse("<Say>Leave a message.</Say><Record action=\"/twilio/recorded\" "
                          "maxLength=\"120\" recordingStatusCallback=\"/twilio/recording\"/>"),
                    voiceUrl);
        const WalkStep step = walker.next();
        QCOMPARE(step.kind, WalkStep::Kind::Request);
        QCOMPARE(step.purpose, QStringLiteral("record action"));
        QVERIFY(isValidSid(publishedSid, QLatin1String("RE")));
        QCOMPARE(publishedSeconds, 12);
        QCOMPARE(step.params.value(QStringLiteral("RecordingSid")), publishedSid);
        QCOMPARE(step.params.value(QStringLiteral("RecordingUrl")),
                 QStringLiteral("http://media/Recordings/") + publishedSid);
        QCOMPARE(step.params.value(QStringLiteral("RecordingDuration")), QStringLiteral("12"));
        QCOMPARE(step.params.value(QStringLiteral("Digits")), QStringLiteral("#"));
        QVERIFY(!step.callerHungUp);
        QVERIFY(step.recording);
        QCOMPARE(step.recording->statusCallback,
                 QUrl(QStringLiteral("https://switchboard.example.com/twilio/recording")));
        QVERIFY(step.recording->wantsEvent(QStringLiteral("completed")));
        QVERIFY(step.recording->startedAtMs > 0);
        QVERIFY(walker.elapsedMs() >= 12000 + step.recording->startedAtMs);
    }

    void recordEndedByHangingUp()
    {
        CallScript script;
        script.voicemailSeconds = 4;
        script.hangupAfterMessage = true;
        TwimlWalker walker(script);
        walker.load(parse("<Record action=\"/r\"/>"), voiceUrl);
        const WalkStep step = walker.next();
        QCOMPARE(step.params.value(QStringLiteral("Digits")), QStringLiteral("hangup"));
        QVERIFY(step.callerHungUp);
        QCOMPARE(walker.next().kind, WalkStep::Kind::Hangup);
    }

    void recordStopsAtMaxLength()
    {
        CallScript script;
        script.voicemailSeconds = 90;
        TwimlWalker walker(script);
        walker.load(parse("<Record action=\"/r\" maxLength=\"60\"/>"), voiceUrl);
        const WalkStep step = walker.next();
        QCOMPARE(step.params.value(QStringLiteral("RecordingDuration")), QStringLiteral("60"));
        QVERIFY(!step.params.contains(QStringLiteral("Digits")));
    }

    void silentRecordSkipsTheAction()
    {
        CallScript script;
        script.voicemailSeconds = 0;
        TwimlWalker walker(script);
        bool published = false;
        walker.setRecordingPublisher([&](const QString &, int) {
            published = true;
            return QString();
        });
        walker.load(parse("<Record action=\"/r\" recordingStatusCallback=\"/s\" "
                          "recordingStatusCallbackEvent=\"completed absent\"/>"
                          "<Say>No message recorded. Goodbye.</Say><Hangup/>"),
                    voiceUrl);
        const WalkStep empty = walker.next();
        QCOMPARE(empty.kind, WalkStep::Kind::Notify);
        QVERIFY(empty.recording);
        QCOMPARE(empty.recording->seconds, 0);
        QVERIFY(empty.recording->wantsEvent(QStringLiteral("absent")));
        QVERIFY(!published);
        QCOMPARE(walker.next().kind, WalkStep::Kind::Hangup); // the verbs after <Record> run
    }

    void endOfDocumentHangsUp()
    {
        TwimlWalker walker(CallScript{});
        walker.load(parse("<Say>Goodbye</Say><Pause length=\"4\"/>"), voiceUrl);
        const WalkStep step = walker.next();
        QCOMPARE(step.kind, WalkStep::Kind::Hangup);
        QCOMPARE(step.finalStatus, QStringLiteral("completed"));
        QCOMPARE(walker.elapsedMs(), 500 + 4000);
    }

    void rejectIsBusy()
    {
        TwimlWalker walker(CallScript{});
        walker.load(parse("<Reject reason=\"busy\"/>"), voiceUrl);
        QCOMPARE(walker.next().finalStatus, QStringLiteral("busy"));
    }

    void unsupportedVerbFails()
    {
        TwimlWalker walker(CallScript{});
        walker.load(parse("<Say>Hi</Say><Enqueue>support</Enqueue>"), voiceUrl);
        const WalkStep step = walker.next();
        QCOMPARE(step.kind, WalkStep::Kind::Failure);
        QVERIFY(step.error.contains(QLatin1String("Enqueue")));
    }

    void urlMapperSendsToServiceAndSignsPublic()
    {
        const UrlMapper mapper({QUrl(QStringLiteral("http://127.0.0.1:8080"))},
                               QUrl(QStringLiteral("https://abc.ngrok.io/")));
        const QUrl fromTwiml(QStringLiteral("https://abc.ngrok.io/twilio/menu?x=1"));
        const QUrl sent = mapper.toSend(fromTwiml);
        QCOMPARE(sent, QUrl(QStringLiteral("http://127.0.0.1:8080/twilio/menu?x=1")));
        QCOMPARE(mapper.toSign(sent), QStringLiteral("https://abc.ngrok.io/twilio/menu?x=1"));
        QCOMPARE(mapper.toSign(mapper.serviceUrl(QStringLiteral("/twilio/voice"))),
                 QStringLiteral("https://abc.ngrok.io/twilio/voice"));
        // A prefix that is not a whole authority is left alone.
        const UrlMapper ports({QUrl(QStringLiteral("http://h:80"))},
                              QUrl(QStringLiteral("https://p")));
        QCOMPARE(ports.toSign(QUrl(QStringLiteral("http://h:8080/x"))),
                 QStringLiteral("http://h:8080/x"));
        // Instances behind one public URL take the requests in turn.
        const UrlMapper pair({QUrl(QStringLiteral("http://127.0.0.1:8081")),
                              QUrl(QStringLiteral("http://127.0.0.1:8082"))},
                             QUrl(QStringLiteral("https://abc.ngrok.io")));
        QCOMPARE(pair.toSend(fromTwiml).port(), 8081);
        QCOMPARE(pair.toSend(fromTwiml).port(), 8082);
        QCOMPARE(pair.toSign(QUrl(QStringLiteral("http://127.0.0.1:8082/twilio/dial"))),
                 QStringLiteral("https://abc.ngrok.io/twilio/dial"));
        QCOMPARE(UrlMapper::resolve(voiceUrl, QStringLiteral("menu")),
                 QUrl(QStringLiteral("https://switchboard.example.com/twilio/menu")));
    }
};

QTEST_GUILESS_MAIN(TestTwimlWalk)
#include "TestTwimlWalk.moc"
