#pragma once

#include <QString>

namespace Switchboard {

// A fresh random SID in Twilio's shape: the prefix and 32 lowercase hex digits.
QString randomSid(QLatin1String prefix);

} // namespace Switchboard
