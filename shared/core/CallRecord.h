#pragma once

#include "CallRoute.h"
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
    QDateTime heardAt;

    bool isHeard() const { return heardAt.isValid(); }
};

// The member who took a forwarded call.
struct AnsweredBy
{
    QString name;
    QString number;

    bool operator==(const AnsweredBy &other) const
    {
        return name == other.name && number == other.number;
    }
};

// A voicemail's transcription, from Twilio's transcription callback. It may come before the
// recording it transcribes, so the call keeps it with the RecordingSid it names.
struct Transcription
{
    QString recordingSid;
    QString text;
    QString status; // "completed" or "failed"; empty: none came

    bool isEmpty() const { return status.isEmpty(); }
    bool operator==(const Transcription &other) const
    {
        return recordingSid == other.recordingSid && text == other.text && status == other.status;
    }
};

inline constexpr int kMaxTranscriptionChars = 10000; // ~2 min of speech is far less

enum class CallDirection
{
    Inbound,  // a caller called the company's number
    Outbound, // a call back: the desktop rang a staff phone, then the caller
};
QString callDirectionToString(CallDirection direction);
CallDirection callDirectionFromString(const QString &text); // anything unknown: Inbound

// The latest call back of an inbound call, as the call log has it.
struct CallBackSummary
{
    QString callSid;
    QString by;
    QDateTime startedAt;
    Outcome outcome = Outcome::InProgress; // Answered: the caller was reached

    bool operator==(const CallBackSummary &other) const
    {
        return callSid == other.callSid && by == other.by && startedAt == other.startedAt &&
               outcome == other.outcome;
    }
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
    CallReason routingReason = CallReason::None; // what the service said when the call came in
    QList<RouteLeg> route;                       // the members' legs, in the order they rang
    Transcription transcription;
    CallDirection direction = CallDirection::Inbound;
    QString callBackOf;                          // outbound: the CallSid of the call it called back
    QString calledBackBy;                        // outbound: who called back
    std::optional<CallBackSummary> lastCallBack; // inbound: read from the log, never written
    qint64 revision = 0;

    Outcome outcome() const;
    // Why the call reached nobody, when there is a reason to say.
    CallReason reason() const;
    // The member who took the call, as the accepting leg said; never guessed.
    std::optional<AnsweredBy> answeredBy() const;
    // The legs heard the whisper: only a key press accepts.
    bool isScreened() const;
    // The transcription of this call's voicemail, if one came for its recording.
    std::optional<Transcription> voicemailTranscription() const;

    // The call a webhook belongs to: a member's leg is part of the caller's call.
    static QString callSidOf(const Webhook &webhook);

    // Folds a webhook into the record. Applying the same webhook twice, or webhooks out of
    // order, leaves the record as if each had arrived once, in order.
    void apply(const Webhook &webhook);

private:
    void applyIdentity(const FormData &params);
    void applyDial(const Webhook &webhook);
    void applyRecording(const FormData &params);
    void applyRecordingStatus(const FormData &params);
    void applyFinalStatus(const Webhook &webhook);
    void applyLeg(const Webhook &webhook);
    void applyTranscription(const FormData &params);
    void applyCallBack(const Webhook &webhook);
    const RouteLeg *acceptingLeg() const;
};

} // namespace Switchboard
