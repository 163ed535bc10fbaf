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

    static TwimlDocument parse(const QByteArray &body) { return parse(body.constData()); }

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

    static CallScript withLegs(const char *legs)
    {
        QString error;
        const auto parsed = LegScript::parseList(QString::fromLatin1(legs), &error);
        if (!parsed)
            qWarning() << error;
        CallScript script;
        script.legs = parsed.value_or(QList<LegScript>{});
        return script;
    }

    static QByteArray numbers(int count, bool screened)
    {
        QByteArray nouns;
        for (int i = 0; i < count; ++i) {
            const QByteArray member = QByteArray::number(i);
            nouns += "<Number statusCallback=\"/twilio/leg-status?call=CA1&amp;member=" + member +
                     "\" statusCallbackEvent=\"completed\"";
            if (screened)
                nouns += " url=\"/twilio/screen?call=CA1&amp;member=" + member + "\"";
            nouns += ">+1555010020" + member + "</Number>";
        }
        return nouns;
    }

    static TwimlDocument dialOf(int count, bool screened)
    {
        return parse(QByteArray("<Dial action=\"/twilio/dial\" timeout=\"20\" "
                                "answerOnBridge=\"true\" callerId=\"+14155550142\">") +
                     numbers(count, screened) + "</Dial>");
    }

    static TwimlDocument whisper(const char *member)
    {
        return parse(
            QByteArray("<Gather numDigits=\"1\" timeout=\"5\" actionOnEmptyResult=\"true\" "
                       "action=\"/twilio/screen-result?call=CA1&amp;member=") +
            member +
            "\"><Say>Call from plus one four one five. Press 1 to "
            "accept.</Say></Gather><Hangup/>");
    }

    // Plays one leg's whisper: the screen request, the Gather's answer, then `result`.
    static QString screenLeg(TwimlWalker &walker, const char *member, const char *expectedDigits,
                             const char *result)
    {
        const WalkStep screen = walker.next();
        if (screen.kind != WalkStep::Kind::Request || !screen.leg)
            return QStringLiteral("no screen request");
        const QString sid = screen.leg->sid;
        walker.load(whisper(member), screen.url);
        const WalkStep gathered = walker.next();
        if (gathered.kind != WalkStep::Kind::Request || !gathered.leg || gathered.leg->sid != sid ||
            gathered.params.value(QStringLiteral("Digits")) != QLatin1String(expectedDigits) ||
            !gathered.url.toString().contains(QLatin1String("screen-result")))
            return QStringLiteral("no screen-result request with Digits=") +
                   QLatin1String(expectedDigits);
        walker.load(parse(result), gathered.url);
        return sid;
    }

    void simultaneousLegsSecondAccepts()
    {
        TwimlWalker walker(withLegs("Alice:decline,Bob:accept,Carol:no-answer"));
        walker.load(dialOf(3, true), voiceUrl);

        // Alice answers first, hears the whisper, presses 9 and is hung up.
        const QString alice = screenLeg(walker, "0", "9", "<Hangup/>");
        QVERIFY2(isValidSid(alice, QLatin1String("CA")), qPrintable(alice));
        const WalkStep aliceStatus = walker.next();
        QCOMPARE(aliceStatus.kind, WalkStep::Kind::Callback);
        QCOMPARE(aliceStatus.url,
                 QUrl(QStringLiteral(
                     "https://switchboard.example.com/twilio/leg-status?call=CA1&member=0")));
        QCOMPARE(aliceStatus.leg->sid, alice);
        QCOMPARE(aliceStatus.leg->callStatus, QStringLiteral("completed"));
        QVERIFY(aliceStatus.leg->durationSeconds > 0);

        // Bob presses 1: the whisper ends, Bob is bridged; Carol, still ringing, is canceled.
        const QString bob = screenLeg(walker, "1", "1", "");
        QVERIFY2(isValidSid(bob, QLatin1String("CA")), qPrintable(bob));
        QVERIFY(bob != alice);
        const WalkStep carolStatus = walker.next();
        QCOMPARE(carolStatus.kind, WalkStep::Kind::Callback);
        QCOMPARE(carolStatus.leg->to, QStringLiteral("+15550100202"));
        QCOMPARE(carolStatus.leg->callStatus, QStringLiteral("canceled"));
        QCOMPARE(carolStatus.leg->durationSeconds, -1);
        const WalkStep bobStatus = walker.next();
        QCOMPARE(bobStatus.leg->sid, bob);
        QCOMPARE(bobStatus.leg->callStatus, QStringLiteral("completed"));
        QVERIFY(bobStatus.leg->durationSeconds >= 20); // the whisper and the conversation

        const WalkStep action = walker.next();
        QCOMPARE(action.kind, WalkStep::Kind::Request);
        QCOMPARE(action.purpose, QStringLiteral("dial action"));
        QVERIFY(!action.leg);
        QCOMPARE(action.params.value(QStringLiteral("DialCallStatus")),
                 QStringLiteral("completed"));
        QCOMPARE(action.params.value(QStringLiteral("DialCallSid")), bob);
        QCOMPARE(action.params.value(QStringLiteral("DialCallDuration")),
                 QString::number(bobStatus.leg->durationSeconds));

        QCOMPARE(walker.legs().size(), 3);
        QCOMPARE(walker.legs().at(0).result, QStringLiteral("declined"));
        QCOMPARE(walker.legs().at(0).keys, QStringList{QStringLiteral("9")});
        QCOMPARE(walker.legs().at(1).result, QStringLiteral("accepted"));
        QCOMPARE(walker.legs().at(1).name, QStringLiteral("Bob"));
        QCOMPARE(walker.legs().at(2).result, QStringLiteral("canceled"));
        QVERIFY(walker.legErrors().isEmpty());
    }

    void legsWithoutAWinner_data()
    {
        QTest::addColumn<QString>("legs");
        QTest::addColumn<QString>("dialStatus");
        QTest::addColumn<QStringList>("legStatuses");
        QTest::newRow("all busy") << "busy,busy"
                                  << "busy" << QStringList{"busy", "busy"};
        QTest::newRow("busy and no answer") << "busy,no-answer"
                                            << "no-answer" << QStringList{"busy", "no-answer"};
        QTest::newRow("all failed") << "failed,failed"
                                    << "failed" << QStringList{"failed", "failed"};
    }

    void legsWithoutAWinner()
    {
        QFETCH(QString, legs);
        QFETCH(QString, dialStatus);
        QFETCH(QStringList, legStatuses);
        TwimlWalker walker(withLegs(legs.toLatin1().constData()));
        walker.load(dialOf(2, true), voiceUrl);
        QStringList statuses;
        WalkStep step = walker.next();
        while (step.kind == WalkStep::Kind::Callback) {
            statuses.append(step.leg->callStatus);
            QCOMPARE(step.leg->durationSeconds, -1); // never answered
            step = walker.next();
        }
        QCOMPARE(statuses, legStatuses);
        QCOMPARE(step.purpose, QStringLiteral("dial action"));
        QCOMPARE(step.params.value(QStringLiteral("DialCallStatus")), dialStatus);
        QCOMPARE(step.params.value(QStringLiteral("DialBridged")), QStringLiteral("false"));
    }

    void voicemailPickingUpIsNotBridged()
    {
        TwimlWalker walker(withLegs("Alice:voicemail"));
        walker.load(dialOf(1, true), voiceUrl);
        QVERIFY(isValidSid(screenLeg(walker, "0", "", "<Hangup/>"), QLatin1String("CA")));
        QCOMPARE(walker.next().leg->callStatus, QStringLiteral("completed"));
        const WalkStep action = walker.next();
        // Twilio's word for a Dial whose leg answered; not bridged, so nobody took the call.
        QCOMPARE(action.params.value(QStringLiteral("DialCallStatus")),
                 QStringLiteral("completed"));
        QCOMPARE(action.params.value(QStringLiteral("DialBridged")), QStringLiteral("false"));
        QCOMPARE(walker.legs().at(0).result, QStringLiteral("voicemail"));
    }

    void withoutWhisperAnsweringBridges()
    {
        // No <Number url>: a voicemail picking up is bridged, as on a real phone.
        TwimlWalker walker(withLegs("Alice:voicemail,Bob:accept"));
        walker.load(dialOf(2, false), voiceUrl);
        QCOMPARE(walker.next().leg->callStatus, QStringLiteral("canceled")); // Bob
        const WalkStep alice = walker.next();
        QCOMPARE(alice.leg->callStatus, QStringLiteral("completed"));
        const WalkStep action = walker.next();
        QCOMPARE(action.params.value(QStringLiteral("DialCallSid")), alice.leg->sid);
        QCOMPARE(action.params.value(QStringLiteral("DialCallStatus")),
                 QStringLiteral("completed"));
    }

    void sequentialLegsFollowTheNumbersDialled()
    {
        // Entry k is for the k-th distinct number dialled, whichever <Dial> it is in.
        TwimlWalker walker(withLegs("Alice:no-answer,Bob:accept"));
        walker.load(parse("<Dial action=\"/twilio/dial?member=0\" timeout=\"15\">"
                          "<Number>+15550100200</Number></Dial>"),
                    voiceUrl);
        const WalkStep first = walker.next();
        QCOMPARE(first.purpose, QStringLiteral("dial action"));
        QCOMPARE(first.params.value(QStringLiteral("DialCallStatus")), QStringLiteral("no-answer"));
        QCOMPARE(walker.elapsedMs(), 15000);
        walker.load(parse("<Dial action=\"/twilio/dial?member=1\" timeout=\"15\">"
                          "<Number>+15550100201</Number></Dial>"),
                    first.url);
        const WalkStep second = walker.next();
        QCOMPARE(second.url,
                 QUrl(QStringLiteral("https://switchboard.example.com/twilio/dial?member=1")));
        QCOMPARE(second.params.value(QStringLiteral("DialCallStatus")),
                 QStringLiteral("completed"));
        // Alice rung again keeps her entry; a number past the list does not answer.
        walker.load(parse("<Dial action=\"/d\"><Number>+15550100200</Number>"
                          "<Number>+15550100209</Number></Dial>"),
                    voiceUrl);
        QCOMPARE(walker.next().params.value(QStringLiteral("DialCallStatus")),
                 QStringLiteral("no-answer"));
        QStringList results;
        for (const LegReport &leg : walker.legs())
            results.append(leg.name + QLatin1Char(' ') + leg.result);
        QCOMPARE(results, (QStringList{"Alice no-answer", "Bob accepted", "Alice no-answer",
                                       "+15550100209 no-answer"}));
    }

    void moreThanTenNumbersIsRejected()
    {
        TwimlWalker walker(CallScript{});
        walker.load(dialOf(TwimlWalker::kMaxNumbersPerDial, true), voiceUrl);
        QCOMPARE(walker.next().kind, WalkStep::Kind::Request); // ten: the first screen
        TwimlWalker refused(CallScript{});
        refused.load(dialOf(TwimlWalker::kMaxNumbersPerDial + 1, true), voiceUrl);
        const WalkStep step = refused.next();
        QCOMPARE(step.kind, WalkStep::Kind::Failure);
        QVERIFY2(step.error.contains(QLatin1String("11 numbers")), qPrintable(step.error));
        QVERIFY(refused.legs().isEmpty());
    }

    void whisperRedirectLoopIsBounded()
    {
        TwimlWalker walker(withLegs("Alice:accept,Bob:accept"));
        walker.load(dialOf(2, true), voiceUrl);
        int aliceRequests = 0;
        WalkStep step = walker.next();
        while (step.kind == WalkStep::Kind::Request && step.leg &&
               step.leg->to == QLatin1String("+15550100200")) {
            ++aliceRequests;
            QVERIFY(aliceRequests <= TwimlWalker::kMaxLegRequests);
            walker.load(parse("<Say>Hold on</Say><Redirect>/twilio/screen?again=1</Redirect>"),
                        step.url);
            step = walker.next();
        }
        QCOMPARE(aliceRequests, TwimlWalker::kMaxLegRequests);
        QCOMPARE(step.kind, WalkStep::Kind::Callback); // Alice's leg is hung up
        QCOMPARE(step.leg->callStatus, QStringLiteral("completed"));
        QCOMPARE(walker.legErrors().size(), 1);
        QVERIFY(walker.legErrors().first().contains(QLatin1String("a loop")));
        // The dial goes on: Bob is screened and accepts.
        step = walker.next();
        QCOMPARE(step.leg->to, QStringLiteral("+15550100201"));
    }

    void whisperMayNotDial()
    {
        TwimlWalker walker(withLegs("Alice:accept"));
        walker.load(dialOf(1, true), voiceUrl);
        const WalkStep screen = walker.next();
        walker.load(parse("<Dial>+15550100299</Dial>"), screen.url);
        QCOMPARE(walker.next().leg->callStatus, QStringLiteral("completed"));
        QCOMPARE(walker.next().params.value(QStringLiteral("DialCallStatus")),
                 QStringLiteral("completed")); // the leg answered, then was hung up
        QCOMPARE(walker.legs().at(0).result, QStringLiteral("error"));
        QVERIFY(walker.legErrors().first().contains(QLatin1String("<Dial> is not allowed")));
    }

    void unfetchableWhisperEndsTheLegOnly()
    {
        TwimlWalker walker(withLegs("Alice:accept,Bob:accept"));
        walker.load(dialOf(2, true), voiceUrl);
        QVERIFY(walker.next().leg);
        walker.failLegRequest(QStringLiteral("leg 1 url answered HTTP 500"));
        QCOMPARE(walker.next().leg->callStatus, QStringLiteral("completed")); // Alice ends
        QCOMPARE(walker.next().leg->to, QStringLiteral("+15550100201"));      // Bob's screen
        QCOMPARE(walker.legErrors(), QStringList{"leg 1 Alice (+15550100200): leg 1 url answered "
                                                 "HTTP 500"});
    }

    void recordAsksForATranscription()
    {
        CallScript script;
        script.voicemailSeconds = 5;
        TwimlWalker walker(script);
        walker.load(parse("<Record action=\"/r\" transcribe=\"true\" "
                          "transcribeCallback=\"/twilio/transcription\"/>"),
                    voiceUrl);
        QCOMPARE(walker.next().recording->transcribeCallback,
                 QUrl(QStringLiteral("https://switchboard.example.com/twilio/transcription")));
        TwimlWalker untranscribed(script);
        untranscribed.load(parse("<Record action=\"/r\" transcribeCallback=\"/t\"/>"), voiceUrl);
        QVERIFY(untranscribed.next().recording->transcribeCallback.isEmpty());
    }

    void legsListIsChecked()
    {
        QString error;
        const auto legs = LegScript::parseList(QStringLiteral("Alice:decline, Bob : accept,busy,"
                                                              "Dr. A: B:voicemail"),
                                               &error);
        QVERIFY2(legs, qPrintable(error));
        QCOMPARE(legs->size(), 4);
        QCOMPARE(legs->at(1).name, QStringLiteral("Bob"));
        QCOMPARE(legs->at(1).behaviour, LegScript::Behaviour::Accept);
        QVERIFY(legs->at(2).name.isEmpty());
        QCOMPARE(legs->at(3).name, QStringLiteral("Dr. A: B"));
        QCOMPARE(legs->at(3).behaviour, LegScript::Behaviour::Voicemail);
        QVERIFY(!LegScript::parseList(QStringLiteral("Alice:maybe"), &error));
        QVERIFY(error.contains(QLatin1String("Alice:maybe")));
        QVERIFY(!LegScript::parseList(QStringLiteral(":accept"), &error));
        QVERIFY(!LegScript::parseList(QString(65, QLatin1Char('n')) + QStringLiteral(":accept"),
                                      &error));
        QVERIFY(!LegScript::parseList(QStringLiteral("A\x01:accept"), &error));
        QStringList many(LegScript::kMaxEntries, QStringLiteral("busy"));
        QVERIFY(LegScript::parseList(many.join(QLatin1Char(',')), &error));
        many.append(QStringLiteral("busy"));
        QVERIFY(!LegScript::parseList(many.join(QLatin1Char(',')), &error));
        QVERIFY(error.contains(QLatin1String("at most 100")));
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
