#pragma once

#include "ServiceConfig.h"

namespace Switchboard {

// `switchboard-service export`: prints the call log, newest first, as JSON or CSV.
int runExport(const ServiceConfig &config);

} // namespace Switchboard
