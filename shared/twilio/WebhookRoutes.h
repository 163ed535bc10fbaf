#pragma once

#include "core/CallRecord.h"

#include <optional>
#include <QList>
#include <QString>

namespace Switchboard {

// Where Twilio sends each webhook: "/twilio/" and the kind's name. The service routes these
// paths, the call flow puts them in its TwiML and the simulator and benches request them.
QString webhookPath(WebhookKind kind);

// The webhook a request path (without its query) names, if any.
std::optional<WebhookKind> webhookKindFromPath(const QString &path);

// Every webhook the service answers.
QList<WebhookKind> allWebhookKinds();

} // namespace Switchboard
