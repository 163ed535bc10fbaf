#include "TwilioParameters.h"

#include <QLocale>

namespace Switchboard {

FormData TwilioParameters::call(const QString &accountSid, const QString &callSid,
                                const QString &callStatus, const CallParty &party)
{
    FormData form;
    form.add(QStringLiteral("AccountSid"), accountSid);
    form.add(QStringLiteral("ApiVersion"), QStringLiteral("2010-04-01"));
    form.add(QStringLiteral("CallSid"), callSid);
    form.add(QStringLiteral("CallStatus"), callStatus);
    form.add(QStringLiteral("Direction"), QStringLiteral("inbound"));
    form.add(QStringLiteral("From"), party.from);
    form.add(QStringLiteral("To"), party.to);
    form.add(QStringLiteral("Caller"), party.from);
    form.add(QStringLiteral("Called"), party.to);
    if (!party.callerName.isEmpty())
        form.add(QStringLiteral("CallerName"), party.callerName);
    // Twilio sends each location twice, as From…/To… and as Caller…/Called….
    const struct
    {
        const char *suffix;
        const QString &from;
        const QString &to;
    } places[] = {
        {"City", party.fromCity, party.toCity},
        {"State", party.fromState, party.toState},
        {"Zip", party.fromZip, party.toZip},
        {"Country", party.fromCountry, party.toCountry},
    };
    for (const auto &place : places) {
        const QString suffix = QLatin1String(place.suffix);
        form.add(QStringLiteral("From") + suffix, place.from);
        form.add(QStringLiteral("Caller") + suffix, place.from);
        form.add(QStringLiteral("To") + suffix, place.to);
        form.add(QStringLiteral("Called") + suffix, place.to);
    }
    return form;
}

FormData TwilioParameters::action(const QString &accountSid, const QString &callSid,
                                  bool callerHungUp, const CallParty &party,
                                  const FormData &verbParameters)
{
    FormData form =
        call(accountSid, callSid,
             callerHungUp ? QStringLiteral("completed") : QStringLiteral("in-progress"), party);
    for (const auto &[name, value] : verbParameters.items())
        form.add(name, value);
    return form;
}

FormData TwilioParameters::gatherAction(const QString &digits, const QString &finishedOnKey)
{
    FormData form;
    form.add(QStringLiteral("msg"), QStringLiteral("Gather End"));
    form.add(QStringLiteral("Digits"), digits);
    form.add(QStringLiteral("FinishedOnKey"), finishedOnKey);
    return form;
}

FormData TwilioParameters::dialAction(const QString &dialCallStatus, const QString &dialCallSid,
                                      int talkSeconds, bool bridged)
{
    FormData form;
    form.add(QStringLiteral("DialCallStatus"), dialCallStatus);
    form.add(QStringLiteral("DialCallSid"), dialCallSid);
    form.add(QStringLiteral("DialCallDuration"), QString::number(talkSeconds));
    form.add(QStringLiteral("DialBridged"),
             bridged ? QStringLiteral("true") : QStringLiteral("false"));
    return form;
}

FormData TwilioParameters::recordAction(const WalkRecording &recording, const QString &digits)
{
    FormData form;
    form.add(QStringLiteral("RecordingUrl"), recording.url);
    form.add(QStringLiteral("RecordingSid"), recording.sid);
    form.add(QStringLiteral("RecordingDuration"), QString::number(recording.seconds));
    if (!digits.isEmpty())
        form.add(QStringLiteral("Digits"), digits);
    return form;
}

FormData TwilioParameters::recordingStatus(const QString &accountSid, const QString &callSid,
                                           const WalkRecording &recording, const QString &status,
                                           const QDateTime &startTime)
{
    FormData form;
    form.add(QStringLiteral("AccountSid"), accountSid);
    form.add(QStringLiteral("CallSid"), callSid);
    form.add(QStringLiteral("RecordingSid"), recording.sid);
    form.add(QStringLiteral("RecordingUrl"), recording.url);
    form.add(QStringLiteral("RecordingStatus"), status);
    form.add(QStringLiteral("RecordingDuration"), QString::number(recording.seconds));
    form.add(QStringLiteral("RecordingChannels"), QStringLiteral("1"));
    form.add(QStringLiteral("RecordingStartTime"), timestamp(startTime));
    form.add(QStringLiteral("RecordingSource"), QStringLiteral("RecordVerb"));
    form.add(QStringLiteral("ErrorCode"), QStringLiteral("0"));
    return form;
}

FormData TwilioParameters::statusCallback(const QString &accountSid, const QString &callSid,
                                          const QString &callStatus, const CallParty &party,
                                          int durationSeconds, const QDateTime &time, int sequence)
{
    FormData form = call(accountSid, callSid, callStatus, party);
    if (durationSeconds >= 0) {
        form.add(QStringLiteral("CallDuration"), QString::number(durationSeconds));
        form.add(QStringLiteral("Duration"), QString::number((durationSeconds + 59) / 60));
    }
    form.add(QStringLiteral("Timestamp"), timestamp(time));
    form.add(QStringLiteral("SequenceNumber"), QString::number(sequence));
    form.add(QStringLiteral("CallbackSource"), QStringLiteral("call-progress-events"));
    return form;
}

FormData TwilioParameters::childLeg(const QString &accountSid, const QString &parentCallSid,
                                    const QString &callerNumber, const LegCall &leg)
{
    const QString from = leg.from.isEmpty() ? callerNumber : leg.from;
    FormData form;
    form.add(QStringLiteral("AccountSid"), accountSid);
    form.add(QStringLiteral("ApiVersion"), QStringLiteral("2010-04-01"));
    form.add(QStringLiteral("CallSid"), leg.sid);
    form.add(QStringLiteral("ParentCallSid"), parentCallSid);
    form.add(QStringLiteral("CallStatus"), leg.callStatus);
    form.add(QStringLiteral("Direction"), QStringLiteral("outbound-dial"));
    form.add(QStringLiteral("From"), from);
    form.add(QStringLiteral("To"), leg.to);
    form.add(QStringLiteral("Caller"), from);
    form.add(QStringLiteral("Called"), leg.to);
    return form;
}

FormData TwilioParameters::legStatus(const QString &accountSid, const QString &parentCallSid,
                                     const QString &callerNumber, const LegCall &leg,
                                     const QDateTime &time)
{
    FormData form = childLeg(accountSid, parentCallSid, callerNumber, leg);
    if (leg.durationSeconds >= 0) {
        form.add(QStringLiteral("CallDuration"), QString::number(leg.durationSeconds));
        form.add(QStringLiteral("Duration"), QString::number((leg.durationSeconds + 59) / 60));
    }
    form.add(QStringLiteral("Timestamp"), timestamp(time));
    form.add(QStringLiteral("SequenceNumber"), QString::number(sequenceNumber(leg.callStatus)));
    form.add(QStringLiteral("CallbackSource"), QStringLiteral("call-progress-events"));
    return form;
}

FormData TwilioParameters::transcription(const QString &accountSid, const QString &callSid,
                                         const WalkRecording &recording,
                                         const QString &transcriptionSid,
                                         const TranscriptionScript &script)
{
    const bool completed = script.kind == TranscriptionScript::Kind::Completed;
    // The transcription's resource sits beside the recording's on the same API host.
    const qsizetype recordings = recording.url.lastIndexOf(QLatin1String("/Recordings/"));
    const QString account =
        recordings < 0 ? QStringLiteral("https://api.twilio.com/2010-04-01/Accounts/") + accountSid
                       : recording.url.left(recordings);
    const QString url = account + QStringLiteral("/Transcriptions/") + transcriptionSid;
    FormData form;
    form.add(QStringLiteral("AccountSid"), accountSid);
    form.add(QStringLiteral("ApiVersion"), QStringLiteral("2010-04-01"));
    form.add(QStringLiteral("CallSid"), callSid);
    form.add(QStringLiteral("RecordingSid"), recording.sid);
    form.add(QStringLiteral("RecordingUrl"), recording.url);
    form.add(QStringLiteral("TranscriptionSid"), transcriptionSid);
    form.add(QStringLiteral("TranscriptionText"), completed ? script.text : QString());
    form.add(QStringLiteral("TranscriptionStatus"),
             completed ? QStringLiteral("completed") : QStringLiteral("failed"));
    form.add(QStringLiteral("TranscriptionUrl"), url);
    return form;
}

int TwilioParameters::sequenceNumber(const QString &callStatus)
{
    if (callStatus == QLatin1String("queued") || callStatus == QLatin1String("initiated"))
        return 0;
    if (callStatus == QLatin1String("ringing"))
        return 1;
    if (callStatus == QLatin1String("in-progress") || callStatus == QLatin1String("answered"))
        return 2;
    return 3;
}

QString TwilioParameters::timestamp(const QDateTime &time)
{
    return QLocale::c().toString(time.toUTC(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss")) +
           QStringLiteral(" +0000");
}

} // namespace Switchboard
