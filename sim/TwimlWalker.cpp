#include "TwimlWalker.h"

#include "DialLegs.h"
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

// What Twilio executes in the TwiML of a <Number url>, on the member's leg.
bool allowedInWhisper(const QString &verb)
{
    static const QStringList allowed{QStringLiteral("Say"),      QStringLiteral("Play"),
                                     QStringLiteral("Pause"),    QStringLiteral("Gather"),
                                     QStringLiteral("Redirect"), QStringLiteral("Hangup")};
    return allowed.contains(verb);
}

// The phone numbers, clients or SIP addresses a <Dial> rings, as written in the TwiML: its
// nouns, or its own text.
QList<TwimlVerb> dialTargets(const TwimlVerb &verb, QString *unsupported)
{
    if (verb.children.isEmpty()) {
        if (verb.text.trimmed().isEmpty())
            return {};
        TwimlVerb number;
        number.name = QStringLiteral("Number");
        number.text = verb.text;
        return {number};
    }
    QList<TwimlVerb> targets;
    for (const TwimlVerb &noun : verb.children) {
        if (noun.name == QLatin1String("Number") || noun.name == QLatin1String("Client") ||
            noun.name == QLatin1String("Sip"))
            targets.append(noun);
        else
            *unsupported = noun.name;
    }
    return targets;
}

} // namespace

TwimlWalker::TwimlWalker(const CallScript &script, Mode mode)
    : m_script(script)
    , m_mode(mode)
{}

TwimlWalker::~TwimlWalker() = default;

QString TwimlWalker::listener() const
{
    return m_mode == Mode::Whisper ? QStringLiteral("member") : QStringLiteral("caller");
}

void TwimlWalker::narrate(const QString &line) const
{
    if (m_narrate)
        m_narrate(line);
}

void TwimlWalker::load(const TwimlDocument &document, const QUrl &documentUrl)
{
    if (m_dial && m_dial->awaitsTwiml()) {
        m_dial->load(document, documentUrl);
        return;
    }
    m_verbs = document.verbs;
    m_documentUrl = documentUrl;
    m_nextVerb = 0;
    m_loaded = true;
}

QStringList TwimlWalker::legErrors() const
{
    return m_dial ? m_legErrors + m_dial->errors() : m_legErrors;
}

void TwimlWalker::failLegRequest(const QString &error)
{
    if (m_dial)
        m_dial->failRequest(error);
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
    if (m_dial) {
        WalkStep step = continueDial();
        if (step.kind != WalkStep::Kind::Notify)
            return step;
    }
    if (m_callerGone)
        return hangup();
    if (!m_loaded)
        return failure(QStringLiteral("no TwiML loaded"));

    while (m_nextVerb < m_verbs.size()) {
        const TwimlVerb &verb = m_verbs.at(m_nextVerb++);
        const QString &name = verb.name;
        if (m_mode == Mode::Whisper && !allowedInWhisper(name))
            return failure(
                QStringLiteral("<%1> is not allowed in the TwiML of a <Number url>").arg(name));
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
    narrate(m_mode == Mode::Whisper
                ? QStringLiteral("end of the whisper: Twilio bridges the member to the caller")
                : QStringLiteral("end of the document: Twilio hangs up"));
    WalkStep end = hangup();
    end.endOfDocument = true;
    return end;
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
            narrate(QStringLiteral("%1 stays silent (%2 s timeout)").arg(listener()).arg(timeout));
        } else {
            narrate(QStringLiteral("%1 presses %2, which Gather counts as no input")
                        .arg(listener(), entry));
        }
        if (!actionOnEmpty) {
            narrate(QStringLiteral("no input: Twilio continues after </Gather>"));
            WalkStep cont;
            cont.kind = WalkStep::Kind::Notify;
            return cont;
        }
    } else {
        m_keysPressed.append(digits);
        narrate(QStringLiteral("%1 presses %2").arg(listener(), digits + finishedOn));
    }

    WalkStep step;
    step.kind = WalkStep::Kind::Request;
    step.purpose = QStringLiteral("gather action");
    step.url = actionUrl(verb);
    step.params = TwilioParameters::gatherAction(digits, finishedOn);
    return step;
}

LegScript TwimlWalker::legScript(const QString &number, int position, bool *callerHangsUp)
{
    qsizetype order = m_dialledNumbers.indexOf(number);
    if (order < 0) {
        order = m_dialledNumbers.size();
        m_dialledNumbers.append(number);
    }
    LegScript leg;
    if (!m_script.legs.isEmpty()) {
        if (order < m_script.legs.size())
            return m_script.legs.at(order);
        narrate(QStringLiteral("  leg %1 %2 is number %3 dialled in this call and --legs has no "
                               "entry for it: it does not answer")
                    .arg(position + 1)
                    .arg(number)
                    .arg(order + 1));
        leg.behaviour = LegScript::Behaviour::NoAnswer;
        return leg;
    }
    // Without --legs, every leg does what --answer says the far end does.
    switch (m_script.farEnd.kind) {
    case FarEnd::Kind::Talk:
        leg.behaviour = LegScript::Behaviour::Accept;
        break;
    case FarEnd::Kind::NoAnswer:
        leg.behaviour = LegScript::Behaviour::NoAnswer;
        break;
    case FarEnd::Kind::Busy:
        leg.behaviour = LegScript::Behaviour::Busy;
        break;
    case FarEnd::Kind::Failed:
        leg.behaviour = LegScript::Behaviour::Failed;
        break;
    case FarEnd::Kind::Canceled:
        leg.behaviour = LegScript::Behaviour::NoAnswer;
        *callerHangsUp = true;
        break;
    }
    return leg;
}

WalkStep TwimlWalker::dial(const TwimlVerb &verb)
{
    QString unsupported;
    const QList<TwimlVerb> targets = dialTargets(verb, &unsupported);
    if (!unsupported.isEmpty())
        return failure(QStringLiteral("<Dial><%1> is not simulated").arg(unsupported));
    if (targets.isEmpty())
        return failure(QStringLiteral("<Dial> with nothing to dial"));
    if (targets.size() > kMaxNumbersPerDial)
        return failure(QStringLiteral("<Dial> with %1 numbers: Twilio rings at most %2 at once "
                                      "and rejects the TwiML")
                           .arg(targets.size())
                           .arg(kMaxNumbersPerDial));
    const int timeout = VerbTiming::seconds(verb, "timeout", 30);
    const int timeLimit = VerbTiming::seconds(verb, "timeLimit", 14400);
    const QString callerId = verb.attribute(QStringLiteral("callerId"));
    QStringList numbers;
    for (const TwimlVerb &target : targets)
        numbers.append(target.text.trimmed());
    narrate(QStringLiteral("Dial %1 (timeout %2 s%3)")
                .arg(numbers.join(QStringLiteral(", ")))
                .arg(timeout)
                .arg(callerId.isEmpty() ? QString() : QStringLiteral(", callerId ") + callerId));

    DialLegs::Timing timing;
    timing.startMs = m_elapsedMs;
    timing.timeoutSeconds = timeout;
    timing.talkSeconds = qMin(m_script.farEnd.talkSeconds, timeLimit);
    QList<DialLegs::Member> members;
    for (qsizetype position = 0; position < targets.size(); ++position) {
        const TwimlVerb &target = targets.at(position);
        DialLegs::Member member;
        member.number = numbers.at(position);
        member.script = legScript(member.number, int(position), &timing.callerHangsUp);
        member.name = member.script.name.isEmpty() ? member.number : member.script.name;
        const QString url = target.attribute(QStringLiteral("url"));
        if (!url.trimmed().isEmpty())
            member.url = UrlMapper::resolve(m_documentUrl, url);
        const QString statusCallback = target.attribute(QStringLiteral("statusCallback"));
        if (!statusCallback.trimmed().isEmpty()) {
            member.statusCallback = UrlMapper::resolve(m_documentUrl, statusCallback);
            // Only the final status is simulated; Twilio sends it unless told otherwise.
            member.wantsFinalStatus =
                target.attribute(QStringLiteral("statusCallbackEvent"), QStringLiteral("completed"))
                    .split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts)
                    .contains(QLatin1String("completed"));
        }
        members.append(member);
    }
    m_dialVerb = verb;
    m_dial = std::make_unique<DialLegs>(members, callerId, timing, m_narrate);
    return continueDial();
}

WalkStep TwimlWalker::continueDial()
{
    if (std::optional<WalkStep> step = m_dial->next())
        return *step;
    const DialLegs::Outcome outcome = m_dial->outcome();
    m_legResults.append(m_dial->results());
    m_legErrors.append(m_dial->errors());
    m_dial.reset();
    m_elapsedMs = outcome.endMs;
    m_dialStatus = outcome.dialStatus;
    m_dialSeconds = outcome.dialSeconds;
    if (outcome.dialStatus == QLatin1String("canceled"))
        m_callerGone = true;

    const QString action = m_dialVerb.attribute(QStringLiteral("action"));
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
    step.params = TwilioParameters::dialAction(outcome.dialStatus, outcome.dialSid,
                                               outcome.dialSeconds, outcome.bridged);
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
    const QString transcribeCallback = verb.attribute(QStringLiteral("transcribeCallback"));
    if (isTrue(verb.attribute(QStringLiteral("transcribe"))) &&
        !transcribeCallback.trimmed().isEmpty())
        recording.transcribeCallback = UrlMapper::resolve(m_documentUrl, transcribeCallback);

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
