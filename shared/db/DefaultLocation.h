#pragma once

#include <QString>

namespace Switchboard {

// The call log every Switchboard program uses when not told otherwise: the service writes it,
// the desktop app reads it. Kept in one place so that the two always agree.
QString defaultDatabasePath();
QString defaultDatabaseUrl(); // "sqlite:" + defaultDatabasePath()

} // namespace Switchboard
