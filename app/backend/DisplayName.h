#pragma once

#include <QString>

namespace Switchboard {

// The name this desktop's user goes by in the shared log ("Heard by Alice, Bob"), until they
// choose one in Settings: their full name from the OS account (the passwd entry's GECOS field,
// up to its first comma), else their login name, else "Me".
QString defaultDisplayName();

} // namespace Switchboard
