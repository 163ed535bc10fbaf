#pragma once

#include <QString>

namespace Switchboard {

// Who this desktop's user is, as the call flow's revisions name their author: the OS account's
// full name (the GECOS field on Unix), else its login name. Never empty.
QString desktopUserName();

} // namespace Switchboard
