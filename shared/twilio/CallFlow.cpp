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

} // namespace

CallFlow::CallFlow(CallFlowSettings settings)
    : m_settings(std::move(settings))
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

void CallFlow::say(TwimlWriter &twiml, const QString &text) const
{
    twiml.say(text, m_settings.voice, m_settings.language);
}

void CallFlow::menu(TwimlWriter &twiml, int attempt) const
{
    const QString action =
        webhookUrl(WebhookKind::Menu) + QStringLiteral("?%1=%2").arg(kAttempt).arg(attempt);
    twiml.begin(QStringLiteral("Gather"), {{QStringLiteral("numDigits"), QStringLiteral("1")},
                                           {QStringLiteral("timeout"), QStringLiteral("5")},
                                           {QStringLiteral("action"), action},
                                           {QStringLiteral("method"), QStringLiteral("POST")}});
    say(twiml, m_settings.greeting);
    twiml.end();
    // Twilio goes on past </Gather> when nobody presses a key: report the silence to the menu.
    twiml.redirect(action);
}

void CallFlow::forward(TwimlWriter &twiml, const QString &callerNumber) const
{
    TwimlWriter::Attributes dial{
        {QStringLiteral("action"), webhookUrl(WebhookKind::Dial)},
        {QStringLiteral("method"), QStringLiteral("POST")},
        {QStringLiteral("timeout"), QString::number(m_settings.ringTimeoutS)},
        {QStringLiteral("answerOnBridge"), QStringLiteral("true")},
    };
    if (isE164(callerNumber)) // staff see who is calling; withheld numbers show the company's
        dial.append({QStringLiteral("callerId"), callerNumber});
    twiml.begin(QStringLiteral("Dial"), dial);
    twiml.element(QStringLiteral("Number"), {}, m_settings.forwardTo);
    twiml.end();
}

void CallFlow::voicemail(TwimlWriter &twiml) const
{
    say(twiml,
        QStringLiteral(
            "Please leave a message after the beep. Press the pound key when you are done."));
    twiml.element(
        QStringLiteral("Record"),
        {{QStringLiteral("action"), webhookUrl(WebhookKind::Recording)},
         {QStringLiteral("method"), QStringLiteral("POST")},
         {QStringLiteral("maxLength"), QString::number(m_settings.voicemailMaxS)},
         {QStringLiteral("finishOnKey"), QStringLiteral("#")},
         {QStringLiteral("playBeep"), QStringLiteral("true")},
         {QStringLiteral("recordingStatusCallback"), webhookUrl(WebhookKind::RecordingStatus)},
         {QStringLiteral("recordingStatusCallbackMethod"), QStringLiteral("POST")},
         {QStringLiteral("recordingStatusCallbackEvent"), QStringLiteral("completed absent")}});
    // Reached only when nothing was recorded.
    say(twiml, QStringLiteral("We did not receive a message. Goodbye."));
    twiml.hangup();
}

std::optional<QByteArray> CallFlow::respond(const Webhook &webhook, const QUrl &requestUrl) const
{
    const FormData &params = webhook.params;
    switch (webhook.kind) {
    case WebhookKind::Voice:
        return incomingCall();
    case WebhookKind::Menu: {
        const int attempt = QUrlQuery(requestUrl).queryItemValue(kAttempt).toInt();
        return menuChoice(params.value(QStringLiteral("Digits")), qMax(1, attempt),
                          params.value(QStringLiteral("From")));
    }
    case WebhookKind::Dial:
        return dialResult(params.value(QStringLiteral("DialCallStatus")));
    case WebhookKind::Recording:
        return recordingDone();
    case WebhookKind::RecordingStatus:
    case WebhookKind::Status:
        return std::nullopt;
    }
    Q_UNREACHABLE();
}

QByteArray CallFlow::incomingCall() const
{
    TwimlWriter twiml;
    menu(twiml, 1);
    return twiml.finish();
}

QByteArray CallFlow::menuChoice(const QString &digits, int attempt,
                                const QString &callerNumber) const
{
    TwimlWriter twiml;
    switch (menuChoiceForDigits(digits)) {
    case MenuChoice::Forward:
        forward(twiml, callerNumber);
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

QByteArray CallFlow::dialResult(const QString &dialCallStatus) const
{
    TwimlWriter twiml;
    if (dialWasAnswered(dialCallStatus)) {
        twiml.hangup();
    } else {
        say(twiml, dialCallStatus == QLatin1String("busy")
                       ? QStringLiteral("Sorry, the line is busy.")
                       : QStringLiteral("Sorry, nobody is available to take your call."));
        voicemail(twiml);
    }
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
