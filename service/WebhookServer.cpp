#include "WebhookServer.h"

#include "CallLogThread.h"
#include "ConnectionGuard.h"
#include "core/Logging.h"
#include "DownloadThread.h"
#include "FlowWatcher.h"
#include "StatusReader.h"
#include "twilio/CallBackRoute.h"
#include "twilio/DialOutcome.h"
#include "twilio/Identifiers.h"
#include "twilio/MenuKeys.h"
#include "twilio/RequestSignature.h"
#include "twilio/TwimlWriter.h"
#include "twilio/WebhookRoutes.h"
#include "WebhookValidation.h"

#include <algorithm>
#include <QElapsedTimer>

namespace Switchboard {
namespace {

QHttpServerResponse text(const QString &body, QHttpServerResponse::StatusCode status)
{
    return QHttpServerResponse(QByteArrayLiteral("text/plain; charset=utf-8"), body.toUtf8() + '\n',
                               status);
}

QHttpServerResponse text(const char *body, QHttpServerResponse::StatusCode status)
{
    return text(QString::fromUtf8(body), status);
}

QHttpServerResponse methodNotAllowed(const char *allowed)
{
    QHttpServerResponse response =
        text("method not allowed", QHttpServerResponse::StatusCode::MethodNotAllowed);
    response.setHeader(QByteArrayLiteral("Allow"), QByteArray(allowed));
    return response;
}

} // namespace

WebhookServer::WebhookServer(const ServiceConfig &config, CallLogThread &callLog,
                             DownloadThread &downloads, const FlowWatcher &flows, Metrics &metrics,
                             StatusReader &status, ConnectionBudget &connections,
                             ConnectionGuard::Dealer deal, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_callLog(callLog)
    , m_downloads(downloads)
    , m_flows(flows)
    , m_metrics(metrics)
    , m_flow(config.callFlow)
    , m_status(status)
{
    m_recordingPolicy.apiBase = config.twilioApi;
    m_recordingPolicy.accountSid = config.accountSid;
    ConnectionGuard::Limits limits;
    limits.requestTimeoutMs = m_config.requestTimeoutMs;
    limits.idleTimeoutMs = m_config.idleTimeoutMs;
    m_guard = new ConnectionGuard(limits, connections, std::move(deal), &m_http);
    addRoutes();
}

WebhookServer::~WebhookServer() = default;

bool WebhookServer::listen(qintptr listeningSocket)
{
    if (!m_guard->setSocketDescriptor(listeningSocket))
        return false;
    m_guard->pauseAccepting(); // before this thread's event loop can run and accept
    m_http.bind(m_guard);
    return true;
}

void WebhookServer::startAccepting()
{
    m_guard->resumeAccepting();
}

void WebhookServer::stopListening()
{
    m_guard->close();
}

void WebhookServer::serve(qintptr descriptor)
{
    m_guard->serve(descriptor);
}

int WebhookServer::requestsInFlight() const
{
    return m_guard->requestsInFlight();
}

int WebhookServer::idleConnections() const
{
    return m_guard->idleConnections();
}

QHttpServerResponse WebhookServer::health()
{
    if (const qsizetype journaled = m_callLog.journaled())
        return text(
            QStringLiteral("degraded: the database is unavailable; %1 webhooks wait in the journal")
                .arg(journaled),
            QHttpServerResponse::StatusCode::ServiceUnavailable);
    if (m_status.databaseAnswers())
        return text("ok", QHttpServerResponse::StatusCode::Ok);
    return text("database unavailable", QHttpServerResponse::StatusCode::ServiceUnavailable);
}

void WebhookServer::addRoutes()
{
    const QList<WebhookKind> webhooks = allWebhookKinds();
    for (const WebhookKind kind : webhooks) {
        m_http.route(
            webhookPath(kind), QHttpServerRequest::Method::Post,
            [this, kind](const QHttpServerRequest &request) { return handle(kind, request); });
    }
    m_http.route(QStringLiteral("/healthz"), QHttpServerRequest::Method::Get,
                 [this] { return health(); });
    m_http.route(
        QStringLiteral("/metrics"), QHttpServerRequest::Method::Get,
        [this](const QHttpServerRequest &request) { return m_metrics.respond(request, m_status); });

    // Rules match in order: whatever method the routes above did not take is refused here.
    for (const WebhookKind kind : webhooks)
        m_http.route(webhookPath(kind), [] { return methodNotAllowed("POST"); });
    for (const char *path : {"/healthz", "/metrics"})
        m_http.route(QString::fromLatin1(path), [] { return methodNotAllowed("GET"); });
}

QString WebhookServer::signedUrl(const QHttpServerRequest &request, const QUrl &url) const
{
    // Twilio signed the URL it requested, not the address this socket sees: the public URL,
    // or what a trusted reverse proxy says it was.
    QString base = m_flow.url(QString());
    const QByteArray proto = request.value("X-Forwarded-Proto").trimmed().toLower();
    const QByteArray host = request.value("X-Forwarded-Host").trimmed();
    const QHostAddress peer = request.remoteAddress();
    const bool trusted =
        std::any_of(m_config.trustedProxies.cbegin(), m_config.trustedProxies.cend(),
                    [&peer](const QHostAddress &proxy) {
                        return proxy.isEqual(peer, QHostAddress::ConvertV4MappedToIPv4);
                    });
    if (trusted && !host.isEmpty() && (proto == "https" || proto == "http"))
        base = QString::fromLatin1(proto + "://" + host);
    QString signedUrl = base + url.path(QUrl::FullyEncoded);
    if (url.hasQuery())
        signedUrl += QLatin1Char('?') + url.query(QUrl::FullyEncoded);
    return signedUrl;
}

QHttpServerResponse WebhookServer::handle(WebhookKind kind, const QHttpServerRequest &request)
{
    QElapsedTimer timer;
    timer.start();
    Webhook webhook;
    webhook.kind = kind;
    const QUrl url = request.url(); // rebuilt on every call: once per webhook is enough
    webhook.url = signedUrl(request, url);
    QString problem;
    const QByteArray body = request.body();
    const auto params = FormData::decodeStrict(body, &problem);
    if (params) {
        webhook.params = *params;
        webhook.body = body;
    }
    const QString callSid = webhook.callSid();

    QHttpServerResponse response = [&] {
        if (!params)
            return text(problem, QHttpServerResponse::StatusCode::BadRequest);
        if (!RequestSignature::isValid(m_config.authToken, webhook.url, webhook.params,
                                       request.value("X-Twilio-Signature")))
            return text("invalid X-Twilio-Signature", QHttpServerResponse::StatusCode::Forbidden);
        if (webhook.params.value(QStringLiteral("AccountSid")) != m_config.accountSid)
            return text("unknown AccountSid", QHttpServerResponse::StatusCode::Forbidden);
        problem = webhookProblem(webhook, m_recordingPolicy);
        if (!problem.isEmpty())
            return text(problem, QHttpServerResponse::StatusCode::BadRequest);
        // One snapshot of the call flow for the whole webhook: checked, recorded and answered
        // by the same revision even when a new one arrives meanwhile; for a forwarded call's
        // dial action and legs, the revision the call was routed under.
        QUrl routed = url;
        const CallFlow flow = m_flows.flowFor(m_flow.settings(), &routed);
        problem = routingProblem(webhook, routed, flow.flow());
        if (problem.isEmpty() && isMemberLegKind(kind) &&
            !m_callLog.isBeingForwarded(webhook.params.value(QStringLiteral("ParentCallSid"))))
            problem = QStringLiteral("call names no call that is being forwarded");
        if (!problem.isEmpty())
            return text(problem, QHttpServerResponse::StatusCode::Forbidden);
        if (isCallBackKind(kind))
            return callBack(std::move(webhook), url, &problem);
        return respond(std::move(webhook), routed, flow);
    }();
    qCInfo(lcWebhook).noquote() << webhookKindToString(kind) << callSid.left(34)
                                << int(response.statusCode())
                                << QStringLiteral("%1us").arg(timer.nsecsElapsed() / 1000)
                                << (problem.isEmpty() ? QString() : problem);
    m_metrics.record(url.path(), int(response.statusCode()), timer.nsecsElapsed());
    return response;
}

QHttpServerResponse WebhookServer::callBack(Webhook &&webhook, const QUrl &url, QString *problem)
{
    // The URL's link says which call this calls back (routingProblem checked its form); the
    // numbers come from the call log, never from the request.
    const std::optional<CallBackRoute::Link> link = CallBackRoute::linkOf(url);
    const CallLogThread::CallBackTarget target = m_callLog.callBackTarget(link->answers);
    if (target.state == CallLogThread::CallBackTarget::State::Unknown) {
        *problem = QStringLiteral("answers names no incoming call of the call log");
        return text(*problem, QHttpServerResponse::StatusCode::Forbidden);
    }
    const bool canDial = target.state == CallLogThread::CallBackTarget::State::Found &&
                         isE164(target.callerNumber) && isE164(target.companyNumber);
    if (webhook.kind == WebhookKind::CallBack && canDial)
        webhook.forwardTo = target.callerNumber;
    webhook.receivedAt = QDateTime::currentDateTimeUtc();
    if (m_callLog.record(webhook) == DurableRecorder::Result::Lost) {
        qCCritical(lcDatabase).noquote()
            << "cannot record" << webhook.callSid() << "in the call log or the journal";
        return text("the call log is unavailable",
                    QHttpServerResponse::StatusCode::ServiceUnavailable);
    }
    const auto twiml = [](const QByteArray &document) {
        return QHttpServerResponse(QByteArray(TwimlWriter::contentType), document);
    };
    switch (webhook.kind) {
    case WebhookKind::CallBack:
        if (!canDial) {
            *problem = QStringLiteral("the call called back has no number to dial");
            return twiml(CallBackRoute::cannotCallBack());
        }
        return twiml(CallBackRoute::dialCaller(m_flow.settings().publicUrl, *link,
                                               target.callerNumber, target.companyNumber));
    case WebhookKind::CallBackDial:
        return twiml(CallBackRoute::hangUp());
    default:
        return QHttpServerResponse(QHttpServerResponse::StatusCode::NoContent);
    }
}

QHttpServerResponse WebhookServer::respond(Webhook &&webhook, const QUrl &url, const CallFlow &flow)
{
    webhook.receivedAt = QDateTime::currentDateTimeUtc();
    flow.annotate(webhook, url);

    // Answer only once the webhook is durable, in the call log or the journal: a 200 means
    // the event will be in the log.
    if (m_callLog.record(webhook) == DurableRecorder::Result::Lost) {
        qCCritical(lcDatabase).noquote()
            << "cannot record" << webhook.callSid() << "in the call log or the journal";
        return text("the call log is unavailable",
                    QHttpServerResponse::StatusCode::ServiceUnavailable);
    }

    if (webhook.kind == WebhookKind::RecordingStatus)
        m_downloads.wake(); // the voicemail's media may be ready to fetch
    // Under screening, Twilio's "completed" only says a leg answered: whether a member
    // accepted is in the call log, where the screen-result was recorded, by whichever
    // instance Twilio sent it to (see docs/call-flow.md).
    bool legAccepted = false;
    if (webhook.kind == WebhookKind::Dial && flow.screening() &&
        dialWasAnswered(webhook.params.value(QStringLiteral("DialCallStatus"))))
        legAccepted = m_callLog.hasAcceptedLeg(webhook.callSid(),
                                               webhook.params.value(QStringLiteral("DialCallSid")));
    const std::optional<QByteArray> document = flow.respond(webhook, url, legAccepted);
    if (!document)
        return QHttpServerResponse(QHttpServerResponse::StatusCode::NoContent);
    return QHttpServerResponse(QByteArray(TwimlWriter::contentType), *document);
}

} // namespace Switchboard
