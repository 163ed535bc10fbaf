#include "WebhookRoutes.h"

namespace Switchboard {
namespace {

const QString kPrefix = QStringLiteral("/twilio/");

} // namespace

QString webhookPath(WebhookKind kind)
{
    return kPrefix + webhookKindToString(kind);
}

std::optional<WebhookKind> webhookKindFromPath(const QString &path)
{
    if (!path.startsWith(kPrefix))
        return std::nullopt;
    return webhookKindFromString(path.mid(kPrefix.size()));
}

} // namespace Switchboard
