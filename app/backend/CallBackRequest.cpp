#include "CallBackRequest.h"

#include "AppSettings.h"
#include "CredentialStore.h"
#include "twilio/CallBackRoute.h"
#include "twilio/Identifiers.h"

#include <QCoreApplication>
#include <QNetworkAccessManager>

namespace Switchboard {

CallBackRequest::CallBackRequest(AppSettings *settings, CredentialStore *credentials,
                                 QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_credentials(credentials)
    , m_network(new QNetworkAccessManager(this))
{
    connect(m_credentials, &CredentialStore::loaded, this, &CallBackRequest::onCredentials);
    connect(m_credentials, &CredentialStore::failed, this, [this](const QString &message) {
        if (std::exchange(m_awaitingCredentials, false))
            fail(message);
    });
}

CallBackRequest::~CallBackRequest() = default;

QString CallBackRequest::refusal(const CallRecord &call)
{
    if (call.direction != CallDirection::Inbound)
        return tr("Only an incoming call can be called back.");
    if (!isE164(call.from))
        return tr("The caller's number is withheld or not a phone number.");
    if (!isE164(call.to))
        return tr("The number the caller called is not a phone number to call from.");
    return {};
}

QString CallBackRequest::settingsProblem() const
{
    if (m_settings->ownNumber().isEmpty())
        return tr("Set your own phone number in Settings to call back: it rings first.");
    if (!isE164(m_settings->ownNumber()))
        return tr("Your phone number in Settings is not in international form (+ and digits).");
    const QUrl service(m_settings->serviceUrl(), QUrl::StrictMode);
    if (!service.isValid() || service.host().isEmpty() ||
        (service.scheme() != QLatin1String("https") && service.scheme() != QLatin1String("http")))
        return tr("Set the service's public URL in Settings to call back.");
    return {};
}

bool CallBackRequest::start(const CallRecord &call)
{
    if (isPending())
        return false;
    m_pendingSid = call.callSid;
    m_call = call;
    Q_EMIT pendingChanged(true);
    QString problem = refusal(call);
    if (problem.isEmpty())
        problem = settingsProblem();
    if (!problem.isEmpty()) {
        fail(problem);
        return true;
    }
    m_awaitingCredentials = true;
    m_credentials->load(); // answers with loaded() or failed()
    return true;
}

void CallBackRequest::onCredentials(const TwilioCredentials &credentials)
{
    if (!std::exchange(m_awaitingCredentials, false))
        return; // loaded for someone else
    if (!credentials.isComplete()) {
        fail(tr("Add your Twilio Account SID and auth token in Settings to call back."));
        return;
    }
    CallsRequest::Options options;
    options.apiBase = QUrl(m_settings->twilioApiUrl(), QUrl::StrictMode);
    options.accountSid = credentials.accountSid;
    options.authToken = credentials.authToken.toUtf8();
    const QUrl service(m_settings->serviceUrl(), QUrl::StrictMode);
    const CallBackRoute::Link link{m_call.callSid,
                                   m_settings->displayName().left(CallBackRoute::kMaxByChars)};
    const CallsRequest::Call call{m_settings->ownNumber(),
                                  m_call.to, // the company's number, which the caller called
                                  CallBackRoute::url(service, WebhookKind::CallBack, link),
                                  CallBackRoute::url(service, WebhookKind::CallBackStatus, link),
                                  {QStringLiteral("initiated"), QStringLiteral("ringing"),
                                   QStringLiteral("answered"), QStringLiteral("completed")}};
    m_request = new CallsRequest(m_network, options, this);
    connect(m_request, &CallsRequest::created, this, [this](const QString &outboundSid) {
        const QString callSid = m_pendingSid;
        finish();
        Q_EMIT placed(callSid, outboundSid);
    });
    connect(m_request, &CallsRequest::failed, this, [this](const CallsRequest::Failure &failure) {
        switch (failure.kind) {
        case CallsRequest::Failure::Kind::Credentials:
            fail(tr("Twilio refused the credentials (%1). Check the Account SID and auth token "
                    "in Settings.")
                     .arg(failure.message));
            break;
        case CallsRequest::Failure::Kind::Rejected:
            fail(tr("Twilio refused the call: %1").arg(failure.message));
            break;
        case CallsRequest::Failure::Kind::Network:
            fail(tr("Cannot reach Twilio, check the network: %1").arg(failure.message));
            break;
        case CallsRequest::Failure::Kind::Refused:
            fail(tr("Cannot call back: %1").arg(failure.message));
            break;
        case CallsRequest::Failure::Kind::Server:
            fail(tr("Twilio did not place the call: %1").arg(failure.message));
            break;
        }
    });
    m_request->start(call);
}

void CallBackRequest::finish()
{
    if (m_request)
        m_request->deleteLater();
    m_pendingSid.clear();
    m_awaitingCredentials = false;
    Q_EMIT pendingChanged(false);
}

void CallBackRequest::fail(const QString &message)
{
    const QString callSid = m_pendingSid;
    finish();
    Q_EMIT failed(callSid, message);
}

} // namespace Switchboard
