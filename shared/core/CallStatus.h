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
};

Outcome outcomeFromString(const QString &text);
QString outcomeToString(Outcome outcome);

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
