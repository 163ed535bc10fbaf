#pragma once

#include <QString>

namespace Switchboard {

// A Twilio SID: a two-letter prefix ("AC", "CA", "RE", ...) and 32 lowercase hex digits.
bool isValidSid(const QString &sid, QLatin1String prefix);

// A phone number in E.164: '+' and up to 15 digits, the first not zero.
bool isE164(const QString &number);

} // namespace Switchboard
