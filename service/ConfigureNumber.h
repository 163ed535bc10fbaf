#pragma once

#include "ServiceConfig.h"

namespace Switchboard {

// `switchboard-service configure-number +1…`: points the Twilio number's voice URL and call
// status callback at --public-url through Twilio's REST API, so that nobody has to copy URLs
// into the Twilio console by hand.
// Exit codes: 0 configured, 1 Twilio refused (unknown number, credentials, other HTTP error),
// 3 Twilio could not be reached (network, TLS, time-out: worth retrying).
int runConfigureNumber(const ServiceConfig &config);

} // namespace Switchboard
