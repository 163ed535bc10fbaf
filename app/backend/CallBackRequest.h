#pragma once

#include "core/CallRecord.h"
#include "twilio/CallsRequest.h"

#include <QObject>
#include <QPointer>
#include <QString>

class QNetworkAccessManager;

namespace Switchboard {

class AppSettings;
class CredentialStore;
struct TwilioCredentials;

// "Call back" from the desktop: asks Twilio, with the credentials from the keychain, to ring
// the staff member's own phone and, once they pick up, the caller (the service answers with
// the <Dial>). One at a time: while one is pending, another is refused, so a double click
// places one call.
class CallBackRequest final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CallBackRequest)

public:
    CallBackRequest(AppSettings *settings, CredentialStore *credentials, QObject *parent = nullptr);
    ~CallBackRequest() override;

    // Why `call` cannot be called back, for a person; empty when it can.
    static QString refusal(const CallRecord &call);
    // Why the settings do not allow a call back; empty when they do.
    QString settingsProblem() const;

    // Starts calling `call` back; answers with placed() or failed(), once. False (and no
    // signal) while another is pending.
    bool start(const CallRecord &call);
    bool isPending() const { return !m_pendingSid.isEmpty(); }

Q_SIGNALS:
    void pendingChanged(bool pending);
    // Twilio is ringing the staff phone: `outboundSid` is the call back's CallSid.
    void placed(const QString &callSid, const QString &outboundSid);
    void failed(const QString &callSid, const QString &message);

private:
    void onCredentials(const TwilioCredentials &credentials);
    void finish();
    void fail(const QString &message);

    AppSettings *m_settings;
    CredentialStore *m_credentials;
    QNetworkAccessManager *m_network;
    QPointer<CallsRequest> m_request;
    QString m_pendingSid;
    CallRecord m_call;
    bool m_awaitingCredentials = false;
};

} // namespace Switchboard
