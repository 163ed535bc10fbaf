#pragma once

#include "twilio/FormData.h"

#include <optional>
#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

namespace Switchboard {

// Which of the service's webhooks Twilio called.
enum class WebhookKind
{
    Voice,           // a call comes in
    Menu,            // the caller pressed a key, or said nothing
    Dial,            // the forwarded call ended
    Recording,       // the caller finished a voicemail
    RecordingStatus, // the recording's media is ready, or absent
    Status,          // the call's status changed
};

// A kind's name: the last part of its path, and how the call log stores it.
QString webhookKindToString(WebhookKind kind);
std::optional<WebhookKind> webhookKindFromString(const QString &text);

// Every webhook the service answers.
QList<WebhookKind> allWebhookKinds();

// One webhook request as the service received it.
struct Webhook
{
    WebhookKind kind = WebhookKind::Voice;
    QDateTime receivedAt;
    QString url; // the URL Twilio signed
    FormData params;
    QByteArray body;   // the form body the params came in; empty when it is not at hand
    QString forwardTo; // the staff number, when the caller chose to be forwarded

    QString callSid() const { return params.value(QStringLiteral("CallSid")); }
};

} // namespace Switchboard
