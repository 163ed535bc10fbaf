#pragma once

#include "CallStatus.h"
#include "twilio/FormData.h"

#include <optional>
#include <QDateTime>
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

QString webhookKindToString(WebhookKind kind);
std::optional<WebhookKind> webhookKindFromString(const QString &text);

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

struct Voicemail
{
    QString recordingSid;
    QString recordingUrl;
    QString recordingStatus; // Twilio's RecordingStatus; empty until its callback arrives
    int durationS = 0;
    DownloadState downloadState = DownloadState::Pending;
    int downloadAttempts = 0;
    QString lastError;
    qint64 bytes = 0;
    QString sha256;
    QString transcription;
    QDateTime heardAt;

    bool isHeard() const { return heardAt.isValid(); }
};

// Everything known about one call, keyed by its CallSid.
struct CallRecord
{
    QString callSid;
    QString accountSid;
    QString from;
    QString to;
    QString callerName;
    QString fromCity;
    QString fromState;
    QString fromCountry;
    QDateTime startedAt;
    QDateTime answeredAt;
    QDateTime endedAt;
    CallStatus status = CallStatus::Unknown;
    std::optional<int> durationS;
    MenuChoice menuChoice = MenuChoice::None;
    QString forwardedTo;
    QString dialStatus;
    std::optional<int> talkDurationS;
    std::optional<Voicemail> voicemail;
    qint64 revision = 0;

    Outcome outcome() const;

    // Folds a webhook into the record. Applying the same webhook twice, or webhooks out of
    // order, leaves the record as if each had arrived once, in order.
    void apply(const Webhook &webhook);

private:
    void applyIdentity(const FormData &params);
    void applyDial(const Webhook &webhook);
    void applyRecording(const FormData &params);
    void applyRecordingStatus(const FormData &params);
    void applyFinalStatus(const Webhook &webhook);
};

} // namespace Switchboard
