#pragma once

#include "db/DatabaseUrl.h"

namespace Switchboard {

// `switchboard-service migrate --from sqlite:/old.db --to postgresql://…`: copies a call log,
// audio and the call flow's revisions included, into an empty database and verifies the counts.
int runMigrate(const DatabaseUrl &from, const DatabaseUrl &to);

} // namespace Switchboard
