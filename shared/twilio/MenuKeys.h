#pragma once

#include "core/CallStatus.h"

#include <QString>

namespace Switchboard {

// The keys of the call flow, in one place: the service, the call log and the simulator all
// read them from here. (The default greetings say them in words; an owner's greeting is text.)
inline constexpr QLatin1String kForwardKey{"1"};   // at the menu: be forwarded to staff
inline constexpr QLatin1String kVoicemailKey{"2"}; // at the menu: leave a voicemail
inline constexpr QLatin1String kAcceptKey{"1"};    // at the whisper: take the screened call

// What the keys a caller pressed at the menu (Twilio's Digits) choose: kForwardKey or
// kVoicemailKey; anything else, or nothing, chooses nothing.
MenuChoice menuChoiceForDigits(const QString &digits);

// Whether the keys a member pressed at the whisper (Twilio's Digits) take the screened call.
bool screenAccepted(const QString &digits);

} // namespace Switchboard
