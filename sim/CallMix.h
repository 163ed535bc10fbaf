#pragma once

#include "CallScript.h"
#include "core/CallStatus.h"

#include <optional>

class QRandomGenerator;

namespace Switchboard {

// A realistic day of calls for --mix: mostly answered or voicemail, some unanswered forwards
// that fall back to voicemail, a few wrong keys, silences and callers who give up in the menu.
CallScript randomCallScript(QRandomGenerator &random, const CallScript &base);

// Who calls, for --mix without --from: numbers, names and places vary as in a real feed.
CallParty randomCaller(QRandomGenerator &random, const CallParty &base);

// The branch names randomCallScript() produces, for --help and reports.
QStringList callMixBranches();

// What the service's default call flow logs for a call of `branch`; nullopt for a name that is
// not one of the mix's.
std::optional<Outcome> callMixOutcome(const QString &branch);

} // namespace Switchboard
