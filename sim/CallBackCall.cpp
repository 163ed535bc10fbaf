#include "CallBackCall.h"

#include "Sid.h"
#include "twilio/RequestSignature.h"
#include "twilio/TwimlDocument.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace Switchboard {

CallBackCall::CallBackCall(const CallSettings &settings, const RestCalls::Order &order,
                           const FarEnd &staff, const FarEnd &caller,
                           QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_order(order)
    , m_staff(staff)
    , m_caller(caller)
    , m_network(network)
{}

FormData CallBackCall::callParams(const QString &status) const
{
    return {{QStringLiteral("AccountSid"), m_settings.accountSid},
            {QStringLiteral("CallSid"), m_order.callSid},
            {QStringLiteral("From"), m_order.from},
            {QStringLiteral("To"), m_order.to},
            {QStringLiteral("CallStatus"), status},
            {QStringLiteral("Direction"), QStringLiteral("outbound-api")},
            {QStringLiteral("ApiVersion"), QStringLiteral("2010-04-01")}};
}

void CallBackCall::start()
{
    Q_EMIT narration(QStringLiteral("call back %1: ringing %2 (caller ID %3)")
                         .arg(m_order.callSid, m_order.to, m_order.from));
    QStringList early;
    for (const char *event : {"initiated", "ringing"}) {
        if (m_order.statusCallbackEvents.contains(QLatin1String(event)))
            early.append(QLatin1String(event));
    }
    sendStatus(early, [this] {
        if (m_staff.kind != FarEnd::Kind::Talk) {
            // Nobody picks up the staff phone: the call ends without its Url.
            m_finalStatus = m_staff.toString();
            Q_EMIT narration(QStringLiteral("   the staff phone: %1").arg(m_finalStatus));
            end();
            return;
        }
        // The staff phone picks up: Twilio fetches the Url for what to do on it.
        post(m_order.url, callParams(QStringLiteral("in-progress")), QStringLiteral("Url"),
             [this](int status, const QByteArray &body) { onStaffTwiml(status, body); });
    });
}

void CallBackCall::sendStatus(QStringList events, std::function<void()> then)
{
    if (events.isEmpty() || m_order.statusCallback.isEmpty()) {
        then();
        return;
    }
    const QString event = events.takeFirst();
    FormData params = callParams(event);
    params.add(QStringLiteral("CallbackSource"), QStringLiteral("call-progress-events"));
    params.add(QStringLiteral("Timestamp"),
               QDateTime::currentDateTimeUtc().toString(Qt::RFC2822Date));
    if (event == m_finalStatus)
        params.add(QStringLiteral("CallDuration"), QString::number(m_talkSeconds + 2));
    post(m_order.statusCallback, params, QStringLiteral("status %1").arg(event),
         [this, events, then = std::move(then)](int, const QByteArray &) {
             sendStatus(events, then);
         });
}

void CallBackCall::onStaffTwiml(int status, const QByteArray &body)
{
    if (status != 200) {
        end();
        return;
    }
    const TwimlDocument twiml = TwimlDocument::parse(body);
    if (!twiml.isValid()) {
        m_errors.append(QStringLiteral("the Url's TwiML: %1").arg(twiml.error));
        end();
        return;
    }
    const TwimlVerb *dial = nullptr;
    for (const TwimlVerb &verb : twiml.verbs) {
        if (verb.name == QLatin1String("Dial")) {
            dial = &verb;
            break;
        }
    }
    if (!dial) {
        Q_EMIT narration(QStringLiteral("   the Url's TwiML dials nobody"));
        end();
        return;
    }
    m_callerId = dial->attribute(QStringLiteral("callerId"));
    for (const TwimlVerb &noun : dial->children) {
        if (noun.name == QLatin1String("Number")) {
            m_dialled = noun.text.trimmed();
            break;
        }
    }
    if (m_dialled.isEmpty())
        m_dialled = dial->text.trimmed();
    m_dialStatus = m_caller.dialCallStatus();
    m_talkSeconds = m_caller.kind == FarEnd::Kind::Talk ? m_caller.talkSeconds : 0;
    Q_EMIT narration(QStringLiteral("   <Dial callerId=%1> %2: %3")
                         .arg(m_callerId, m_dialled, m_caller.toString()));
    const QString action = dial->attribute(QStringLiteral("action"));
    if (action.isEmpty()) {
        end();
        return;
    }
    FormData params = callParams(QStringLiteral("in-progress"));
    params.add(QStringLiteral("DialCallSid"), randomSid(QLatin1String("CA")));
    params.add(QStringLiteral("DialCallStatus"), m_dialStatus);
    params.add(QStringLiteral("DialCallDuration"), QString::number(m_talkSeconds));
    const QString actionUrl =
        UrlMapper::resolve(QUrl(m_order.url), action).toString(QUrl::FullyEncoded);
    post(actionUrl, params, QStringLiteral("dial action"),
         [this](int, const QByteArray &) { end(); });
}

void CallBackCall::end()
{
    sendStatus({m_finalStatus}, [this] { Q_EMIT finished(); });
}

QString CallBackCall::summary() const
{
    QString line = QStringLiteral("call back %1 to %2: ").arg(m_order.callSid, m_order.to);
    line +=
        m_dialled.isEmpty()
            ? QStringLiteral("dialled nobody")
            : QStringLiteral("dialled %1 showing %2, %3").arg(m_dialled, m_callerId, m_dialStatus);
    if (!m_errors.isEmpty())
        line += QStringLiteral("; errors: ") + m_errors.join(QStringLiteral("; "));
    return line;
}

void CallBackCall::post(const QString &url, const FormData &params, const QString &purpose,
                        std::function<void(int, const QByteArray &)> then)
{
    // Twilio signs the URL it was given, and requests it (here: at the service's address).
    const QUrl target = m_settings.urls.toSend(QUrl(url, QUrl::StrictMode));
    QNetworkRequest request(target);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("TwilioProxy/1.1"));
    request.setRawHeader(QByteArrayLiteral("X-Twilio-Signature"),
                         RequestSignature::compute(m_settings.authToken, url, params));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(m_settings.requestTimeoutMs);
    Q_EMIT narration(
        QStringLiteral("-> POST %1 [%2] CallStatus=%3")
            .arg(target.toString(), purpose, params.value(QStringLiteral("CallStatus"))));
    QNetworkReply *reply = m_network->post(request, params.encode());
    connect(reply, &QNetworkReply::finished, this, [this, reply, purpose, then] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->read(256 * 1024);
        if (status < 200 || status >= 300) {
            m_errors.append(status ? QStringLiteral("%1 answered HTTP %2").arg(purpose).arg(status)
                                   : QStringLiteral("%1: %2").arg(purpose, reply->errorString()));
            Q_EMIT narration(QStringLiteral("<- %1 %2")
                                 .arg(status)
                                 .arg(QString::fromUtf8(body.left(200)).simplified()));
        }
        then(status, body);
    });
}

} // namespace Switchboard
