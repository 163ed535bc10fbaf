#pragma once

#include "ServiceConfig.h"

namespace Switchboard {

// `switchboard-service flow show | set FILE.json | history`: the call flow in the database.
// show prints the current flow's JSON on stdout (its revision, time and author on stderr, so
// that `flow show > flow.json` gives a file `flow set` reads back). Returns the exit code: 0,
// 1 when the database fails, 2 for input that is refused.
int runFlow(const ServiceConfig &config);

// Who changes the flow from this process: the OS user, and who ran sudo when sudo made it.
QString flowAuthor();

} // namespace Switchboard
