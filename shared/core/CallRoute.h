#pragma once

#include "CallStatus.h"

#include <optional>
#include <QDateTime>
#include <QList>
#include <QString>

namespace Switchboard {

// One member's leg of a forwarded call: what its webhooks said, merged so that any order
// and any repetition of them gives the same leg.
struct RouteLeg
{
    QString callSid; // the leg's own CallSid
    QString name;    // the member's name in the flow
    QString number;  // the number the leg rang
    QDateTime firstAt;
    bool screened = false;         // the member heard the whisper
    std::optional<QString> digits; // what the member pressed at it ("": nothing)
    QDateTime digitsAt;
    QString finalStatus; // Twilio's CallStatus when the leg ended
    int durationS = 0;

    // `callScreened`: the call's legs are screened (a leg of it heard the whisper).
    LegResult result(bool callScreened) const;

    bool operator==(const RouteLeg &other) const
    {
        return callSid == other.callSid && name == other.name && number == other.number &&
               firstAt == other.firstAt && screened == other.screened && digits == other.digits &&
               digitsAt == other.digitsAt && finalStatus == other.finalStatus &&
               durationS == other.durationS;
    }
};

// Bounds on what a call's route keeps, from a webhook or from the database alike.
inline constexpr int kMaxRouteLegs = 20; // ten members at once, or in turn, and retries
inline constexpr int kMaxRouteTextChars = 200;

// A route as stored in the call log (a JSON array) and back. Reading is defensive: the text
// is hostile; anything malformed or beyond the bounds above is left out.
QString routeToJson(const QList<RouteLeg> &route);
QList<RouteLeg> routeFromJson(const QString &json);
inline constexpr int kMaxRouteJsonChars = 64 * 1024;

} // namespace Switchboard
