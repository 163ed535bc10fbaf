#pragma once

namespace Switchboard {

// Registers the icons compiled into switchboard-applib. A static library's resources are not
// registered by themselves; every entry point that shows an icon calls this (it is cheap and
// idempotent).
void initResources();

} // namespace Switchboard
