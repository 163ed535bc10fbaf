#pragma once

#include "CallStatus.h"
#include "twilio/FormData.h"
#include "twilio/Webhook.h"

#include <optional>
#include <QDateTime>
#include <QString>

namespace Switchboard {

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
