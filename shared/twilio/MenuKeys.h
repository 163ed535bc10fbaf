#pragma once

#include "core/CallStatus.h"

#include <QString>

namespace Switchboard {

// What the keys a caller pressed at the menu (Twilio's Digits) choose: 1 to be forwarded to
// staff, 2 to leave a voicemail; anything else, or nothing, chooses nothing.
MenuChoice menuChoiceForDigits(const QString &digits);

} // namespace Switchboard
