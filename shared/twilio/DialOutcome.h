#pragma once

#include <QString>

namespace Switchboard {

// Whether staff picked up the forwarded call, by Twilio's DialCallStatus ("completed" or
// "answered"; "busy", "no-answer", "failed" and "canceled" mean nobody did).
bool dialWasAnswered(const QString &dialCallStatus);

} // namespace Switchboard
