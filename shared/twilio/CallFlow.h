#pragma once

#include "twilio/CallFlowSettings.h"
#include "twilio/Webhook.h"

#include <optional>
#include <QByteArray>
#include <QString>
#include <QUrl>

namespace Switchboard {

class TwimlWriter;

// The IVR as TwiML: what Twilio should do at each step of a call. Pure: no I/O, no state
// beyond the settings; the step a call is at travels in the signed action URLs.
class CallFlow final
{
public:
    explicit CallFlow(CallFlowSettings settings);

    // What Twilio should do after `webhook`, requested at `requestUrl` (whose query says which
    // playing of the menu was answered): the TwiML of the step below that the webhook reached,
    // or nothing for the callbacks Twilio reads no TwiML from (recording status, call status).
    std::optional<QByteArray> respond(const Webhook &webhook, const QUrl &requestUrl) const;

    // A call comes in: the menu, with the greeting inside <Gather> so a key press interrupts it.
    QByteArray incomingCall() const;
    // The caller pressed `digits` (empty: said nothing) at the menu's `attempt`-th playing.
    QByteArray menuChoice(const QString &digits, int attempt, const QString &callerNumber) const;
    // The forwarded call ended with Twilio's DialCallStatus.
    QByteArray dialResult(const QString &dialCallStatus) const;
    // The caller finished the voicemail.
    QByteArray recordingDone() const;

    // The public URL of `path`, and of a webhook: what Twilio requests and signs.
    QString url(const QString &path) const;
    QString webhookUrl(WebhookKind kind) const;
    const CallFlowSettings &settings() const { return m_settings; }

private:
    void menu(TwimlWriter &twiml, int attempt) const;
    void forward(TwimlWriter &twiml, const QString &callerNumber) const;
    void voicemail(TwimlWriter &twiml) const;
    void say(TwimlWriter &twiml, const QString &text) const;

    CallFlowSettings m_settings;
};

} // namespace Switchboard
