#include "core/CallRecord.h"

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
};

QTEST_GUILESS_MAIN(TestCallRecord)
#include "TestCallRecord.moc"
