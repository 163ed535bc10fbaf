#pragma once

#include <QtGlobal>

namespace Switchboard {

struct TwimlVerb;

// How long a verb takes on the simulated clock. The sim never sleeps through a prompt; it
// estimates, so CallDuration looks like a real call's while a run takes milliseconds.
class VerbTiming final
{
public:
    // Say: about 160 words a minute, at least half a second, times `loop`.
    static qint64 sayMs(const TwimlVerb &say);
    // Play: the audio length is unknown without fetching it; assume a short jingle.
    // With `digits`, half a second per tone or 'w' wait.
    static qint64 playMs(const TwimlVerb &play);
    static qint64 pauseMs(const TwimlVerb &pause);
    // How many times a Say/Play repeats; loop="0" ("forever") is counted as 3, the point
    // at which a real caller would act or give up.
    static int loops(const TwimlVerb &verb);
    // An integer attribute in seconds, or `fallback` when missing or not a number.
    static int seconds(const TwimlVerb &verb, const char *attribute, int fallback);
};

} // namespace Switchboard
