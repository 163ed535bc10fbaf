#include "ConfigureNumber.h"

#include "twilio/CallFlow.h"
#include "twilio/FormData.h"
#include "twilio/Identifiers.h"

#include <cstdio>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace Switchboard {
namespace {

enum ExitCode
{
    Configured = 0,
    Refused = 1,
    Unreachable = 3
};

struct Reply
{
    int status = 0; // HTTP status; 0 when no HTTP answer arrived
    QString networkError;
    QJsonObject json;

    // Twilio's error bodies carry {"code": 20003, "message": "Authenticate", ...}.
    QString twilioMessage() const
    {
        const QString message = json.value(QStringLiteral("message")).toString();
        const int code = json.value(QStringLiteral("code")).toInt();
        return code ? QStringLiteral("%1 (Twilio error %2)").arg(message).arg(code) : message;
    }
};

class TwilioApi final
{
    Q_DISABLE_COPY_MOVE(TwilioApi)

public:
    explicit TwilioApi(const ServiceConfig &config)
        : m_config(config)
    {}

    QUrl url(const QString &path) const
    {
        QUrl url = m_config.twilioApi;
        QString base = url.path();
        while (base.endsWith(QLatin1Char('/')))
            base.chop(1);
        url.setPath(base + QStringLiteral("/2010-04-01/Accounts/") + m_config.accountSid + path);
        return url;
    }

    Reply get(const QUrl &url) { return wait(m_network.get(request(url))); }

    Reply post(const QUrl &url, const FormData &form)
    {
        QNetworkRequest post = request(url);
        post.setHeader(QNetworkRequest::ContentTypeHeader,
                       QByteArrayLiteral("application/x-www-form-urlencoded"));
        return wait(m_network.post(post, form.encode()));
    }

private:
    QNetworkRequest request(const QUrl &url) const
    {
        QNetworkRequest request(url);
        const QByteArray credentials = m_config.accountSid.toUtf8() + ':' + m_config.authToken;
        request.setRawHeader("Authorization", "Basic " + credentials.toBase64());
        request.setRawHeader("Accept", "application/json");
        request.setTransferTimeout(30000);
        // Basic credentials must not follow a redirect to another host.
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                             QNetworkRequest::ManualRedirectPolicy);
        return request;
    }

    static Reply wait(QNetworkReply *reply)
    {
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        reply->deleteLater();
        Reply result;
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.json = QJsonDocument::fromJson(reply->readAll()).object();
        if (result.status == 0)
            result.networkError = reply->errorString();
        return result;
    }

    const ServiceConfig &m_config;
    QNetworkAccessManager m_network;
};

// One line for any answer but a 200, naming what to fix.
int failure(const char *step, const Reply &reply, const ServiceConfig &config)
{
    if (reply.status == 0) {
        std::fprintf(stderr, "configure-number: cannot reach Twilio at %s (%s): %s\n",
                     qPrintable(config.twilioApi.toString()), step, qPrintable(reply.networkError));
        return Unreachable;
    }
    if (reply.status == 401 || reply.status == 403) {
        std::fprintf(stderr,
                     "configure-number: Twilio refused the credentials for account %s (HTTP %d): "
                     "check TWILIO_ACCOUNT_SID and the auth token\n",
                     qPrintable(config.accountSid), reply.status);
        return Refused;
    }
    std::fprintf(stderr, "configure-number: %s failed with HTTP %d%s%s\n", step, reply.status,
                 reply.twilioMessage().isEmpty() ? "" : ": ", qPrintable(reply.twilioMessage()));
    return Refused;
}

} // namespace

int runConfigureNumber(const ServiceConfig &config)
{
    TwilioApi api(config);

    // PhoneNumber must arrive as %2B1…: a bare '+' in a query string decodes to a space.
    QUrl lookup = api.url(QStringLiteral("/IncomingPhoneNumbers.json"));
    lookup.setQuery(QStringLiteral("PhoneNumber=") +
                        QString::fromLatin1(QUrl::toPercentEncoding(config.phoneNumber)),
                    QUrl::StrictMode);
    const Reply found = api.get(lookup);
    if (found.status != 200)
        return failure("looking up the number", found, config);
    const QJsonArray numbers = found.json.value(QStringLiteral("incoming_phone_numbers")).toArray();
    if (numbers.isEmpty()) {
        std::fprintf(stderr, "configure-number: %s is not a phone number of Twilio account %s\n",
                     qPrintable(config.phoneNumber), qPrintable(config.accountSid));
        return Refused;
    }
    const QString numberSid = numbers.first().toObject().value(QStringLiteral("sid")).toString();
    if (!isValidSid(numberSid, QLatin1String("PN"))) { // it goes into the next request's path
        std::fprintf(stderr, "configure-number: Twilio's answer has no phone number SID for %s\n",
                     qPrintable(config.phoneNumber));
        return Refused;
    }

    // The same URLs the service checks signatures against.
    const CallFlow flow(config.callFlow);
    const QString voiceUrl = flow.webhookUrl(WebhookKind::Voice);
    const QString statusUrl = flow.webhookUrl(WebhookKind::Status);
    const FormData update{{QStringLiteral("VoiceUrl"), voiceUrl},
                          {QStringLiteral("VoiceMethod"), QStringLiteral("POST")},
                          {QStringLiteral("StatusCallback"), statusUrl},
                          {QStringLiteral("StatusCallbackMethod"), QStringLiteral("POST")}};
    const Reply updated =
        api.post(api.url(QStringLiteral("/IncomingPhoneNumbers/%1.json").arg(numberSid)), update);
    if (updated.status != 200)
        return failure("updating the number", updated, config);

    std::printf("Configured %s (%s): voice URL %s (POST), status callback %s (POST)\n",
                qPrintable(config.phoneNumber), qPrintable(numberSid), qPrintable(voiceUrl),
                qPrintable(statusUrl));
    return Configured;
}

} // namespace Switchboard
