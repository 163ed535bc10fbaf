#pragma once

#include "ServiceConfig.h"

namespace Switchboard {

// `switchboard-service export`: prints the call log, newest first, as JSON or CSV, each call
// with what the team did with it (heard, done, tags, notes) and its latest call back.
int runExport(const ServiceConfig &config);

} // namespace Switchboard
