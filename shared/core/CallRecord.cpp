#include "CallRecord.h"

#include "twilio/CallBackRoute.h"
#include "twilio/DialOutcome.h"
#include "twilio/MenuKeys.h"

#include <algorithm>
#include <limits>
#include <QUrl>

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

// A leg hears the whisper once, but a retried or forged result must not make the order of
// webhooks matter: an accept outranks a refusal, which outranks silence.
void mergeDigits(RouteLeg &leg, const QString &digits, const QDateTime &at)
{
    const auto rank = [](const QString &keys) {
        return screenAccepted(keys) ? 2 : keys.isEmpty() ? 0 : 1;
    };
    if (leg.digits && *leg.digits == digits) {
        leg.digitsAt = std::min(leg.digitsAt, at);
        return;
    }
    if (leg.digits && (rank(*leg.digits) > rank(digits) ||
                       (rank(*leg.digits) == rank(digits) && *leg.digits < digits)))
        return;
    leg.digits = digits;
    leg.digitsAt = at;
}

QString bounded(const QString &text, int maxChars)
{
    return text.size() > maxChars ? text.left(maxChars) : text;
}

} // namespace

QString callDirectionToString(CallDirection direction)
{
    return direction == CallDirection::Outbound ? QStringLiteral("outbound")
                                                : QStringLiteral("inbound");
}

CallDirection callDirectionFromString(const QString &text)
{
    return text == QLatin1String("outbound") ? CallDirection::Outbound : CallDirection::Inbound;
}

Outcome CallRecord::outcome() const
{
    if (direction == CallDirection::Outbound) {
        // A call back is answered when the caller picked up, not when the staff phone did.
        if (dialWasAnswered(dialStatus))
            return Outcome::Answered;
        return isFinal(status) || !dialStatus.isEmpty() ? Outcome::Missed : Outcome::InProgress;
    }
    if (routingReason == CallReason::Blocked)
        return Outcome::Blocked;
    if (voicemail)
        return Outcome::Voicemail;
    // Under screening a "completed" dial may be a personal voicemail that picked up: only an
    // accepting leg makes the call answered.
    if (dialWasAnswered(dialStatus) && (!isScreened() || acceptingLeg()))
        return Outcome::Answered;
    if (!isFinal(status))
        return Outcome::InProgress;
    // After hours the caller has no menu to leave: a call that left no message was missed.
    if (menuChoice == MenuChoice::None && routingReason != CallReason::AfterHours)
        return Outcome::Abandoned;
    return Outcome::Missed;
}

CallReason CallRecord::reason() const
{
    if (routingReason != CallReason::None)
        return routingReason;
    if (menuChoice != MenuChoice::Forward || dialStatus.isEmpty() || outcome() == Outcome::Answered)
        return CallReason::None;
    // Forwarded and taken by nobody: declined when each member who picked up said no.
    const bool screened = isScreened();
    bool anyPickedUp = false;
    for (const RouteLeg &leg : route) {
        const LegResult result = leg.result(screened);
        if (result == LegResult::Voicemail)
            return CallReason::NoOneAccepted;
        anyPickedUp = anyPickedUp || result == LegResult::Declined;
    }
    return anyPickedUp ? CallReason::Declined : CallReason::NoOneAccepted;
}

std::optional<AnsweredBy> CallRecord::answeredBy() const
{
    if (outcome() != Outcome::Answered)
        return std::nullopt;
    const RouteLeg *leg = acceptingLeg();
    if (!leg)
        return std::nullopt;
    return AnsweredBy{leg->name, leg->number};
}

bool CallRecord::isScreened() const
{
    return std::any_of(route.cbegin(), route.cend(),
                       [](const RouteLeg &leg) { return leg.screened; });
}

std::optional<Transcription> CallRecord::voicemailTranscription() const
{
    if (!voicemail || transcription.isEmpty() ||
        transcription.recordingSid != voicemail->recordingSid)
        return std::nullopt;
    return transcription;
}

QString CallRecord::callSidOf(const Webhook &webhook)
{
    if (isMemberLegKind(webhook.kind)) {
        const QString parent = webhook.params.value(QStringLiteral("ParentCallSid"));
        if (!parent.isEmpty())
            return parent;
    }
    return webhook.callSid();
}

const RouteLeg *CallRecord::acceptingLeg() const
{
    // The first to accept gets the call; the order of the route is the order they rang.
    const bool screened = isScreened();
    const RouteLeg *first = nullptr;
    for (const RouteLeg &leg : route) {
        if (leg.result(screened) != LegResult::Accepted)
            continue;
        const QDateTime at = screened ? leg.digitsAt : leg.firstAt;
        const QDateTime firstAt =
            first ? (screened ? first->digitsAt : first->firstAt) : QDateTime();
        if (!first || at < firstAt)
            first = &leg;
    }
    return first;
}

void CallRecord::apply(const Webhook &webhook)
{
    const FormData &params = webhook.params;
    if (callSid.isEmpty())
        callSid = callSidOf(webhook);
    if (!startedAt.isValid() || webhook.receivedAt < startedAt)
        startedAt = webhook.receivedAt;
    if (isMemberLegKind(webhook.kind)) {
        // A leg's From, To and CallStatus are the member's, not the caller's call's.
        applyLeg(webhook);
        return;
    }
    if (isCallBackKind(webhook.kind))
        applyCallBack(webhook);
    applyIdentity(params);
    status =
        advanceStatus(status, callStatusFromString(params.value(QStringLiteral("CallStatus"))));

    switch (webhook.kind) {
    case WebhookKind::Voice:
        if (routingReason == CallReason::None)
            routingReason = callReasonFromString(webhook.reason);
        break;
    case WebhookKind::Menu:
        if (menuChoice != MenuChoice::None)
            break; // the first choice stands
        menuChoice = menuChoiceForDigits(params.value(QStringLiteral("Digits")));
        if (menuChoice == MenuChoice::Forward)
            forwardedTo = webhook.forwardTo;
        break;
    case WebhookKind::Dial:
    case WebhookKind::CallBackDial:
        applyDial(webhook);
        break;
    case WebhookKind::Recording:
        applyRecording(params);
        break;
    case WebhookKind::RecordingStatus:
        applyRecordingStatus(params);
        break;
    case WebhookKind::Transcription:
        applyTranscription(params);
        break;
    case WebhookKind::Status:
    case WebhookKind::Screen:
    case WebhookKind::ScreenResult:
    case WebhookKind::LegStatus:
    case WebhookKind::CallBack:
    case WebhookKind::CallBackStatus:
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

void CallRecord::applyCallBack(const Webhook &webhook)
{
    // The link is in the URL Twilio signed, which every recorded webhook keeps.
    direction = CallDirection::Outbound;
    const std::optional<CallBackRoute::Link> link = CallBackRoute::linkOf(QUrl(webhook.url));
    if (link) {
        fillIfEmpty(callBackOf, link->answers);
        fillIfEmpty(calledBackBy, link->by);
    }
    if (webhook.kind == WebhookKind::CallBack)
        fillIfEmpty(forwardedTo, bounded(webhook.forwardTo, kMaxRouteTextChars));
}

void CallRecord::applyDial(const Webhook &webhook)
{
    // Ringing members in turn gives one dial result per member: the one that was answered
    // stands, or else the first one; a retried result changes nothing. Under screening Twilio
    // also says "completed" of a member whose voicemail picked up: the result naming the leg
    // that accepted (its screen-result came first) stands over those.
    const QString incoming = webhook.params.value(QStringLiteral("DialCallStatus"));
    const RouteLeg *accepting = isScreened() ? acceptingLeg() : nullptr;
    const bool namesAcceptingLeg =
        accepting && accepting->callSid == webhook.params.value(QStringLiteral("DialCallSid"));
    if (!dialStatus.isEmpty() && !namesAcceptingLeg &&
        (dialWasAnswered(dialStatus) || !dialWasAnswered(incoming)))
        return;
    dialStatus = incoming;
    talkDurationS = secondsParam(webhook.params, QStringLiteral("DialCallDuration"));
    // The dial result comes when the talk ends; it began DialCallDuration seconds earlier
    // (never before the call itself, whatever clocks say). Under screening the accepting
    // key press says when (applyLeg).
    if (dialWasAnswered(dialStatus) && !isScreened())
        answeredAt = std::max(startedAt, webhook.receivedAt.addSecs(-talkDurationS.value_or(0)));
}

void CallRecord::applyLeg(const Webhook &webhook)
{
    const FormData &params = webhook.params;
    const QString legSid = bounded(webhook.callSid(), kMaxRouteTextChars);
    if (legSid.isEmpty())
        return;
    auto leg = std::find_if(route.begin(), route.end(),
                            [&legSid](const RouteLeg &known) { return known.callSid == legSid; });
    if (leg == route.end()) {
        if (route.size() >= kMaxRouteLegs)
            return;
        route.append(RouteLeg{});
        leg = std::prev(route.end());
        leg->callSid = legSid;
        leg->firstAt = webhook.receivedAt;
    } else if (webhook.receivedAt < leg->firstAt) {
        leg->firstAt = webhook.receivedAt;
    }
    fillIfEmpty(leg->name, bounded(webhook.memberName, kMaxRouteTextChars));
    fillIfEmpty(leg->number, bounded(params.value(QStringLiteral("To")), kMaxRouteTextChars));
    switch (webhook.kind) {
    case WebhookKind::Screen:
        leg->screened = true;
        break;
    case WebhookKind::ScreenResult:
        leg->screened = true;
        mergeDigits(*leg, bounded(params.value(QStringLiteral("Digits")), kMaxRouteTextChars),
                    webhook.receivedAt);
        break;
    case WebhookKind::LegStatus:
        if (leg->finalStatus.isEmpty()) {
            leg->finalStatus =
                bounded(params.value(QStringLiteral("CallStatus")), kMaxRouteTextChars);
            leg->durationS = secondsParam(params, QStringLiteral("CallDuration")).value_or(0);
        }
        break;
    default:
        break;
    }
    // Kept in the order the legs rang (ties: by SID), whatever order their webhooks came.
    std::sort(route.begin(), route.end(), [](const RouteLeg &a, const RouteLeg &b) {
        return a.firstAt != b.firstAt ? a.firstAt < b.firstAt : a.callSid < b.callSid;
    });
    // Under screening the call was answered when a member accepted, not when a leg (maybe a
    // personal voicemail) picked up.
    if (isScreened()) {
        const RouteLeg *accepted = acceptingLeg();
        answeredAt = accepted ? accepted->digitsAt : QDateTime();
    }
}

void CallRecord::applyTranscription(const FormData &params)
{
    const QString transcriptionStatus = params.value(QStringLiteral("TranscriptionStatus"));
    if (transcriptionStatus != QLatin1String("completed") &&
        transcriptionStatus != QLatin1String("failed"))
        return;
    // The first completed transcription stands; a failed one only until a completed one comes.
    if (transcription.status == QLatin1String("completed"))
        return;
    if (!transcription.isEmpty() && transcriptionStatus != QLatin1String("completed"))
        return;
    transcription.recordingSid =
        bounded(params.value(QStringLiteral("RecordingSid")), kMaxRouteTextChars);
    transcription.status = transcriptionStatus;
    transcription.text =
        transcriptionStatus == QLatin1String("completed")
            ? bounded(params.value(QStringLiteral("TranscriptionText")), kMaxTranscriptionChars)
            : QString();
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
    if ((webhook.kind != WebhookKind::Status && webhook.kind != WebhookKind::CallBackStatus) ||
        endedAt.isValid())
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
