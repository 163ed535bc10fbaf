#pragma once

#include "ServiceConfig.h"

namespace Switchboard {

// At the service's start: on a database with no call flow yet, stores revision 1 made from the
// flags (--forward-to as the one member, --greeting, --ring-timeout), so that a setup of before
// the call flow keeps working. Once there is a flow, the database rules: its greeting, ring
// timeout and first active member replace those flags in `config`, and the flags given
// anyway are named in the log as ignored. False, with `error`, when the database cannot be
// read or the flags make no valid flow.
bool applyStoredFlow(ServiceConfig &config, QString *error);

// The flags the stored flow replaces, by name.
QStringList flagsTheFlowReplaces();

} // namespace Switchboard
