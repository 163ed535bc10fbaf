#include "Webhook.h"

#include <array>

namespace Switchboard {
namespace {

constexpr std::array<std::pair<WebhookKind, const char *>, 13> kKindNames{{
    {WebhookKind::Voice, "voice"},
    {WebhookKind::Menu, "menu"},
    {WebhookKind::Dial, "dial"},
    {WebhookKind::Recording, "recording"},
    {WebhookKind::RecordingStatus, "recording-status"},
    {WebhookKind::Status, "status"},
    {WebhookKind::Screen, "screen"},
    {WebhookKind::ScreenResult, "screen-result"},
    {WebhookKind::LegStatus, "leg-status"},
    {WebhookKind::Transcription, "transcription"},
    {WebhookKind::CallBack, "outbound"},
    {WebhookKind::CallBackDial, "outbound-dial"},
    {WebhookKind::CallBackStatus, "outbound-status"},
}};

} // namespace

QString webhookKindToString(WebhookKind kind)
{
    for (const auto &[value, name] : kKindNames) {
        if (value == kind)
            return QString::fromLatin1(name);
    }
    return {};
}

std::optional<WebhookKind> webhookKindFromString(const QString &text)
{
    for (const auto &[value, name] : kKindNames) {
        if (text == QLatin1String(name))
            return value;
    }
    return std::nullopt;
}

QList<WebhookKind> allWebhookKinds()
{
    QList<WebhookKind> kinds;
    for (const auto &entry : kKindNames)
        kinds.append(entry.first);
    return kinds;
}

bool isMemberLegKind(WebhookKind kind)
{
    return kind == WebhookKind::Screen || kind == WebhookKind::ScreenResult ||
           kind == WebhookKind::LegStatus;
}

bool isCallBackKind(WebhookKind kind)
{
    return kind == WebhookKind::CallBack || kind == WebhookKind::CallBackDial ||
           kind == WebhookKind::CallBackStatus;
}

} // namespace Switchboard
