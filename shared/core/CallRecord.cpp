#include "CallRecord.h"

#include "twilio/DialOutcome.h"
#include "twilio/MenuKeys.h"

#include <algorithm>
#include <limits>

namespace Switchboard {
namespace {

std::optional<int> secondsParam(const FormData &params, const QString &name)
{
    bool ok = false;
    const int value = params.value(name).toInt(&ok);
    if (!ok || value < 0)
        return std::nullopt;
    return value;
}

void fillIfEmpty(QString &field, const QString &value)
{
    if (field.isEmpty())
        field = value;
}

} // namespace

Outcome CallRecord::outcome() const
{
    if (voicemail)
        return Outcome::Voicemail;
    if (dialWasAnswered(dialStatus))
        return Outcome::Answered;
    if (!isFinal(status))
        return Outcome::InProgress;
    if (menuChoice == MenuChoice::None)
        return Outcome::Abandoned;
    return Outcome::Missed;
}

void CallRecord::apply(const Webhook &webhook)
{
    const FormData &params = webhook.params;
    if (callSid.isEmpty())
        callSid = webhook.callSid();
    applyIdentity(params);
    if (!startedAt.isValid() || webhook.receivedAt < startedAt)
        startedAt = webhook.receivedAt;
    status =
        advanceStatus(status, callStatusFromString(params.value(QStringLiteral("CallStatus"))));

    switch (webhook.kind) {
    case WebhookKind::Voice:
        break;
    case WebhookKind::Menu:
        if (menuChoice != MenuChoice::None)
            break; // the first choice stands
        menuChoice = menuChoiceForDigits(params.value(QStringLiteral("Digits")));
        if (menuChoice == MenuChoice::Forward)
            forwardedTo = webhook.forwardTo;
        break;
    case WebhookKind::Dial:
        applyDial(webhook);
        break;
    case WebhookKind::Recording:
        applyRecording(params);
        break;
    case WebhookKind::RecordingStatus:
        applyRecordingStatus(params);
        break;
    case WebhookKind::Status:
        break;
    }
    if (isFinal(status))
        applyFinalStatus(webhook);
}

void CallRecord::applyIdentity(const FormData &params)
{
    fillIfEmpty(accountSid, params.value(QStringLiteral("AccountSid")));
    fillIfEmpty(from, params.value(QStringLiteral("From")));
    fillIfEmpty(to, params.value(QStringLiteral("To")));
    fillIfEmpty(callerName, params.value(QStringLiteral("CallerName")));
    fillIfEmpty(fromCity, params.value(QStringLiteral("FromCity")));
    fillIfEmpty(fromState, params.value(QStringLiteral("FromState")));
    fillIfEmpty(fromCountry, params.value(QStringLiteral("FromCountry")));
}

void CallRecord::applyDial(const Webhook &webhook)
{
    if (!dialStatus.isEmpty())
        return; // a retried dial result changes nothing
    dialStatus = webhook.params.value(QStringLiteral("DialCallStatus"));
    talkDurationS = secondsParam(webhook.params, QStringLiteral("DialCallDuration"));
    // The dial result comes when the talk ends; it began DialCallDuration seconds earlier
    // (never before the call itself, whatever clocks say).
    if (dialWasAnswered(dialStatus))
        answeredAt = std::max(startedAt, webhook.receivedAt.addSecs(-talkDurationS.value_or(0)));
}

void CallRecord::applyRecording(const FormData &params)
{
    const QString recordingSid = params.value(QStringLiteral("RecordingSid"));
    const QString recordingUrl = params.value(QStringLiteral("RecordingUrl"));
    const int seconds = secondsParam(params, QStringLiteral("RecordingDuration")).value_or(0);
    if (recordingSid.isEmpty() || recordingUrl.isEmpty() || seconds == 0 || voicemail)
        return; // silence records nothing
    Voicemail message;
    message.recordingSid = recordingSid;
    message.recordingUrl = recordingUrl;
    message.durationS = seconds;
    voicemail = message;
}

void CallRecord::applyRecordingStatus(const FormData &params)
{
    const QString recordingStatus = params.value(QStringLiteral("RecordingStatus"));
    if (recordingStatus == QLatin1String("absent") || recordingStatus == QLatin1String("failed")) {
        if (voicemail && voicemail->downloadState != DownloadState::Downloaded)
            voicemail.reset();
        return;
    }
    if (recordingStatus != QLatin1String("completed"))
        return;
    if (!voicemail) // the status callback can overtake the <Record> action
        applyRecording(params);
    if (voicemail)
        voicemail->recordingStatus = recordingStatus;
}

void CallRecord::applyFinalStatus(const Webhook &webhook)
{
    if (webhook.kind != WebhookKind::Status || endedAt.isValid())
        return;
    // Twilio's own clock says when the call ended; the callback may arrive much later.
    const QDateTime stamped =
        QDateTime::fromString(webhook.params.value(QStringLiteral("Timestamp")), Qt::RFC2822Date);
    endedAt = stamped.isValid() ? stamped.toUTC() : webhook.receivedAt;
    durationS = secondsParam(webhook.params, QStringLiteral("CallDuration"));
    // Twilio's Timestamp and our receipt times come from different clocks, so the end may
    // precede the start (or lie absurdly far after it): never a negative or overflowed duration.
    if (!durationS)
        durationS =
            int(std::clamp<qint64>(startedAt.secsTo(endedAt), 0, std::numeric_limits<int>::max()));
}

} // namespace Switchboard
