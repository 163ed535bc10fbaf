#pragma once

#include <QString>

namespace Switchboard {

// Twilio's CallStatus values, in the order a call moves through them.
enum class CallStatus
{
    Unknown,
    Queued,
    Initiated,
    Ringing,
    InProgress,
    Completed,
    Busy,
    NoAnswer,
    Failed,
    Canceled,
};

CallStatus callStatusFromString(const QString &text);
QString callStatusToString(CallStatus status);
bool isFinal(CallStatus status);

// The status a call has after `incoming` arrives: status never goes backwards, and the first
// final status wins, because Twilio may deliver or retry callbacks out of order.
CallStatus advanceStatus(CallStatus current, CallStatus incoming);

// What happened to a call, as staff see it in the feed.
enum class Outcome
{
    InProgress,
    Answered,
    Voicemail,
    Missed,
    Abandoned,
    Blocked, // the caller's number is on the blocklist: the call was rejected
};

Outcome outcomeFromString(const QString &text);
QString outcomeToString(Outcome outcome);

// Why a call did not reach anyone, when there is a reason to say.
enum class CallReason
{
    None,
    AfterHours,    // outside the flow's hours: straight to voicemail
    Blocked,       // the caller is on the blocklist
    NoOneAccepted, // forwarded, and no member accepted it
    Declined,      // forwarded, and every member who answered declined it
};

CallReason callReasonFromString(const QString &text); // None for anything unknown
QString callReasonToString(CallReason reason);        // empty for None

// What became of one member's leg of a forwarded call.
enum class LegResult
{
    Ringing,   // nothing final heard yet
    Accepted,  // picked up and took the call (pressed 1 under screening)
    Declined,  // picked up and pressed another key
    Voicemail, // picked up and pressed nothing: a personal voicemail
    NoAnswer,
    Busy,
    Failed,
    Canceled, // another member was first
};

LegResult legResultFromString(const QString &text);
QString legResultToString(LegResult result);

enum class MenuChoice
{
    None,
    Forward,
    Voicemail,
};

MenuChoice menuChoiceFromString(const QString &text);
QString menuChoiceToString(MenuChoice choice); // empty for None

enum class DownloadState
{
    Pending,
    Downloaded,
    Failed,
};

DownloadState downloadStateFromString(const QString &text);
QString downloadStateToString(DownloadState state);

} // namespace Switchboard
