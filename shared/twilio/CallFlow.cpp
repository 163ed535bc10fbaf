#include "CallFlow.h"

#include "twilio/DialOutcome.h"
#include "twilio/Identifiers.h"
#include "twilio/MenuKeys.h"
#include "twilio/TwimlWriter.h"
#include "twilio/WebhookRoutes.h"

#include <QUrlQuery>

namespace Switchboard {
namespace {

// The menu's action URL carries which playing of the menu the caller answered.
const QString kAttempt = QStringLiteral("attempt");
// A member's leg, and a sequential dial, carry the member's index in the flow's members.
const QString kMember = QStringLiteral("member");
const QString kCall = QStringLiteral("call");
// A forwarded call's dial action and legs carry the revision of the flow it was routed under.
const QString kRevision = QStringLiteral("revision");

constexpr qsizetype kMaxSpokenNameLength = 64;

std::shared_ptr<const FlowDefinition> flowFromSettings(const CallFlowSettings &settings)
{
    auto flow = std::make_shared<FlowDefinition>();
    flow->greeting = settings.greeting;
    flow->ringTimeoutS = settings.ringTimeoutS;
    flow->members = {FlowMember{QStringLiteral("Staff phone"), settings.forwardTo, true}};
    return flow;
}

} // namespace

CallFlow::CallFlow(CallFlowSettings settings, std::shared_ptr<const FlowDefinition> flow,
                   qint64 revision)
    : m_settings(std::move(settings))
    , m_flow(flow ? flow : flowFromSettings(m_settings))
    , m_revision(flow ? qMax<qint64>(revision, 0) : 0) // the flags' flow is no stored revision
{}

QString CallFlow::url(const QString &path) const
{
    QString base = m_settings.publicUrl.toString(QUrl::FullyEncoded);
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return base + path;
}

QString CallFlow::webhookUrl(WebhookKind kind) const
{
    return url(webhookPath(kind));
}

QString CallFlow::revisionQuery() const
{
    return m_revision > 0 ? QStringLiteral("%1=%2").arg(kRevision).arg(m_revision) : QString();
}

QString CallFlow::legUrl(WebhookKind kind, const QString &callSid, int member) const
{
    QString url =
        webhookUrl(kind) + QStringLiteral("?%1=%2&%3=%4").arg(kCall, callSid, kMember).arg(member);
    if (m_revision > 0)
        url += QLatin1Char('&') + revisionQuery();
    return url;
}

int CallFlow::memberOf(const QUrl &requestUrl)
{
    const QUrlQuery query(requestUrl);
    if (!query.hasQueryItem(kMember))
        return -1;
    bool ok = false;
    const int member = query.queryItemValue(kMember).toInt(&ok);
    return ok && member >= 0 ? member : -1;
}

qint64 CallFlow::revisionOf(const QUrl &requestUrl)
{
    const QStringList values =
        QUrlQuery(requestUrl).allQueryItemValues(kRevision, QUrl::FullyDecoded);
    if (values.isEmpty())
        return 0;
    bool ok = values.size() == 1 && values.first().size() <= 18;
    const qint64 revision = ok ? values.first().toLongLong(&ok) : -1;
    if (!ok || revision <= 0 || values.first() != QString::number(revision))
        return -1;
    return revision;
}

QUrl CallFlow::withoutMember(const QUrl &requestUrl)
{
    QUrlQuery query(requestUrl);
    query.removeAllQueryItems(kMember);
    query.removeAllQueryItems(kRevision);
    QUrl url = requestUrl;
    url.setQuery(query);
    return url;
}

QString CallFlow::spokenNumber(const QString &number)
{
    static const QStringList digits{QStringLiteral("zero"),  QStringLiteral("one"),
                                    QStringLiteral("two"),   QStringLiteral("three"),
                                    QStringLiteral("four"),  QStringLiteral("five"),
                                    QStringLiteral("six"),   QStringLiteral("seven"),
                                    QStringLiteral("eight"), QStringLiteral("nine")};
    if (!isE164(number))
        return QStringLiteral("an unknown number");
    QStringList words;
    for (const QChar c : number)
        words.append(c == u'+' ? QStringLiteral("plus") : digits.at(c.digitValue()));
    return words.join(QLatin1Char(' '));
}

void CallFlow::say(TwimlWriter &twiml, const QString &text) const
{
    twiml.say(text, m_settings.voice, m_settings.language);
}

CallFlow::Route CallFlow::route(const QString &callerNumber, const QDateTime &at) const
{
    if (!callerNumber.isEmpty() && m_flow->blocked.contains(callerNumber))
        return Route::Blocked;
    if (!m_flow->isOpen(at.isValid() ? at : QDateTime::currentDateTimeUtc()))
        return Route::AfterHours;
    return Route::Menu;
}

int CallFlow::nextActiveMember(int from) const
{
    for (int i = qMax(0, from); i < m_flow->members.size(); ++i) {
        if (m_flow->members.at(i).active)
            return i;
    }
    return -1;
}

void CallFlow::annotate(Webhook &webhook, const QUrl &requestUrl) const
{
    const FormData &params = webhook.params;
    switch (webhook.kind) {
    case WebhookKind::Voice:
        switch (route(params.value(QStringLiteral("From")), webhook.receivedAt)) {
        case Route::Blocked:
            webhook.reason = QStringLiteral("blocked");
            break;
        case Route::AfterHours:
            webhook.reason = QStringLiteral("after-hours");
            break;
        case Route::Menu:
            break;
        }
        break;
    case WebhookKind::Menu:
        if (menuChoiceForDigits(params.value(QStringLiteral("Digits"))) == MenuChoice::Forward) {
            const int first = nextActiveMember(0);
            if (first >= 0)
                webhook.forwardTo = m_flow->members.at(first).number;
        }
        break;
    case WebhookKind::Dial:
    case WebhookKind::Screen:
    case WebhookKind::ScreenResult:
    case WebhookKind::LegStatus: {
        const int member = memberOf(requestUrl);
        if (member >= 0 && member < m_flow->members.size())
            webhook.memberName = m_flow->members.at(member).name;
        break;
    }
    case WebhookKind::Recording:
    case WebhookKind::RecordingStatus:
    case WebhookKind::Status:
    case WebhookKind::Transcription:
    case WebhookKind::CallBack: // a call back's TwiML is CallBackRoute's, not the flow's
    case WebhookKind::CallBackDial:
    case WebhookKind::CallBackStatus:
        break;
    }
}

void CallFlow::menu(TwimlWriter &twiml, int attempt) const
{
    const QString action =
        webhookUrl(WebhookKind::Menu) + QStringLiteral("?%1=%2").arg(kAttempt).arg(attempt);
    twiml.begin(QStringLiteral("Gather"), {{QStringLiteral("numDigits"), QStringLiteral("1")},
                                           {QStringLiteral("timeout"), QStringLiteral("5")},
                                           {QStringLiteral("action"), action},
                                           {QStringLiteral("method"), QStringLiteral("POST")}});
    say(twiml, m_flow->greeting);
    twiml.end();
    // Twilio goes on past </Gather> when nobody presses a key: report the silence to the menu.
    twiml.redirect(action);
}

void CallFlow::forward(TwimlWriter &twiml, const QString &callerNumber, const QString &callSid,
                       int from) const
{
    const bool sequential = m_flow->ring == FlowDefinition::Ring::Sequential;
    QList<int> ringing;
    for (int i = nextActiveMember(from);
         i >= 0 && ringing.size() < FlowDefinition::kMaxRingingAtOnce;
         i = nextActiveMember(i + 1)) {
        ringing.append(i);
        if (sequential)
            break;
    }
    // The dial action names the revision too: its answer (screening, the next member) is this
    // revision's, not that of a flow stored while the members rang.
    QStringList query;
    if (m_revision > 0)
        query.append(revisionQuery());
    if (sequential && !ringing.isEmpty())
        query.append(QStringLiteral("%1=%2").arg(kMember).arg(ringing.first()));
    QString action = webhookUrl(WebhookKind::Dial);
    if (!query.isEmpty())
        action += QLatin1Char('?') + query.join(QLatin1Char('&'));
    TwimlWriter::Attributes dial{
        {QStringLiteral("action"), action},
        {QStringLiteral("method"), QStringLiteral("POST")},
        {QStringLiteral("timeout"), QString::number(m_flow->ringTimeoutS)},
        {QStringLiteral("answerOnBridge"), QStringLiteral("true")},
    };
    if (isE164(callerNumber)) // staff see who is calling; withheld numbers show the company's
        dial.append({QStringLiteral("callerId"), callerNumber});
    twiml.begin(QStringLiteral("Dial"), dial);
    for (const int member : ringing) {
        TwimlWriter::Attributes number{
            {QStringLiteral("statusCallback"), legUrl(WebhookKind::LegStatus, callSid, member)},
            {QStringLiteral("statusCallbackEvent"), QStringLiteral("completed")},
            {QStringLiteral("statusCallbackMethod"), QStringLiteral("POST")},
        };
        if (m_flow->screening) {
            number.append({QStringLiteral("url"), legUrl(WebhookKind::Screen, callSid, member)});
            number.append({QStringLiteral("method"), QStringLiteral("POST")});
        }
        twiml.element(QStringLiteral("Number"), number, m_flow->members.at(member).number);
    }
    twiml.end();
}

void CallFlow::voicemail(TwimlWriter &twiml, const QString &prompt) const
{
    say(twiml, prompt.isEmpty() ? QStringLiteral("Please leave a message after the beep. Press "
                                                 "the pound key when you are done.")
                                : prompt);
    TwimlWriter::Attributes record{
        {QStringLiteral("action"), webhookUrl(WebhookKind::Recording)},
        {QStringLiteral("method"), QStringLiteral("POST")},
        {QStringLiteral("maxLength"), QString::number(m_settings.voicemailMaxS)},
        {QStringLiteral("finishOnKey"), QStringLiteral("#")},
        {QStringLiteral("playBeep"), QStringLiteral("true")},
        {QStringLiteral("recordingStatusCallback"), webhookUrl(WebhookKind::RecordingStatus)},
        {QStringLiteral("recordingStatusCallbackMethod"), QStringLiteral("POST")},
        {QStringLiteral("recordingStatusCallbackEvent"), QStringLiteral("completed absent")}};
    if (m_flow->transcribe) {
        record.append({QStringLiteral("transcribe"), QStringLiteral("true")});
        record.append(
            {QStringLiteral("transcribeCallback"), webhookUrl(WebhookKind::Transcription)});
    }
    twiml.element(QStringLiteral("Record"), record);
    // Reached only when nothing was recorded.
    say(twiml, QStringLiteral("We did not receive a message. Goodbye."));
    twiml.hangup();
}

std::optional<QByteArray> CallFlow::respond(const Webhook &webhook, const QUrl &requestUrl,
                                            bool legAccepted) const
{
    const FormData &params = webhook.params;
    const QString from = params.value(QStringLiteral("From"));
    switch (webhook.kind) {
    case WebhookKind::Voice:
        return incomingCall(from, webhook.receivedAt);
    case WebhookKind::Menu: {
        const int attempt = QUrlQuery(requestUrl).queryItemValue(kAttempt).toInt();
        return menuChoice(params.value(QStringLiteral("Digits")), qMax(1, attempt), from,
                          webhook.callSid());
    }
    case WebhookKind::Dial:
        return dialResult(params.value(QStringLiteral("DialCallStatus")), legAccepted,
                          memberOf(requestUrl), from, webhook.callSid());
    case WebhookKind::Screen:
        return screen(from, params.value(QStringLiteral("CallerName")),
                      params.value(QStringLiteral("ParentCallSid")), memberOf(requestUrl));
    case WebhookKind::ScreenResult:
        return screenResult(params.value(QStringLiteral("Digits")));
    case WebhookKind::Recording:
        return recordingDone();
    case WebhookKind::RecordingStatus:
    case WebhookKind::Status:
    case WebhookKind::LegStatus:
    case WebhookKind::Transcription:
    case WebhookKind::CallBack:
    case WebhookKind::CallBackDial:
    case WebhookKind::CallBackStatus:
        return std::nullopt;
    }
    Q_UNREACHABLE();
}

QByteArray CallFlow::incomingCall(const QString &callerNumber, const QDateTime &at) const
{
    TwimlWriter twiml;
    switch (route(callerNumber, at)) {
    case Route::Blocked:
        // Busy, not rejected: the caller cannot tell they are blocked.
        twiml.element(QStringLiteral("Reject"),
                      {{QStringLiteral("reason"), QStringLiteral("busy")}});
        break;
    case Route::AfterHours:
        voicemail(twiml, m_flow->afterHoursGreeting);
        break;
    case Route::Menu:
        menu(twiml, 1);
        break;
    }
    return twiml.finish();
}

QByteArray CallFlow::menuChoice(const QString &digits, int attempt, const QString &callerNumber,
                                const QString &callSid) const
{
    TwimlWriter twiml;
    switch (menuChoiceForDigits(digits)) {
    case MenuChoice::Forward:
        forward(twiml, callerNumber, callSid, 0);
        break;
    case MenuChoice::Voicemail:
        voicemail(twiml);
        break;
    case MenuChoice::None:
        if (!digits.isEmpty())
            say(twiml, QStringLiteral("Sorry, that is not a valid option."));
        if (attempt >= m_settings.menuRepeats)
            voicemail(twiml);
        else
            menu(twiml, attempt + 1);
        break;
    }
    return twiml.finish();
}

QByteArray CallFlow::dialResult(const QString &dialCallStatus, bool legAccepted, int member,
                                const QString &callerNumber, const QString &callSid) const
{
    TwimlWriter twiml;
    // Under screening Twilio reports a leg that answered as completed even when the member
    // declined at the whisper or a personal voicemail picked up: only an acceptance counts.
    if (dialWasAnswered(dialCallStatus) && (!m_flow->screening || legAccepted)) {
        twiml.hangup();
        return twiml.finish();
    }
    const bool sequential = m_flow->ring == FlowDefinition::Ring::Sequential;
    if (sequential && member >= 0 && nextActiveMember(member + 1) >= 0) {
        forward(twiml, callerNumber, callSid, member + 1);
        return twiml.finish();
    }
    say(twiml, dialCallStatus == QLatin1String("busy")
                   ? QStringLiteral("Sorry, the line is busy.")
                   : QStringLiteral("Sorry, nobody is available to take your call."));
    voicemail(twiml);
    return twiml.finish();
}

QByteArray CallFlow::screen(const QString &callerNumber, const QString &callerName,
                            const QString &callSid, int member) const
{
    TwimlWriter twiml;
    twiml.begin(QStringLiteral("Gather"),
                {{QStringLiteral("numDigits"), QStringLiteral("1")},
                 {QStringLiteral("timeout"), QStringLiteral("5")},
                 {QStringLiteral("actionOnEmptyResult"), QStringLiteral("true")},
                 {QStringLiteral("action"), legUrl(WebhookKind::ScreenResult, callSid, member)},
                 {QStringLiteral("method"), QStringLiteral("POST")}});
    const QString name = callerName.simplified().left(kMaxSpokenNameLength);
    QString whisper = QStringLiteral("Call from ");
    if (!name.isEmpty())
        whisper += name + QStringLiteral(", ");
    whisper += spokenNumber(callerNumber) + QStringLiteral(". Press %1 to accept.").arg(kAcceptKey);
    say(twiml, whisper);
    twiml.end();
    twiml.hangup();
    return twiml.finish();
}

QByteArray CallFlow::screenResult(const QString &digits) const
{
    TwimlWriter twiml;
    // An empty document ends the leg's TwiML and Twilio bridges the call; any other key,
    // or nothing at all (a personal voicemail that picked up), hangs the leg up.
    if (!screenAccepted(digits))
        twiml.hangup();
    return twiml.finish();
}

QByteArray CallFlow::recordingDone() const
{
    TwimlWriter twiml;
    say(twiml, QStringLiteral("Thank you for your message. Goodbye."));
    twiml.hangup();
    return twiml.finish();
}

} // namespace Switchboard
