#include "core/CallExport.h"
#include "core/CallRecord.h"

#include <algorithm>
#include <numeric>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Switchboard;

namespace {

const QDateTime t0 = QDateTime(QDate(2026, 11, 25), QTime(14, 0), Qt::UTC);

Webhook hook(WebhookKind kind, int second, FormData params)
{
    params.set(QStringLiteral("CallSid"), QStringLiteral("CA0123456789abcdef0123456789abcdef"));
    params.set(QStringLiteral("AccountSid"), QStringLiteral("AC0123456789abcdef0123456789abcdef"));
    params.set(QStringLiteral("From"), QStringLiteral("+14155550100"));
    params.set(QStringLiteral("To"), QStringLiteral("+14155550199"));
    Webhook webhook;
    webhook.kind = kind;
    webhook.receivedAt = t0.addSecs(second);
    webhook.params = params;
    return webhook;
}

Webhook incoming()
{
    return hook(WebhookKind::Voice, 0,
                {{QStringLiteral("CallStatus"), QStringLiteral("ringing")},
                 {QStringLiteral("CallerName"), QStringLiteral("Jane Doe")},
                 {QStringLiteral("FromCity"), QStringLiteral("SAN FRANCISCO")},
                 {QStringLiteral("FromCountry"), QStringLiteral("US")}});
}

Webhook press(const QString &digits, int second)
{
    Webhook webhook = hook(WebhookKind::Menu, second,
                           {{QStringLiteral("CallStatus"), QStringLiteral("in-progress")},
                            {QStringLiteral("Digits"), digits}});
    webhook.forwardTo = QStringLiteral("+15550100200");
    return webhook;
}

Webhook dial(const QString &status, int talk, int second)
{
    return hook(WebhookKind::Dial, second,
                {{QStringLiteral("CallStatus"), QStringLiteral("in-progress")},
                 {QStringLiteral("DialCallStatus"), status},
                 {QStringLiteral("DialCallDuration"), QString::number(talk)}});
}

Webhook recording(int seconds, int second)
{
    return hook(
        WebhookKind::Recording, second,
        {{QStringLiteral("RecordingSid"), QStringLiteral("RE0123456789abcdef0123456789abcdef")},
         {QStringLiteral("RecordingUrl"),
          QStringLiteral(
              "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/"
              "Recordings/RE0123456789abcdef0123456789abcdef")},
         {QStringLiteral("RecordingDuration"), QString::number(seconds)}});
}

Webhook ended(const QString &status, int duration, int second)
{
    return hook(WebhookKind::Status, second,
                {{QStringLiteral("CallStatus"), status},
                 {QStringLiteral("CallDuration"), QString::number(duration)}});
}

const QString kParentSid = QStringLiteral("CA0123456789abcdef0123456789abcdef");
const QString kAliceLeg = QStringLiteral("CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1");
const QString kBobLeg = QStringLiteral("CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2");
const QString kAlice = QStringLiteral("+15550100201");
const QString kBob = QStringLiteral("+15550100202");

// A webhook on a member's leg, as Twilio sends it: the leg's own CallSid, the caller's as
// ParentCallSid, the member's number as To.
Webhook leg(WebhookKind kind, const QString &legSid, const QString &number, int second,
            FormData params = {})
{
    params.set(QStringLiteral("CallSid"), legSid);
    params.set(QStringLiteral("ParentCallSid"), kParentSid);
    params.set(QStringLiteral("AccountSid"), QStringLiteral("AC0123456789abcdef0123456789abcdef"));
    params.set(QStringLiteral("From"), QStringLiteral("+14155550100"));
    params.set(QStringLiteral("To"), number);
    params.set(QStringLiteral("Direction"), QStringLiteral("outbound-dial"));
    Webhook webhook;
    webhook.kind = kind;
    webhook.receivedAt = t0.addSecs(second);
    webhook.params = params;
    webhook.memberName =
        number == kAlice ? QStringLiteral("Alice Martin") : QStringLiteral("Bob Chen");
    return webhook;
}

Webhook screen(const QString &legSid, const QString &number, int second)
{
    return leg(WebhookKind::Screen, legSid, number, second,
               {{QStringLiteral("CallStatus"), QStringLiteral("in-progress")}});
}

Webhook screenResult(const QString &legSid, const QString &number, const QString &digits,
                     int second)
{
    return leg(WebhookKind::ScreenResult, legSid, number, second,
               {{QStringLiteral("CallStatus"), QStringLiteral("in-progress")},
                {QStringLiteral("Digits"), digits}});
}

Webhook legStatus(const QString &legSid, const QString &number, const QString &status, int duration,
                  int second)
{
    return leg(WebhookKind::LegStatus, legSid, number, second,
               {{QStringLiteral("CallStatus"), status},
                {QStringLiteral("CallDuration"), QString::number(duration)}});
}

Webhook
transcribed(const QString &status, const QString &text, int second,
            const QString &recordingSid = QStringLiteral("RE0123456789abcdef0123456789abcdef"))
{
    return hook(
        WebhookKind::Transcription, second,
        {{QStringLiteral("RecordingSid"), recordingSid},
         {QStringLiteral("TranscriptionSid"), QStringLiteral("TR0123456789abcdef0123456789abcdef")},
         {QStringLiteral("TranscriptionStatus"), status},
         {QStringLiteral("TranscriptionText"), text}});
}

Webhook incomingBecause(const QString &reason)
{
    Webhook webhook = incoming();
    webhook.reason = reason;
    return webhook;
}

QStringList routeOf(const CallRecord &call)
{
    QStringList legs;
    for (const RouteLeg &routeLeg : call.route)
        legs << routeLeg.name + QLatin1Char(' ') + routeLeg.number + QLatin1Char(' ') +
                    legResultToString(routeLeg.result(call.isScreened()));
    return legs;
}

// Screening, both ring: Alice declines, Bob accepts and talks.
QList<Webhook> aliceDeclinesBobAccepts()
{
    return {incoming(),
            press(QStringLiteral("1"), 5),
            screen(kAliceLeg, kAlice, 10),
            screen(kBobLeg, kBob, 11),
            screenResult(kAliceLeg, kAlice, QStringLiteral("9"), 14),
            legStatus(kAliceLeg, kAlice, QStringLiteral("completed"), 5, 15),
            screenResult(kBobLeg, kBob, QStringLiteral("1"), 16),
            legStatus(kBobLeg, kBob, QStringLiteral("completed"), 50, 60),
            dial(QStringLiteral("completed"), 44, 60),
            ended(QStringLiteral("completed"), 61, 61)};
}

CallRecord play(const QList<Webhook> &webhooks)
{
    CallRecord call;
    for (const Webhook &webhook : webhooks)
        call.apply(webhook);
    return call;
}

} // namespace

class TestCallRecord final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void answeredForwardedCall()
    {
        const CallRecord call = play({incoming(), press(QStringLiteral("1"), 5),
                                      dial(QStringLiteral("completed"), 42, 60),
                                      ended(QStringLiteral("completed"), 61, 61)});
        QCOMPARE(call.outcome(), Outcome::Answered);
        QCOMPARE(call.status, CallStatus::Completed);
        QCOMPARE(call.menuChoice, MenuChoice::Forward);
        QCOMPARE(call.forwardedTo, QStringLiteral("+15550100200"));
        QCOMPARE(call.talkDurationS, std::optional<int>(42));
        QCOMPARE(call.durationS, std::optional<int>(61));
        QCOMPARE(call.startedAt, t0);
        QCOMPARE(call.answeredAt, t0.addSecs(18));
        QCOMPARE(call.endedAt, t0.addSecs(61));
        QCOMPARE(call.callerName, QStringLiteral("Jane Doe"));
        QCOMPARE(call.fromCity, QStringLiteral("SAN FRANCISCO"));
    }

    void unansweredThenVoicemail()
    {
        const CallRecord call = play({incoming(), press(QStringLiteral("1"), 5),
                                      dial(QStringLiteral("no-answer"), 0, 25), recording(9, 40),
                                      ended(QStringLiteral("completed"), 41, 41)});
        QCOMPARE(call.outcome(), Outcome::Voicemail);
        QCOMPARE(call.dialStatus, QStringLiteral("no-answer"));
        QVERIFY(!call.answeredAt.isValid());
        QVERIFY(call.voicemail);
        QCOMPARE(call.voicemail->durationS, 9);
        QCOMPARE(call.voicemail->downloadState, DownloadState::Pending);
    }

    void unansweredWithoutMessageIsMissed()
    {
        const CallRecord call =
            play({incoming(), press(QStringLiteral("1"), 5), dial(QStringLiteral("busy"), 0, 8),
                  recording(0, 15), ended(QStringLiteral("completed"), 16, 16)});
        QCOMPARE(call.outcome(), Outcome::Missed);
        QVERIFY(!call.voicemail);
    }

    void hangUpInMenuIsAbandoned()
    {
        const CallRecord call = play({incoming(), ended(QStringLiteral("completed"), 4, 4)});
        QCOMPARE(call.outcome(), Outcome::Abandoned);
        QCOMPARE(call.menuChoice, MenuChoice::None);
    }

    void liveCallIsInProgress()
    {
        QCOMPARE(play({incoming(), press(QStringLiteral("1"), 5)}).outcome(), Outcome::InProgress);
    }

    void recordingStatusBeforeActionStillRecordsVoicemail()
    {
        Webhook status = recording(7, 30);
        status.kind = WebhookKind::RecordingStatus;
        status.params.set(QStringLiteral("RecordingStatus"), QStringLiteral("completed"));
        const CallRecord call =
            play({incoming(), press(QStringLiteral("2"), 3), status, recording(7, 31)});
        QVERIFY(call.voicemail);
        QCOMPARE(call.voicemail->recordingStatus, QStringLiteral("completed"));
        QCOMPARE(call.voicemail->durationS, 7);
    }

    void lateAndRepeatedCallbacksChangeNothing()
    {
        const QList<Webhook> inOrder{incoming(), press(QStringLiteral("1"), 5),
                                     dial(QStringLiteral("completed"), 42, 60),
                                     ended(QStringLiteral("completed"), 61, 61)};
        const CallRecord expected = play(inOrder);
        const CallRecord shuffled =
            play({incoming(), ended(QStringLiteral("completed"), 61, 61),
                  press(QStringLiteral("1"), 5), dial(QStringLiteral("completed"), 42, 60),
                  hook(WebhookKind::Status, 70,
                       {{QStringLiteral("CallStatus"), QStringLiteral("ringing")}}),
                  dial(QStringLiteral("no-answer"), 0, 80), ended(QStringLiteral("busy"), 99, 90)});
        QCOMPARE(shuffled.status, expected.status);
        QCOMPARE(shuffled.outcome(), expected.outcome());
        QCOMPARE(shuffled.durationS, expected.durationS);
        QCOMPARE(shuffled.endedAt, expected.endedAt);
        QCOMPARE(shuffled.talkDurationS, expected.talkDurationS);
        QCOMPARE(shuffled.dialStatus, expected.dialStatus);
    }

    void acceptingLegSaysWhoAnswered()
    {
        const CallRecord call = play(aliceDeclinesBobAccepts());
        QCOMPARE(call.callSid, kParentSid);
        QCOMPARE(call.outcome(), Outcome::Answered);
        QVERIFY(call.answeredBy());
        QCOMPARE(call.answeredBy()->name, QStringLiteral("Bob Chen"));
        QCOMPARE(call.answeredBy()->number, kBob);
        QCOMPARE(call.answeredAt, t0.addSecs(16)); // when Bob pressed 1
        QCOMPARE(call.reason(), CallReason::None);
        QCOMPARE(routeOf(call), (QStringList{QStringLiteral("Alice Martin +15550100201 declined"),
                                             QStringLiteral("Bob Chen +15550100202 accepted")}));
        // The legs' own numbers and statuses are not the caller's call's.
        QCOMPARE(call.to, QStringLiteral("+14155550199"));
        QCOMPARE(call.durationS, std::optional<int>(61));
    }

    void legsDoNotEndTheCallersCall()
    {
        // Alice's leg is over (busy) while Bob talks: the caller's call goes on.
        const CallRecord call =
            play({incoming(), press(QStringLiteral("1"), 5),
                  legStatus(kAliceLeg, kAlice, QStringLiteral("busy"), 0, 8),
                  screen(kBobLeg, kBob, 10), screenResult(kBobLeg, kBob, QStringLiteral("1"), 12)});
        QCOMPARE(call.status, CallStatus::InProgress);
        QCOMPARE(call.outcome(), Outcome::InProgress);
        QCOMPARE(call.from, QStringLiteral("+14155550100"));
        QCOMPARE(call.to, QStringLiteral("+14155550199"));
        // A batch may start with a leg's webhook: the call is still the caller's.
        QCOMPARE(play({screen(kBobLeg, kBob, 10), incoming()}).callSid, kParentSid);
    }

    void anAcceptOutranksAnotherKeyOnTheSameLeg()
    {
        const Webhook no = screenResult(kAliceLeg, kAlice, QStringLiteral("9"), 12);
        const Webhook yes = screenResult(kAliceLeg, kAlice, QStringLiteral("1"), 13);
        const Webhook silence = screenResult(kAliceLeg, kAlice, QString(), 14);
        for (const QList<Webhook> &order : {QList<Webhook>{incoming(), no, yes, silence},
                                            QList<Webhook>{incoming(), silence, yes, no}})
            QCOMPARE(routeOf(play(order)),
                     QStringList{QStringLiteral("Alice Martin +15550100201 accepted")});
        for (const QList<Webhook> &order :
             {QList<Webhook>{incoming(), no, silence}, QList<Webhook>{incoming(), silence, no}})
            QCOMPARE(routeOf(play(order)),
                     QStringList{QStringLiteral("Alice Martin +15550100201 declined")});
    }

    void personalVoicemailIsNotAnswered()
    {
        // The member's own voicemail picks up: it answers and presses nothing. Twilio reports
        // the dial "completed"; the call went on to Switchboard's voicemail.
        const CallRecord call =
            play({incoming(), press(QStringLiteral("1"), 5), screen(kAliceLeg, kAlice, 10),
                  screenResult(kAliceLeg, kAlice, QString(), 16),
                  legStatus(kAliceLeg, kAlice, QStringLiteral("completed"), 6, 16),
                  dial(QStringLiteral("completed"), 6, 16), recording(12, 30),
                  ended(QStringLiteral("completed"), 31, 31)});
        QCOMPARE(call.outcome(), Outcome::Voicemail);
        QVERIFY(!call.answeredBy());
        QVERIFY(!call.answeredAt.isValid());
        QCOMPARE(call.reason(), CallReason::NoOneAccepted);
        QCOMPARE(routeOf(call), QStringList{QStringLiteral("Alice Martin +15550100201 voicemail")});

        const CallRecord hungUp = play(
            {incoming(), press(QStringLiteral("1"), 5), screen(kAliceLeg, kAlice, 10),
             screenResult(kAliceLeg, kAlice, QString(), 16),
             dial(QStringLiteral("completed"), 6, 16), ended(QStringLiteral("completed"), 20, 20)});
        QCOMPARE(hungUp.outcome(), Outcome::Missed);
    }

    void everyoneDecliningIsDeclined()
    {
        const CallRecord call = play({incoming(), press(QStringLiteral("1"), 5),
                                      screen(kAliceLeg, kAlice, 10), screen(kBobLeg, kBob, 10),
                                      screenResult(kAliceLeg, kAlice, QStringLiteral("9"), 13),
                                      screenResult(kBobLeg, kBob, QStringLiteral("#"), 14),
                                      dial(QStringLiteral("completed"), 3, 15), recording(8, 30)});
        QCOMPARE(call.outcome(), Outcome::Voicemail);
        QCOMPARE(call.reason(), CallReason::Declined);
        QVERIFY(!call.answeredBy());

        // Who did not pick up did not decline: Alice is the one who answered, and said no.
        const CallRecord mixed =
            play({incoming(), press(QStringLiteral("1"), 5), screen(kAliceLeg, kAlice, 10),
                  screenResult(kAliceLeg, kAlice, QStringLiteral("9"), 13),
                  legStatus(kBobLeg, kBob, QStringLiteral("no-answer"), 0, 25),
                  dial(QStringLiteral("no-answer"), 0, 25), recording(8, 40)});
        QCOMPARE(mixed.reason(), CallReason::Declined);
        QCOMPARE(routeOf(mixed), (QStringList{QStringLiteral("Alice Martin +15550100201 declined"),
                                              QStringLiteral("Bob Chen +15550100202 no-answer")}));

        // One declines, a personal voicemail picks up the other: not everyone declined.
        const CallRecord voicemail = play(
            {incoming(), press(QStringLiteral("1"), 5), screen(kAliceLeg, kAlice, 10),
             screen(kBobLeg, kBob, 10), screenResult(kAliceLeg, kAlice, QStringLiteral("9"), 13),
             screenResult(kBobLeg, kBob, QString(), 16), dial(QStringLiteral("completed"), 6, 16),
             recording(8, 40)});
        QCOMPARE(voicemail.reason(), CallReason::NoOneAccepted);

        // Nobody picked up at all.
        const CallRecord unanswered = play({incoming(), press(QStringLiteral("1"), 5),
                                            legStatus(kBobLeg, kBob, QStringLiteral("busy"), 0, 8),
                                            dial(QStringLiteral("busy"), 0, 8), recording(8, 40)});
        QCOMPARE(unanswered.reason(), CallReason::NoOneAccepted);
    }

    void withoutScreeningTheLegThatTalkedAnswered()
    {
        const CallRecord call =
            play({incoming(), press(QStringLiteral("1"), 5),
                  legStatus(kAliceLeg, kAlice, QStringLiteral("canceled"), 0, 12),
                  legStatus(kBobLeg, kBob, QStringLiteral("completed"), 40, 60),
                  dial(QStringLiteral("completed"), 40, 60),
                  ended(QStringLiteral("completed"), 61, 61)});
        QCOMPARE(call.outcome(), Outcome::Answered);
        QVERIFY(call.answeredBy());
        QCOMPARE(call.answeredBy()->number, kBob);
        QCOMPARE(routeOf(call), (QStringList{QStringLiteral("Alice Martin +15550100201 canceled"),
                                             QStringLiteral("Bob Chen +15550100202 accepted")}));

        // No leg said who talked: answered, by nobody we can name.
        const CallRecord unnamed = play(
            {incoming(), press(QStringLiteral("1"), 5), dial(QStringLiteral("completed"), 40, 60)});
        QCOMPARE(unnamed.outcome(), Outcome::Answered);
        QVERIFY(!unnamed.answeredBy());
    }

    void sequentialRingingKeepsTheAnsweredDial()
    {
        const CallRecord call =
            play({incoming(), press(QStringLiteral("1"), 5),
                  legStatus(kAliceLeg, kAlice, QStringLiteral("no-answer"), 0, 25),
                  dial(QStringLiteral("no-answer"), 0, 25),
                  legStatus(kBobLeg, kBob, QStringLiteral("completed"), 30, 60),
                  dial(QStringLiteral("completed"), 30, 60)});
        QCOMPARE(call.outcome(), Outcome::Answered);
        QCOMPARE(call.dialStatus, QStringLiteral("completed"));
        QCOMPARE(call.talkDurationS, std::optional<int>(30));
        QCOMPARE(call.answeredBy()->name, QStringLiteral("Bob Chen"));
    }

    void blockedCallerIsBlocked()
    {
        const CallRecord call =
            play({incomingBecause(QStringLiteral("blocked")), ended(QStringLiteral("busy"), 0, 1)});
        QCOMPARE(call.outcome(), Outcome::Blocked);
        QCOMPARE(call.reason(), CallReason::Blocked);
        QCOMPARE(outcomeToString(Outcome::Blocked), QStringLiteral("blocked"));
    }

    void afterHoursGoesToVoicemailWithItsReason()
    {
        const CallRecord call =
            play({incomingBecause(QStringLiteral("after-hours")), recording(9, 20),
                  ended(QStringLiteral("completed"), 21, 21)});
        QCOMPARE(call.outcome(), Outcome::Voicemail);
        QCOMPARE(call.reason(), CallReason::AfterHours);
        const CallRecord silent = play({incomingBecause(QStringLiteral("after-hours")),
                                        ended(QStringLiteral("completed"), 8, 8)});
        QCOMPARE(silent.outcome(), Outcome::Missed);
        QCOMPARE(play({incomingBecause(QStringLiteral("made-up"))}).reason(), CallReason::None);
    }

    void transcriptionIsKeptWhicheverComesFirst()
    {
        const Webhook text =
            transcribed(QStringLiteral("completed"), QStringLiteral("Call me"), 50);
        for (const CallRecord &call :
             {play({incoming(), press(QStringLiteral("2"), 3), recording(7, 30), text}),
              play({incoming(), press(QStringLiteral("2"), 3), text, recording(7, 30)})}) {
            QVERIFY(call.voicemailTranscription());
            QCOMPARE(call.voicemailTranscription()->text, QStringLiteral("Call me"));
            QCOMPARE(call.voicemailTranscription()->status, QStringLiteral("completed"));
        }
        // A failed one says so, until a completed one comes; a completed one stands.
        const Webhook failed = transcribed(QStringLiteral("failed"), QString(), 40);
        const CallRecord failedOnly = play({incoming(), recording(7, 30), failed});
        QCOMPARE(failedOnly.voicemailTranscription()->status, QStringLiteral("failed"));
        const Webhook later = transcribed(QStringLiteral("completed"), QStringLiteral("Later"), 60);
        for (const CallRecord &call : {play({incoming(), recording(7, 30), failed, text}),
                                       play({incoming(), recording(7, 30), text, failed}),
                                       play({incoming(), recording(7, 30), text, later})})
            QCOMPARE(call.voicemailTranscription()->text, QStringLiteral("Call me"));
        // Another recording's transcription is not this voicemail's; none without a voicemail.
        QVERIFY(!play({incoming(), recording(7, 30),
                       transcribed(QStringLiteral("completed"), QStringLiteral("x"), 40,
                                   QStringLiteral("RE99999999999999999999999999999999"))})
                     .voicemailTranscription());
        QVERIFY(!play({incoming(), text}).voicemailTranscription());
        QVERIFY(!play({incoming(), recording(7, 30),
                       transcribed(QStringLiteral("in-progress"), QStringLiteral("x"), 40)})
                     .voicemailTranscription());
    }

    void hostileLegAndTranscriptionTextIsBounded()
    {
        const CallRecord long_ =
            play({incoming(), recording(7, 30),
                  transcribed(QStringLiteral("completed"),
                              QString(kMaxTranscriptionChars + 1, QLatin1Char('a')), 40)});
        QCOMPARE(long_.voicemailTranscription()->text.size(), kMaxTranscriptionChars);

        QList<Webhook> many{incoming()};
        for (int i = 0; i <= kMaxRouteLegs; ++i) {
            Webhook webhook = legStatus(QStringLiteral("CA%1").arg(i, 32, 10, QLatin1Char('0')),
                                        kAlice, QStringLiteral("busy"), 0, 10 + i);
            webhook.memberName = QString(kMaxRouteTextChars + 1, QLatin1Char('n'));
            many << webhook;
        }
        const CallRecord call = play(many);
        QCOMPARE(call.route.size(), kMaxRouteLegs);
        QCOMPARE(call.route.constFirst().name.size(), kMaxRouteTextChars);
    }

    void routeFromTheDatabaseIsChecked()
    {
        const CallRecord call = play(aliceDeclinesBobAccepts());
        QCOMPARE(routeFromJson(routeToJson(call.route)), call.route);
        QVERIFY(routeFromJson(QStringLiteral("not json")).isEmpty());
        QVERIFY(routeFromJson(QStringLiteral("{\"sid\": \"CA1\"}")).isEmpty());
        QVERIFY(routeFromJson(QStringLiteral("[{\"sid\": 5}, {\"name\": \"x\"}]")).isEmpty());
        const QString longName = QString(kMaxRouteTextChars + 1, QLatin1Char('n'));
        QVERIFY(
            routeFromJson(QStringLiteral("[{\"sid\": \"CA1\", \"name\": \"%1\"}]").arg(longName))
                .isEmpty());
        QString many = QStringLiteral("[");
        for (int i = 0; i <= kMaxRouteLegs; ++i)
            many += QStringLiteral("{\"sid\": \"CA%1\"},").arg(i);
        many.chop(1);
        many += QLatin1Char(']');
        QCOMPARE(routeFromJson(many).size(), kMaxRouteLegs);
        QVERIFY(routeFromJson(QStringLiteral("[") + QString(kMaxRouteJsonChars, QLatin1Char(' ')) +
                              QStringLiteral("]"))
                    .isEmpty());
    }

    void exportSaysWhoAnsweredAndTheRoute()
    {
        const QJsonObject answered = CallExport::toJson(play(aliceDeclinesBobAccepts()));
        QCOMPARE(answered.value(QStringLiteral("answered_by")).toObject(),
                 (QJsonObject{{QStringLiteral("name"), QStringLiteral("Bob Chen")},
                              {QStringLiteral("number"), kBob}}));
        QVERIFY(answered.value(QStringLiteral("reason")).isNull());
        const QJsonArray route = answered.value(QStringLiteral("route")).toArray();
        QCOMPARE(route.size(), 2);
        QCOMPARE(route.at(0).toObject().value(QStringLiteral("result")).toString(),
                 QStringLiteral("declined"));
        QCOMPARE(route.at(1).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("Bob Chen"));

        const CallRecord afterHours = play(
            {incomingBecause(QStringLiteral("after-hours")), recording(9, 20),
             transcribed(QStringLiteral("completed"), QStringLiteral("Call me, \"now\""), 40)});
        const QJsonObject json = CallExport::toJson(afterHours);
        QCOMPARE(json.value(QStringLiteral("reason")).toString(), QStringLiteral("after-hours"));
        QVERIFY(json.value(QStringLiteral("answered_by")).isNull());
        QCOMPARE(json.value(QStringLiteral("voicemail"))
                     .toObject()
                     .value(QStringLiteral("transcription"))
                     .toObject(),
                 (QJsonObject{{QStringLiteral("text"), QStringLiteral("Call me, \"now\"")},
                              {QStringLiteral("status"), QStringLiteral("completed")}}));

        const QStringList header = CallExport::csvHeader();
        const QStringList fields = CallExport::csvFields(afterHours);
        QCOMPARE(fields.size(), header.size());
        QCOMPARE(fields.at(header.indexOf(QStringLiteral("reason"))),
                 QStringLiteral("after-hours"));
        QCOMPARE(fields.at(header.indexOf(QStringLiteral("transcription"))),
                 QStringLiteral("Call me, \"now\""));
        const QStringList answeredFields = CallExport::csvFields(play(aliceDeclinesBobAccepts()));
        QCOMPARE(answeredFields.at(header.indexOf(QStringLiteral("answered_by_name"))),
                 QStringLiteral("Bob Chen"));
        QCOMPARE(answeredFields.at(header.indexOf(QStringLiteral("route"))),
                 QStringLiteral("Alice Martin (+15550100201): declined; "
                                "Bob Chen (+15550100202): accepted"));
    }

    // Every order of a screened call's webhooks, some of them twice, gives the same record.
    void routingIsOrderIndependent()
    {
        QList<Webhook> webhooks = aliceDeclinesBobAccepts();
        const CallRecord expected = play(webhooks);
        std::sort(webhooks.begin() + 1, webhooks.end(),
                  [](const Webhook &a, const Webhook &b) { return a.receivedAt < b.receivedAt; });
        QList<int> order(webhooks.size() - 1);
        std::iota(order.begin(), order.end(), 1);
        int permutations = 0;
        do {
            QList<Webhook> shuffled{webhooks.constFirst()};
            for (int i : std::as_const(order))
                shuffled << webhooks.at(i);
            shuffled << webhooks.at(order.constFirst()); // and one of them again
            const CallRecord call = play(shuffled);
            QCOMPARE(call.outcome(), expected.outcome());
            QCOMPARE(call.answeredBy(), expected.answeredBy());
            QCOMPARE(call.answeredAt, expected.answeredAt);
            QCOMPARE(call.reason(), expected.reason());
            QCOMPARE(call.route, expected.route);
            ++permutations;
        } while (std::next_permutation(order.begin(), order.end()) && permutations < 20000);
        QVERIFY(permutations > 1000);
    }
};

QTEST_GUILESS_MAIN(TestCallRecord)
#include "TestCallRecord.moc"
