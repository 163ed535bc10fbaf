#pragma once

#include "CallScript.h"
#include "core/CallStatus.h"

#include <optional>

class QRandomGenerator;

namespace Switchboard {

// A realistic day of calls for --mix: mostly answered or voicemail, some unanswered forwards
// that fall back to voicemail, a few wrong keys, silences and callers who give up in the menu.
CallScript randomCallScript(QRandomGenerator &random, const CallScript &base);

// The same day of calls to a team of `members` (at least 1) that the flow screens and whose
// voicemails it transcribes: whoever presses 1 reaches the members, each of whom accepts,
// declines at the whisper, lets a personal voicemail pick up, is busy or does not answer
// (CallScript::legs, one entry per member in the flow's order); most messages are transcribed,
// a few transcriptions fail.
CallScript randomTeamCallScript(QRandomGenerator &random, const CallScript &base, int members);

// Who calls, for --mix without --from: numbers, names and places vary as in a real feed.
CallParty randomCaller(QRandomGenerator &random, const CallParty &base);

// The branch names randomCallScript() produces, for --help and reports.
QStringList callMixBranches();
// The branch names randomTeamCallScript() produces.
QStringList teamCallMixBranches();

// What the service logs for a call of `branch`: under its default call flow for the branches of
// randomCallScript(), under a team's screened flow for those of randomTeamCallScript(); nullopt
// for a name that is not one of the mixes'.
std::optional<Outcome> callMixOutcome(const QString &branch);

} // namespace Switchboard
