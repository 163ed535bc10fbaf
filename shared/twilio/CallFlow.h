#pragma once

#include "core/FlowDefinition.h"
#include "twilio/CallFlowSettings.h"
#include "twilio/Webhook.h"

#include <memory>
#include <optional>
#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QUrl>

namespace Switchboard {

class TwimlWriter;

// The IVR as TwiML: what Twilio should do at each step of a call. Pure: no I/O, no state
// beyond the settings and the call flow it was given (a snapshot the service shares between
// its threads); the step a call is at travels in the signed action URLs, and so does the
// flow's revision: a call goes on with the members it was routed to, whatever changed since.
class CallFlow final
{
public:
    // Without `flow`, the flow the settings describe: their greeting, forwardTo as the one
    // member, their ring timeout, always open. `revision`: the stored revision `flow` is, named
    // in the URLs of a forwarded call's dial action and legs; 0 for none.
    explicit CallFlow(CallFlowSettings settings, std::shared_ptr<const FlowDefinition> flow = {},
                      qint64 revision = 0);

    // How an incoming call is routed.
    enum class Route
    {
        Menu,
        Blocked,    // the caller is on the flow's blocked list: rejected
        AfterHours, // the team is closed: straight to voicemail
    };
    Route route(const QString &callerNumber, const QDateTime &at) const;

    // What the service records with `webhook` besides Twilio's parameters: why the call was
    // routed so (reason), the staff number forwarded to, the member a leg rang.
    void annotate(Webhook &webhook, const QUrl &requestUrl) const;

    // What Twilio should do after `webhook`, requested at `requestUrl` (whose query says which
    // playing of the menu was answered, or which member rang): the TwiML of the step below that
    // the webhook reached, or nothing for the callbacks Twilio reads no TwiML from (recording
    // status, call status, leg status, transcription). `legAccepted`: for a dial action under
    // screening, whether a member accepted the call at the whisper.
    std::optional<QByteArray> respond(const Webhook &webhook, const QUrl &requestUrl,
                                      bool legAccepted = false) const;

    // A call comes in: the menu, with the greeting inside <Gather> so a key press interrupts it;
    // a blocked caller is rejected, and outside opening hours the caller leaves a message.
    QByteArray incomingCall(const QString &callerNumber = {}, const QDateTime &at = {}) const;
    // The caller pressed `digits` (empty: said nothing) at the menu's `attempt`-th playing.
    QByteArray menuChoice(const QString &digits, int attempt, const QString &callerNumber,
                          const QString &callSid = {}) const;
    // The forwarded call ended with Twilio's DialCallStatus; `member` is the member a
    // sequential <Dial> rang (-1 for a simultaneous one).
    QByteArray dialResult(const QString &dialCallStatus, bool legAccepted = true, int member = -1,
                          const QString &callerNumber = {}, const QString &callSid = {}) const;
    // A member's phone answered: the whisper that asks them to accept the call.
    QByteArray screen(const QString &callerNumber, const QString &callerName,
                      const QString &callSid, int member) const;
    // The member pressed `digits` at the whisper (empty: nothing).
    QByteArray screenResult(const QString &digits) const;
    // The caller finished the voicemail.
    QByteArray recordingDone() const;

    // Whether the dial action of a call must see a member's acceptance at the whisper.
    bool screening() const { return m_flow->screening; }
    const FlowDefinition &flow() const { return *m_flow; }
    qint64 revision() const { return m_revision; }

    // The public URL of `path`, and of a webhook: what Twilio requests and signs.
    QString url(const QString &path) const;
    QString webhookUrl(WebhookKind kind) const;
    const CallFlowSettings &settings() const { return m_settings; }

    // The member a request's `member` query names, or -1.
    static int memberOf(const QUrl &requestUrl);
    // The revision a request's `revision` query names: 0 when it names none, -1 when it is not
    // one revision number as written by this class.
    static qint64 revisionOf(const QUrl &requestUrl);
    // `requestUrl` without what refers to a revision's members (`member`, `revision`).
    static QUrl withoutMember(const QUrl &requestUrl);
    // The caller's number as the whisper reads it: "plus one four one five ...".
    static QString spokenNumber(const QString &number);

private:
    void menu(TwimlWriter &twiml, int attempt) const;
    // Rings the active members from `from` on: all at once, or the first one for sequential.
    void forward(TwimlWriter &twiml, const QString &callerNumber, const QString &callSid,
                 int from) const;
    void voicemail(TwimlWriter &twiml, const QString &prompt = {}) const;
    void say(TwimlWriter &twiml, const QString &text) const;
    QString legUrl(WebhookKind kind, const QString &callSid, int member) const;
    QString revisionQuery() const;
    int nextActiveMember(int from) const;

    CallFlowSettings m_settings;
    std::shared_ptr<const FlowDefinition> m_flow;
    qint64 m_revision = 0;
};

} // namespace Switchboard
