#pragma once

#include "core/CallRecord.h"
#include "core/FlowDefinition.h"
#include "twilio/RecordingDownload.h"

#include <functional>
#include <optional>
#include <QByteArray>
#include <QString>
#include <QUrl>

namespace Switchboard {

// The checks a webhook passes before the call flow is looked at, in the order the service
// runs them (each refuses with its HTTP status): the body is a strict form (400), the
// X-Twilio-Signature is the account's for webhook.url (403), the AccountSid is the account's
// (403), and the parameters are ones Twilio sends (webhookProblem, 400).
enum class WebhookCheck
{
    Form,
    Signature,
    Account,
    Parameters,
};

struct WebhookRefusal
{
    int httpStatus;
    QString problem;
};

// Runs the checks on a webhook whose url is the one Twilio signed; on success `webhook` holds
// the parameters and `body`. `passed`, when set, hears of each check as it passes:
// bench-handler times the service's own sequence step by step with it.
std::optional<WebhookRefusal> checkWebhook(Webhook &webhook, const QByteArray &body,
                                           const QByteArray &signature,
                                           const RecordingDownload::Options &account,
                                           const std::function<void(WebhookCheck)> &passed = {});

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
