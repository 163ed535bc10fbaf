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
    Screen,          // a member's phone answered: the whisper to play on that leg
    ScreenResult,    // the member pressed a key at the whisper, or nothing
    LegStatus,       // a member's leg ended
    Transcription,   // the voicemail's transcription is ready, or failed
    CallBack,        // a call back's staff phone answered: the <Dial> to the caller
    CallBackDial,    // the call back's <Dial> to the caller ended
    CallBackStatus,  // the call back's status changed
};

// A kind's name: the last part of its path, and how the call log stores it.
QString webhookKindToString(WebhookKind kind);
std::optional<WebhookKind> webhookKindFromString(const QString &text);

// Every webhook the service answers.
QList<WebhookKind> allWebhookKinds();

// The webhooks of a member's leg of a forwarded call (ParentCallSid names the caller's call).
bool isMemberLegKind(WebhookKind kind);

// The webhooks of a call back: an outbound call the desktop placed through Twilio's REST API,
// which rings the staff member's phone, then the caller. Their signed URL's query names the
// call it answers (`answers`) and who called back (`by`).
bool isCallBackKind(WebhookKind kind);

// One webhook request as the service received it.
struct Webhook
{
    WebhookKind kind = WebhookKind::Voice;
    QDateTime receivedAt;
    QString url; // the URL Twilio signed
    FormData params;
    QByteArray body;    // the form body the params came in; empty when it is not at hand
    QString forwardTo;  // the staff number, when the caller chose to be forwarded
    QString reason;     // why the call was routed so: "after-hours", "blocked"; empty otherwise
    QString memberName; // on a member's leg: the name of the member it rang, from the flow

    QString callSid() const { return params.value(QStringLiteral("CallSid")); }
};

} // namespace Switchboard
