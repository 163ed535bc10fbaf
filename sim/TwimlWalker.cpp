#include "TwimlWalker.h"

#include "Sid.h"
#include "TwilioParameters.h"
#include "UrlMapper.h"
#include "VerbTiming.h"

#include <QRegularExpression>

namespace Switchboard {
namespace {

const QString kSilence = QStringLiteral("-");
constexpr qint64 kKeyPressMs = 600;

QString quoted(const QString &text)
{
    constexpr int limit = 70;
    QString shown = text.simplified();
    if (shown.size() > limit)
        shown = shown.left(limit - 3) + QStringLiteral("...");
    return QLatin1Char('"') + shown + QLatin1Char('"');
}

QString seconds(qint64 ms)
{
    return QString::number(double(ms) / 1000.0, 'f', ms % 1000 ? 1 : 0) + QStringLiteral(" s");
}

bool isTrue(const QString &value)
{
    return value.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
}

WalkStep failure(const QString &error)
{
    WalkStep step;
    step.kind = WalkStep::Kind::Failure;
    step.error = error;
    return step;
}

WalkStep hangup(const QString &status = QStringLiteral("completed"))
{
    WalkStep step;
    step.kind = WalkStep::Kind::Hangup;
    step.finalStatus = status;
    return step;
}

// The phone number, client or SIP address a <Dial> rings, as written in the TwiML.
QString dialTarget(const TwimlVerb &verb, QString *unsupported)
{
    if (verb.children.isEmpty())
        return verb.text;
    QStringList targets;
    for (const TwimlVerb &noun : verb.children) {
        if (noun.name == QLatin1String("Number") || noun.name == QLatin1String("Client") ||
            noun.name == QLatin1String("Sip"))
            targets.append(noun.text);
        else
            *unsupported = noun.name;
    }
    return targets.join(QStringLiteral(", "));
}

} // namespace

TwimlWalker::TwimlWalker(const CallScript &script)
    : m_script(script)
{}

void TwimlWalker::narrate(const QString &line) const
{
    if (m_narrate)
        m_narrate(line);
}

void TwimlWalker::load(const TwimlDocument &document, const QUrl &documentUrl)
{
    m_verbs = document.verbs;
    m_documentUrl = documentUrl;
    m_nextVerb = 0;
    m_loaded = true;
}

QUrl TwimlWalker::actionUrl(const TwimlVerb &verb) const
{
    // Without an action, Twilio requests the current document again.
    const QString action = verb.attribute(QStringLiteral("action"));
    if (action.trimmed().isEmpty())
        return m_documentUrl;
    return UrlMapper::resolve(m_documentUrl, action);
}

void TwimlWalker::playPrompt(const TwimlVerb &verb, const QString &indent)
{
    if (verb.name == QLatin1String("Say")) {
        const qint64 ms = VerbTiming::sayMs(verb);
        m_elapsedMs += ms;
        narrate(indent + QStringLiteral("Say ") + quoted(verb.text) + QStringLiteral(" (") +
                seconds(ms) + QLatin1Char(')'));
    } else if (verb.name == QLatin1String("Play")) {
        const qint64 ms = VerbTiming::playMs(verb);
        m_elapsedMs += ms;
        const QString what =
            verb.attribute(QStringLiteral("digits")).isEmpty()
                ? verb.text
                : QStringLiteral("digits ") + verb.attribute(QStringLiteral("digits"));
        narrate(indent + QStringLiteral("Play ") + what + QStringLiteral(" (") + seconds(ms) +
                QLatin1Char(')'));
    } else if (verb.name == QLatin1String("Pause")) {
        const qint64 ms = VerbTiming::pauseMs(verb);
        m_elapsedMs += ms;
        narrate(indent + QStringLiteral("Pause ") + seconds(ms));
    } else {
        narrate(indent + QStringLiteral("<") + verb.name +
                QStringLiteral("> is not allowed here; Twilio ignores it"));
    }
}

WalkStep TwimlWalker::next()
{
    if (m_callerGone)
        return hangup();
    if (!m_loaded)
        return failure(QStringLiteral("no TwiML loaded"));

    while (m_nextVerb < m_verbs.size()) {
        const TwimlVerb &verb = m_verbs.at(m_nextVerb++);
        const QString &name = verb.name;
        if (name == QLatin1String("Say") || name == QLatin1String("Play") ||
            name == QLatin1String("Pause")) {
            playPrompt(verb, QString());
        } else if (name == QLatin1String("Gather")) {
            WalkStep step = gather(verb);
            if (step.kind != WalkStep::Kind::Notify)
                return step;
        } else if (name == QLatin1String("Dial")) {
            WalkStep step = dial(verb);
            if (step.kind != WalkStep::Kind::Notify)
                return step;
        } else if (name == QLatin1String("Record")) {
            return record(verb);
        } else if (name == QLatin1String("Redirect")) {
            if (verb.text.isEmpty())
                return failure(QStringLiteral("<Redirect> without a URL"));
            WalkStep step;
            step.kind = WalkStep::Kind::Request;
            step.purpose = QStringLiteral("redirect");
            step.url = UrlMapper::resolve(m_documentUrl, verb.text);
            narrate(QStringLiteral("Redirect to ") + step.url.toString());
            return step;
        } else if (name == QLatin1String("Hangup")) {
            narrate(QStringLiteral("Hangup"));
            return hangup();
        } else if (name == QLatin1String("Reject")) {
            narrate(QStringLiteral("Reject (") +
                    verb.attribute(QStringLiteral("reason"), QStringLiteral("rejected")) +
                    QLatin1Char(')'));
            return hangup(QStringLiteral("busy"));
        } else {
            return failure(QStringLiteral("unsupported TwiML verb <%1>").arg(name));
        }
    }
    narrate(QStringLiteral("end of the document: Twilio hangs up"));
    return hangup();
}

WalkStep TwimlWalker::gather(const TwimlVerb &verb)
{
    const int numDigits = VerbTiming::seconds(verb, "numDigits", 0);
    const int timeout = VerbTiming::seconds(verb, "timeout", 5);
    const QString finishOnKey =
        verb.attributes.value(QStringLiteral("finishOnKey"), QStringLiteral("#"));
    narrate(QStringLiteral("Gather (numDigits=%1, timeout=%2 s)")
                .arg(numDigits ? QString::number(numDigits) : QStringLiteral("any"))
                .arg(timeout));
    for (const TwimlVerb &child : verb.children)
        playPrompt(child, QStringLiteral("  "));

    if (m_script.hangupInMenu && !m_reachedMenu) {
        m_reachedMenu = true;
        m_callerGone = true;
        m_elapsedMs += 1000;
        narrate(QStringLiteral("caller hangs up in the menu"));
        return hangup();
    }
    m_reachedMenu = true;

    QString entry = m_script.presses.isEmpty() ? kSilence : m_script.presses.takeFirst();
    QString digits, finishedOn;
    if (entry != kSilence) {
        for (const QChar key : entry) {
            m_elapsedMs += kKeyPressMs;
            if (!finishOnKey.isEmpty() && finishOnKey.contains(key)) {
                finishedOn = key;
                break;
            }
            digits += key;
            if (numDigits > 0 && digits.size() >= numDigits)
                break;
        }
        // Short of numDigits and no finishing key: Twilio waits out the timeout, then submits.
        if (finishedOn.isEmpty() && (numDigits == 0 || digits.size() < numDigits))
            m_elapsedMs += qint64(timeout) * 1000;
    }

    const bool actionOnEmpty = isTrue(verb.attribute(QStringLiteral("actionOnEmptyResult")));
    if (digits.isEmpty()) {
        if (entry == kSilence) {
            m_elapsedMs += qint64(timeout) * 1000;
            narrate(QStringLiteral("caller stays silent (%1 s timeout)").arg(timeout));
        } else {
            narrate(
                QStringLiteral("caller presses %1, which Gather counts as no input").arg(entry));
        }
        if (!actionOnEmpty) {
            narrate(QStringLiteral("no input: Twilio continues after </Gather>"));
            WalkStep cont;
            cont.kind = WalkStep::Kind::Notify;
            return cont;
        }
    } else {
        m_keysPressed.append(digits);
        narrate(QStringLiteral("caller presses %1").arg(digits + finishedOn));
    }

    WalkStep step;
    step.kind = WalkStep::Kind::Request;
    step.purpose = QStringLiteral("gather action");
    step.url = actionUrl(verb);
    step.params = TwilioParameters::gatherAction(digits, finishedOn);
    return step;
}

WalkStep TwimlWalker::dial(const TwimlVerb &verb)
{
    QString unsupported;
    const QString target = dialTarget(verb, &unsupported);
    if (!unsupported.isEmpty())
        return failure(QStringLiteral("<Dial><%1> is not simulated").arg(unsupported));
    const int timeout = VerbTiming::seconds(verb, "timeout", 30);
    const int timeLimit = VerbTiming::seconds(verb, "timeLimit", 14400);
    const QString callerId = verb.attribute(QStringLiteral("callerId"));
    narrate(QStringLiteral("Dial %1 (timeout %2 s%3)")
                .arg(target)
                .arg(timeout)
                .arg(callerId.isEmpty() ? QString() : QStringLiteral(", callerId ") + callerId));
    for (const TwimlVerb &noun : verb.children) {
        if (!noun.attribute(QStringLiteral("url")).isEmpty())
            narrate(QStringLiteral("  note: <%1 url> (whisper/screening) is not simulated; the "
                                   "far end behaves as scripted")
                        .arg(noun.name));
    }

    const FarEnd &farEnd = m_script.farEnd;
    const qint64 timeoutMs = qint64(timeout) * 1000;
    int talked = 0;
    bool bridged = false;
    const QString status = farEnd.dialCallStatus();
    switch (farEnd.kind) {
    case FarEnd::Kind::Talk:
        m_elapsedMs += qMin<qint64>(timeoutMs, 6000);
        talked = qMin(farEnd.talkSeconds, timeLimit);
        m_elapsedMs += qint64(talked) * 1000;
        bridged = true;
        narrate(
            QStringLiteral("far end answers, they talk for %1 s, far end hangs up").arg(talked));
        break;
    case FarEnd::Kind::NoAnswer:
        m_elapsedMs += timeoutMs;
        narrate(QStringLiteral("far end rings for %1 s, no answer").arg(timeout));
        break;
    case FarEnd::Kind::Busy:
        m_elapsedMs += qMin<qint64>(timeoutMs, 2000);
        narrate(QStringLiteral("far end is busy"));
        break;
    case FarEnd::Kind::Failed:
        m_elapsedMs += qMin<qint64>(timeoutMs, 1000);
        narrate(QStringLiteral("the call to the far end fails"));
        break;
    case FarEnd::Kind::Canceled:
        m_elapsedMs += qMin<qint64>(timeoutMs, 10000);
        m_callerGone = true;
        narrate(QStringLiteral("caller hangs up while the far end rings"));
        break;
    }
    m_dialStatus = status;
    m_dialSeconds = talked;

    const QString action = verb.attribute(QStringLiteral("action"));
    if (action.trimmed().isEmpty()) {
        if (m_callerGone)
            return hangup();
        narrate(QStringLiteral("Dial has no action: Twilio continues with the next verb"));
        WalkStep cont;
        cont.kind = WalkStep::Kind::Notify;
        return cont;
    }
    WalkStep step;
    step.kind = WalkStep::Kind::Request;
    step.purpose = QStringLiteral("dial action");
    step.url = UrlMapper::resolve(m_documentUrl, action);
    step.callerHungUp = m_callerGone;
    step.params =
        TwilioParameters::dialAction(status, randomSid(QLatin1String("CA")), talked, bridged);
    return step;
}

WalkStep TwimlWalker::record(const TwimlVerb &verb)
{
    const int maxLength = VerbTiming::seconds(verb, "maxLength", 3600);
    const int timeout = VerbTiming::seconds(verb, "timeout", 5);
    const QString finishOnKey =
        verb.attributes.value(QStringLiteral("finishOnKey"), QStringLiteral("1234567890*#"));
    const bool beep = !verb.attribute(QStringLiteral("playBeep")).contains(QLatin1String("false"));
    narrate(QStringLiteral("Record (maxLength=%1 s, timeout=%2 s%3)")
                .arg(maxLength)
                .arg(timeout)
                .arg(beep ? QStringLiteral(", beep") : QString()));
    if (beep)
        m_elapsedMs += 500;

    WalkRecording recording;
    recording.sid = randomSid(QLatin1String("RE"));
    recording.startedAtMs = m_elapsedMs;
    const QString callback = verb.attribute(QStringLiteral("recordingStatusCallback"));
    if (!callback.trimmed().isEmpty())
        recording.statusCallback = UrlMapper::resolve(m_documentUrl, callback);
    recording.callbackEvents =
        verb.attribute(QStringLiteral("recordingStatusCallbackEvent"), QStringLiteral("completed"))
            .split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts);

    if (m_script.voicemailSeconds <= 0) {
        // Twilio's documented exception: an empty recording does not request the action;
        // the call continues with the next verb. Only an "absent" event is reported, if asked.
        m_elapsedMs += qint64(timeout) * 1000;
        narrate(QStringLiteral("caller says nothing: empty recording, no action request; "
                               "Twilio continues with the next verb"));
        m_recordings.append(recording);
        WalkStep step;
        step.kind = WalkStep::Kind::Notify;
        step.recording = recording;
        return step;
    }

    const int recorded = qMin(m_script.voicemailSeconds, maxLength);
    m_elapsedMs += qint64(recorded) * 1000;
    QString digits;
    if (m_script.voicemailSeconds > maxLength) {
        narrate(QStringLiteral("caller speaks; the recording stops at maxLength (%1 s)")
                    .arg(maxLength));
    } else if (m_script.hangupAfterMessage) {
        digits = QStringLiteral("hangup");
        m_callerGone = true;
        narrate(QStringLiteral("caller speaks for %1 s and hangs up").arg(recorded));
    } else if (!finishOnKey.isEmpty()) {
        digits = finishOnKey.contains(QLatin1Char('#')) ? QStringLiteral("#") : finishOnKey.left(1);
        m_elapsedMs += kKeyPressMs;
        narrate(QStringLiteral("caller speaks for %1 s and presses %2").arg(recorded).arg(digits));
    } else {
        m_elapsedMs += qint64(timeout) * 1000;
        narrate(QStringLiteral("caller speaks for %1 s, then silence ends the recording")
                    .arg(recorded));
    }

    recording.seconds = recorded;
    recording.url = m_publishRecording ? m_publishRecording(recording.sid, recorded) : QString();
    m_recordings.append(recording);

    WalkStep step;
    step.kind = WalkStep::Kind::Request;
    step.purpose = QStringLiteral("record action");
    step.url = actionUrl(verb);
    step.callerHungUp = m_callerGone;
    step.recording = recording;
    step.params = TwilioParameters::recordAction(recording, digits);
    return step;
}

} // namespace Switchboard
