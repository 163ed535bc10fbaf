#pragma once

#include <QString>

namespace Switchboard {

class Database;

// A big call log made up for the benchmarks (the feed's, the statistics'): `calls` inbound
// calls spread evenly over the `spanMs` before now, the newest two minutes ago. Of every 100,
// 70 ask to be forwarded (Twilio's dial ends completed for 55, no-answer for 11, busy for 3,
// failed for 1), 20 leave a voicemail (seven in ten heard by now), 2 are blocked and 8 hang up
// in the menu. Each call's outcome is the service's verdict on what happened (CallRecord, whose
// answered dial is DialOutcome's), not the generator's.
//
// Replaces what the log held, in one transaction (CallLogFill), and settles it as a server
// that has been running would have. False with `error` when a statement failed.
bool writeSyntheticCallLog(Database &db, qint64 calls, qint64 spanMs, QString *error);

} // namespace Switchboard
