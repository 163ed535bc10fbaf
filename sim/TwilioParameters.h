#pragma once

#include "CallScript.h"
#include "LegCall.h"
#include "TwimlWalker.h"

#include <QDateTime>
#include <QString>
#include <twilio/FormData.h>

namespace Switchboard {

// The parameters Twilio puts in its requests, built the way Twilio names and formats them.
class TwilioParameters final
{
public:
    // Every voice webhook: account, call, status, direction and the caller-ID details.
    static FormData call(const QString &accountSid, const QString &callSid,
                         const QString &callStatus, const CallParty &party);

    // A verb's action request: the call's parameters (CallStatus "completed" once the caller
    // has hung up) and then the verb's own, as the three below build them.
    static FormData action(const QString &accountSid, const QString &callSid, bool callerHungUp,
                           const CallParty &party, const FormData &verbParameters);

    // What <Gather> adds to its action request; `digits` empty: the caller pressed nothing.
    static FormData gatherAction(const QString &digits, const QString &finishedOnKey);

    // What <Dial> adds to its action request: how the forwarded call ended.
    static FormData dialAction(const QString &dialCallStatus, const QString &dialCallSid,
                               int talkSeconds, bool bridged);

    // What <Record> adds to its action request; `digits`: the key that ended the recording,
    // "hangup", or empty when silence or maxLength ended it.
    static FormData recordAction(const WalkRecording &recording, const QString &digits);

    // A recordingStatusCallback request: only recording fields, no caller details.
    static FormData recordingStatus(const QString &accountSid, const QString &callSid,
                                    const WalkRecording &recording, const QString &status,
                                    const QDateTime &startTime);

    // The number's status callback; `durationSeconds` < 0 leaves CallDuration out.
    static FormData statusCallback(const QString &accountSid, const QString &callSid,
                                   const QString &callStatus, const CallParty &party,
                                   int durationSeconds, const QDateTime &timestamp,
                                   int sequenceNumber);

    // A request on a member's leg of a <Dial> (its <Number url>, the whisper's actions), with
    // the leg's own parameters; `leg.from` empty means the caller's number `callerNumber`.
    static FormData childLeg(const QString &accountSid, const QString &parentCallSid,
                             const QString &callerNumber, const LegCall &leg);

    // The leg's <Number statusCallback> for its final status.
    static FormData legStatus(const QString &accountSid, const QString &parentCallSid,
                              const QString &callerNumber, const LegCall &leg,
                              const QDateTime &timestamp);

    // The <Record transcribeCallback> request.
    static FormData transcription(const QString &accountSid, const QString &callSid,
                                  const WalkRecording &recording, const QString &transcriptionSid,
                                  const TranscriptionScript &script);

    // SequenceNumber of a call-progress event: initiated 0, ringing 1, in-progress 2, final 3.
    static int sequenceNumber(const QString &callStatus);

    // RFC 2822, as in Twilio's Timestamp and RecordingStartTime.
    static QString timestamp(const QDateTime &time);
};

} // namespace Switchboard
