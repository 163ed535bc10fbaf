#pragma once

#include "core/CallRecord.h"
#include "twilio/RecordingDownload.h"

#include <QString>

namespace Switchboard {

// What makes a correctly signed webhook unacceptable all the same: parameters Twilio would
// never send (a repeated name, a malformed SID, an absurd duration, an oversized field, a
// recording on another host). Empty when the webhook may be recorded.
QString webhookProblem(const Webhook &webhook, const RecordingDownload::Options &recordings);

} // namespace Switchboard
