#pragma once

#include "db/CallAnnotations.h"

#include <QString>

namespace Switchboard::HandlingFormat {

// "Heard by Alice, Bob"; "Heard" for a mark from before names were kept; empty when nobody.
QString heardBy(const CallHandling &handling);
// "Done by Alice · 10:42" (the time as the feed shows times); empty while open.
QString done(const CallHandling &handling);
// The feed's one line: "✓ Alice · urgent, sales · 2 notes".
QString summary(const CallHandling &handling);

} // namespace Switchboard::HandlingFormat
