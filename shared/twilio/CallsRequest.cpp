#include "CallsRequest.h"

#include "twilio/Identifiers.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace Switchboard {
namespace {

bool isLoopback(const QString &host)
{
    const QHostAddress address(host);
    return host == QLatin1String("localhost") || (!address.isNull() && address.isLoopback());
}

// One line of at most kMaxMessageChars, without control characters.
QString oneLine(const QString &text)
{
    QString line = text.left(CallsRequest::kMaxMessageChars * 2);
    for (QChar &c : line) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format ||
            c == QChar::LineSeparator || c == QChar::ParagraphSeparator)
            c = u' ';
    }
    line = line.simplified();
    if (line.size() > CallsRequest::kMaxMessageChars)
        line = line.left(CallsRequest::kMaxMessageChars - 1) + QChar(0x2026);
    return line;
}

} // namespace

CallsRequest::CallsRequest(QNetworkAccessManager *network, const Options &options, QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_options(options)
{}

CallsRequest::~CallsRequest()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
    }
}

QUrl CallsRequest::endpoint(const QUrl &apiBase, const QString &accountSid)
{
    QUrl url = apiBase;
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + QStringLiteral("/2010-04-01/Accounts/") + accountSid +
                QStringLiteral("/Calls.json"));
    return url;
}

FormData CallsRequest::form(const Call &call)
{
    FormData form{{QStringLiteral("To"), call.to},
                  {QStringLiteral("From"), call.from},
                  {QStringLiteral("Url"), call.url},
                  {QStringLiteral("Method"), QStringLiteral("POST")}};
    if (!call.statusCallback.isEmpty()) {
        form.add(QStringLiteral("StatusCallback"), call.statusCallback);
        form.add(QStringLiteral("StatusCallbackMethod"), QStringLiteral("POST"));
        for (const QString &event : call.statusCallbackEvents)
            form.add(QStringLiteral("StatusCallbackEvent"), event);
    }
    return form;
}

QString CallsRequest::refusal(const Options &options, const Call &call)
{
    if (!isValidSid(options.accountSid, QLatin1String("AC")))
        return QStringLiteral("the Account SID is not AC followed by 32 hex digits");
    if (options.authToken.isEmpty())
        return QStringLiteral("there is no auth token");
    const QUrl &api = options.apiBase;
    if (!api.isValid() || api.host().isEmpty() || api.hasQuery() || api.hasFragment() ||
        !api.userInfo().isEmpty())
        return QStringLiteral("the Twilio API address is not a valid URL");
    if (api.scheme() != QLatin1String("https") &&
        !(api.scheme() == QLatin1String("http") && isLoopback(api.host())))
        return QStringLiteral("the Twilio API address must use HTTPS");
    if (!isE164(call.to))
        return QStringLiteral("the number to call is not in E.164 form (+ and digits)");
    if (!isE164(call.from))
        return QStringLiteral("the caller ID is not in E.164 form (+ and digits)");
    const QUrl url(call.url, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")))
        return QStringLiteral("the service's outbound URL is not an absolute HTTP(S) URL");
    return {};
}

QString CallsRequest::callSidOf(int httpStatus, const QByteArray &body, Failure *failure)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    const QJsonObject json = document.object();
    *failure = Failure{};
    failure->httpStatus = httpStatus;
    if (httpStatus == 201 || httpStatus == 200) {
        const QString sid = json.value(QStringLiteral("sid")).toString();
        if (error.error == QJsonParseError::NoError && isValidSid(sid, QLatin1String("CA")))
            return sid;
        failure->kind = Failure::Kind::Server;
        failure->message =
            QStringLiteral("Twilio's answer (HTTP %1) names no call").arg(httpStatus);
        return {};
    }
    const QJsonValue code = json.value(QStringLiteral("code"));
    failure->twilioCode =
        code.isDouble() && code.toDouble() > 0 && code.toDouble() < 1e6 ? code.toInt() : 0;
    const QString message = oneLine(json.value(QStringLiteral("message")).toString());
    failure->kind = httpStatus == 401 || httpStatus == 403  ? Failure::Kind::Credentials
                    : httpStatus >= 400 && httpStatus < 500 ? Failure::Kind::Rejected
                                                            : Failure::Kind::Server;
    if (message.isEmpty())
        failure->message = QStringLiteral("Twilio answered HTTP %1").arg(httpStatus);
    else if (failure->twilioCode)
        failure->message =
            QStringLiteral("%1 (Twilio error %2)").arg(message).arg(failure->twilioCode);
    else
        failure->message = message;
    return {};
}

void CallsRequest::start(const Call &call)
{
    if (m_reply)
        return; // one call per request: a second click must not place a second call
    const QString why = refusal(m_options, call);
    if (!why.isEmpty()) {
        fail(Failure::Kind::Refused, why);
        return;
    }
    QNetworkRequest request(endpoint(m_options.apiBase, m_options.accountSid));
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader(
        "Authorization",
        "Basic " +
            QByteArray(m_options.accountSid.toUtf8() + ':' + m_options.authToken).toBase64());
    // The credentials go to the API host only: a redirect is a failure, not followed.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(m_options.timeoutMs);
    m_reply = m_network->post(request, form(call).encode());
    connect(m_reply, &QNetworkReply::downloadProgress, this, [this](qint64 received, qint64 total) {
        if (received <= m_options.maxAnswerBytes && total <= m_options.maxAnswerBytes)
            return;
        QNetworkReply *reply = m_reply;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
        fail(
            Failure::Kind::Server,
            QStringLiteral("Twilio's answer is larger than %1 bytes").arg(m_options.maxAnswerBytes),
            status);
    });
    connect(m_reply, &QNetworkReply::finished, this,
            [this, reply = m_reply.data()] { onFinished(reply); });
}

void CallsRequest::onFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    m_reply.clear();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0) {
        fail(Failure::Kind::Network,
             QStringLiteral("cannot reach Twilio at %1: %2")
                 .arg(m_options.apiBase.host(), oneLine(reply->errorString())));
        return;
    }
    if (status >= 300 && status < 400) {
        fail(Failure::Kind::Server,
             QStringLiteral("Twilio answered with a redirect (HTTP %1)").arg(status), status);
        return;
    }
    Failure failure;
    const QString sid = callSidOf(status, reply->read(m_options.maxAnswerBytes), &failure);
    if (sid.isEmpty()) {
        Q_EMIT failed(failure);
        return;
    }
    Q_EMIT created(sid);
}

void CallsRequest::fail(Failure::Kind kind, const QString &message, int httpStatus, int code)
{
    m_reply.clear();
    Failure failure;
    failure.kind = kind;
    failure.message = message;
    failure.httpStatus = httpStatus;
    failure.twilioCode = code;
    Q_EMIT failed(failure);
}

} // namespace Switchboard
