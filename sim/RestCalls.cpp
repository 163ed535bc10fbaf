#include "RestCalls.h"

#include "Sid.h"
#include "twilio/Identifiers.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

namespace Switchboard {
namespace {

bool isAbsoluteHttpUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    return url.isValid() && !url.host().isEmpty() &&
           (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"));
}

} // namespace

RestCalls::RestCalls(const QString &accountSid, const QByteArray &authToken, QObject *parent)
    : QObject(parent)
    , m_accountSid(accountSid)
    , m_expectedAuthorization("Basic " +
                              QByteArray(accountSid.toUtf8() + ':' + authToken).toBase64())
{}

QByteArray RestCalls::errorJson(int code, const QString &message, int status)
{
    return QJsonDocument(
               QJsonObject{{QStringLiteral("code"), code},
                           {QStringLiteral("message"), message},
                           {QStringLiteral("more_info"),
                            QStringLiteral("https://www.twilio.com/docs/errors/%1").arg(code)},
                           {QStringLiteral("status"), status}})
        .toJson(QJsonDocument::Compact);
}

QHttpServerResponse RestCalls::error(int code, const QString &message, int status)
{
    Q_EMIT refused(status, message);
    QHttpServerResponse response(QByteArrayLiteral("application/json"),
                                 errorJson(code, message, status),
                                 QHttpServerResponse::StatusCode(status));
    if (status == 401)
        response.setHeader(QByteArrayLiteral("WWW-Authenticate"),
                           QByteArrayLiteral("Basic realm=\"Twilio API\""));
    return response;
}

QHttpServerResponse RestCalls::handle(const QString &account, const QHttpServerRequest &request)
{
    if (request.value("Authorization") != m_expectedAuthorization || account != m_accountSid)
        return error(20003, QStringLiteral("Authenticate"), 401);
    QString problem;
    const std::optional<FormData> form = FormData::decodeStrict(request.body(), &problem);
    if (!form)
        return error(21200, QStringLiteral("Calls resource: %1").arg(problem), 400);
    const QString to = form->value(QStringLiteral("To"));
    const QString from = form->value(QStringLiteral("From"));
    const QString url = form->value(QStringLiteral("Url"));
    if (to.isEmpty())
        return error(21201, QStringLiteral("No 'To' number is specified"), 400);
    if (from.isEmpty())
        return error(21603, QStringLiteral("A 'From' phone number is required."), 400);
    if (url.isEmpty())
        return error(21205, QStringLiteral("Url parameter is required."), 400);
    if (!isE164(to))
        return error(21211, QStringLiteral("Invalid 'To' Phone Number: %1").arg(to.left(40)), 400);
    if (!isE164(from))
        return error(21212, QStringLiteral("Invalid 'From' Phone Number: %1").arg(from.left(40)),
                     400);
    const QString statusCallback = form->value(QStringLiteral("StatusCallback"));
    if (!isAbsoluteHttpUrl(url) ||
        (!statusCallback.isEmpty() && !isAbsoluteHttpUrl(statusCallback)))
        return error(21205, QStringLiteral("Url is not a valid URL: %1").arg(url.left(200)), 400);

    Order order{randomSid(QLatin1String("CA")), to, from, url, statusCallback, {}};
    for (const auto &[name, value] : form->items()) {
        if (name == QLatin1String("StatusCallbackEvent"))
            order.statusCallbackEvents += value.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    }
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::RFC2822Date);
    const QJsonObject call{
        {QStringLiteral("sid"), order.callSid},
        {QStringLiteral("account_sid"), m_accountSid},
        {QStringLiteral("to"), to},
        {QStringLiteral("from"), from},
        {QStringLiteral("status"), QStringLiteral("queued")},
        {QStringLiteral("direction"), QStringLiteral("outbound-api")},
        {QStringLiteral("date_created"), now},
        {QStringLiteral("date_updated"), now},
        {QStringLiteral("uri"),
         QStringLiteral("/2010-04-01/Accounts/%1/Calls/%2.json").arg(m_accountSid, order.callSid)},
    };
    Q_EMIT ordered(order);
    return QHttpServerResponse(QByteArrayLiteral("application/json"),
                               QJsonDocument(call).toJson(QJsonDocument::Compact),
                               QHttpServerResponse::StatusCode::Created);
}

} // namespace Switchboard
