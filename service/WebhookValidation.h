#pragma once

#include "core/CallRecord.h"
#include "core/FlowDefinition.h"
#include "twilio/RecordingDownload.h"

#include <QString>
#include <QUrl>

namespace Switchboard {

// What makes a correctly signed webhook unacceptable all the same: parameters Twilio would
// never send (a repeated name, a malformed SID, an absurd duration, an oversized field, a
// recording on another host). Empty when the webhook may be recorded.
QString webhookProblem(const Webhook &webhook, const RecordingDownload::Options &recordings);

// What makes a routing webhook's query unacceptable against the call flow it is answered
// with: a member's leg (screen, screen-result, leg-status) whose `call` is not a call SID or
// not the leg's ParentCallSid, or whose `member` is missing or names no member; a dial action
// whose `member` is not an index; a transcription without a valid TranscriptionSid. A forged
// leg webhook must neither be recorded against another call nor steer one. Empty when it may
// be recorded.
QString routingProblem(const Webhook &webhook, const QUrl &requestUrl, const FlowDefinition &flow);

} // namespace Switchboard
