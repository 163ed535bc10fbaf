#pragma once

#include "twilio/Webhook.h"

#include <optional>
#include <QString>

namespace Switchboard {

// Where Twilio sends each webhook: "/twilio/" and the kind's name. The service routes these
// paths, the call flow puts them in its TwiML and the simulator and benches request them.
QString webhookPath(WebhookKind kind);

// The webhook a request path (without its query) names, if any.
std::optional<WebhookKind> webhookKindFromPath(const QString &path);

} // namespace Switchboard
