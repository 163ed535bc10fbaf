#pragma once

#include <QString>
#include <QtGlobal>

namespace Switchboard {

// One member's leg of a <Dial>: the child call Twilio places, as its webhooks describe it.
struct LegCall
{
    QString sid;              // the leg's own CA... SID
    QString from;             // the Dial's callerId; empty: the caller's number
    QString to;               // the member's number
    QString callStatus;       // in-progress while the whisper runs; the final status at the end
    int durationSeconds = -1; // CallDuration of the final status; < 0: none
    qint64 atMs = 0;          // on the caller's simulated clock
};

} // namespace Switchboard
