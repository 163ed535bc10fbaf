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
                             PendingAnswerBudget &pendingAnswers, ConnectionGuard::Dealer deal,
                             QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_callLog(callLog)
    , m_downloads(downloads)
    , m_flows(flows)
    , m_metrics(metrics)
    , m_flow(config.callFlow)
    , m_status(status)
    , m_pendingAnswers(pendingAnswers)
    , m_mailbox(std::make_shared<Mailbox>())
{
    m_mailbox->server = this;
    m_account.apiBase = config.twilioApi;
    m_account.accountSid = config.accountSid;
    m_account.authToken = config.authToken;
    ConnectionGuard::Limits limits;
    limits.requestTimeoutMs = m_config.requestTimeoutMs;
    limits.idleTimeoutMs = m_config.idleTimeoutMs;
    m_guard = new ConnectionGuard(limits, connections, std::move(deal), &m_http);
    // Whatever the guard would write on a connection that still owes an answer would be read
    // as that answer.
    m_guard->setOwesAnswer(
        [this](const QTcpSocket *socket) { return m_answers.owesAnswer(socket); });
    m_answers.setIsLastRequest(
        [this](const QTcpSocket *socket) { return m_guard->lastRequestRead(socket); });
    addRoutes();
}

WebhookServer::~WebhookServer()
{
    // Commits still running post nothing here from now on; what they posted already goes
    // with this object.
    QMutexLocker lock(&m_mailbox->mutex);
    m_mailbox->server = nullptr;
}

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
    return m_guard->requestsInFlight() + int(m_awaiting.size());
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
    // Every answer goes through m_answers, 404 and 405 included: a connection's answers leave in
    // the order of its requests, whichever waits for a commit.
    const QList<WebhookKind> webhooks = allWebhookKinds();
    for (const WebhookKind kind : webhooks) {
        m_http.route(
            webhookPath(kind), QHttpServerRequest::Method::Post,
            [this, kind](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                handle(kind, request, std::move(responder));
            });
    }
    m_http.route(QStringLiteral("/healthz"), QHttpServerRequest::Method::Get,
                 [this](QHttpServerResponder &&responder) {
                     m_answers.answerNow(std::move(responder), health());
                 });
    m_http.route(QStringLiteral("/metrics"), QHttpServerRequest::Method::Get,
                 [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                     m_answers.answerNow(std::move(responder),
                                         m_metrics.respond(request, m_status));
                 });

    // Rules match in order: whatever method the routes above did not take is refused here.
    for (const WebhookKind kind : webhooks)
        m_http.route(webhookPath(kind), [this](QHttpServerResponder &&responder) {
            m_answers.answerNow(std::move(responder), methodNotAllowed("POST"));
        });
    for (const char *path : {"/healthz", "/metrics"})
        m_http.route(QString::fromLatin1(path), [this](QHttpServerResponder &&responder) {
            m_answers.answerNow(std::move(responder), methodNotAllowed("GET"));
        });
    m_http.setMissingHandler([this](const QHttpServerRequest &, QHttpServerResponder &&responder) {
        m_answers.answerNow(std::move(responder),
                            QHttpServerResponse(QHttpServerResponse::StatusCode::NotFound));
    });
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

void WebhookServer::handle(WebhookKind kind, const QHttpServerRequest &request,
                           QHttpServerResponder &&responder)
{
    // Everything the answer needs is copied out of `request` here: QHttpServer clears it for
    // the connection's next request.
    auto awaiting = std::make_unique<Awaiting>();
    awaiting->timer.start();
    awaiting->ticket = m_answers.enqueue(std::move(responder));
    Webhook &webhook = awaiting->webhook;
    webhook.kind = kind;
    const QUrl url = request.url(); // rebuilt on every call: once per webhook is enough
    awaiting->route = url.path();
    awaiting->url = url;
    webhook.url = signedUrl(request, url);
    QString &problem = awaiting->problem;
    const std::optional<WebhookRefusal> refusal =
        checkWebhook(webhook, request.body(), request.value("X-Twilio-Signature"), m_account);
    if (refusal) {
        problem = refusal->problem;
        finish(*awaiting, text(problem, QHttpServerResponse::StatusCode(refusal->httpStatus)));
        return;
    }
    // One snapshot of the call flow for the whole webhook: checked, recorded and answered by
    // the same revision even when a new one arrives meanwhile; for a forwarded call's dial
    // action and legs, the revision the call was routed under.
    const CallFlow flow = m_flows.flowFor(m_flow.settings(), &awaiting->url);
    problem = routingProblem(webhook, awaiting->url, flow.flow());
    if (!problem.isEmpty()) {
        finish(*awaiting, text(problem, QHttpServerResponse::StatusCode::Forbidden));
        return;
    }
    if (isCallBackKind(kind)) {
        awaiting->url = url;
        callBack(std::move(awaiting));
        return;
    }
    awaiting->flow = flow;
    if (isMemberLegKind(kind)) {
        recordLeg(std::move(awaiting));
        return;
    }
    webhook.receivedAt = QDateTime::currentDateTimeUtc();
    flow.annotate(webhook, awaiting->url);
    record(std::move(awaiting));
}

void WebhookServer::recordLeg(std::unique_ptr<Awaiting> awaiting)
{
    if (!admit(*awaiting))
        return;
    const quint64 id = m_nextAwaiting++;
    // Asked of the call log's thread without waiting for it: the answer comes back here.
    m_callLog.isBeingForwarded(awaiting->webhook.params.value(QStringLiteral("ParentCallSid")),
                               [mailbox = m_mailbox, id](bool forwarded) {
                                   post(mailbox, [id, forwarded](WebhookServer *server) {
                                       server->legChecked(id, forwarded);
                                   });
                               });
    m_awaiting.emplace(id, std::move(awaiting));
}

void WebhookServer::legChecked(quint64 id, bool forwarded)
{
    const auto it = m_awaiting.find(id);
    if (it == m_awaiting.end())
        return;
    std::unique_ptr<Awaiting> awaiting = std::move(it->second);
    m_awaiting.erase(it);
    if (!forwarded) {
        m_pendingAnswers.give();
        awaiting->problem = QStringLiteral("call names no call that is being forwarded");
        finish(*awaiting, text(awaiting->problem, QHttpServerResponse::StatusCode::Forbidden));
        return;
    }
    awaiting->webhook.receivedAt = QDateTime::currentDateTimeUtc();
    awaiting->flow->annotate(awaiting->webhook, awaiting->url);
    submit(std::move(awaiting));
}

void WebhookServer::post(const std::shared_ptr<Mailbox> &mailbox,
                         std::function<void(WebhookServer *)> work)
{
    QMutexLocker lock(&mailbox->mutex);
    WebhookServer *server = mailbox->server;
    if (server)
        QMetaObject::invokeMethod(
            server, [server, work = std::move(work)] { work(server); }, Qt::QueuedConnection);
}

void WebhookServer::callBack(std::unique_ptr<Awaiting> awaiting)
{
    // The URL's link says which call this calls back (routingProblem checked its form); the
    // numbers come from the call log, never from the request.
    awaiting->link = CallBackRoute::linkOf(awaiting->url);
    awaiting->target = m_callLog.callBackTarget(awaiting->link->answers);
    if (awaiting->target.state == CallLogThread::CallBackTarget::State::Unknown) {
        awaiting->problem = QStringLiteral("answers names no incoming call of the call log");
        finish(*awaiting, text(awaiting->problem, QHttpServerResponse::StatusCode::Forbidden));
        return;
    }
    Webhook &webhook = awaiting->webhook;
    awaiting->canDial = awaiting->target.state == CallLogThread::CallBackTarget::State::Found &&
                        isE164(awaiting->target.callerNumber) &&
                        isE164(awaiting->target.companyNumber);
    if (webhook.kind == WebhookKind::CallBack && awaiting->canDial)
        webhook.forwardTo = awaiting->target.callerNumber;
    else if (webhook.kind == WebhookKind::CallBack)
        awaiting->problem = QStringLiteral("the call called back has no number to dial");
    webhook.receivedAt = QDateTime::currentDateTimeUtc();
    record(std::move(awaiting));
}

void WebhookServer::record(std::unique_ptr<Awaiting> awaiting)
{
    if (admit(*awaiting))
        submit(std::move(awaiting));
}

bool WebhookServer::admit(Awaiting &awaiting)
{
    // The blocking design's thread pool capped the webhooks waiting for a commit; this does now.
    // Twilio retries a 503, and nothing of this one was written.
    if (m_pendingAnswers.take())
        return true;
    awaiting.problem = QStringLiteral("too many webhooks wait for the call log");
    QHttpServerResponse busy =
        text(awaiting.problem, QHttpServerResponse::StatusCode::ServiceUnavailable);
    busy.setHeader(QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1"));
    finish(awaiting, std::move(busy));
    return false;
}

void WebhookServer::submit(std::unique_ptr<Awaiting> awaiting)
{
    // Under screening, Twilio's "completed" only says a leg answered: whether a member
    // accepted is in the call log, where the screen-result was recorded, by whichever
    // instance Twilio sent it to (see docs/call-flow.md).
    const Webhook &webhook = awaiting->webhook;
    const bool askLegAccepted =
        webhook.kind == WebhookKind::Dial && awaiting->flow && awaiting->flow->screening() &&
        dialWasAnswered(webhook.params.value(QStringLiteral("DialCallStatus")));
    const quint64 id = m_nextAwaiting++;
    // Runs on the call log's thread, which may outlive this object (and the budget's owner):
    // it reaches both only through the mailbox. What it posts runs here, after this returns.
    m_callLog.record(webhook, askLegAccepted,
                     [mailbox = m_mailbox, id](const CallLogThread::Recorded &recorded) {
                         QMutexLocker lock(&mailbox->mutex);
                         WebhookServer *server = mailbox->server;
                         if (!server)
                             return;
                         server->m_pendingAnswers.give();
                         QMetaObject::invokeMethod(
                             server, [server, id, recorded] { server->committed(id, recorded); },
                             Qt::QueuedConnection);
                     });
    m_awaiting.emplace(id, std::move(awaiting));
}

void WebhookServer::committed(quint64 id, const CallLogThread::Recorded &recorded)
{
    const auto it = m_awaiting.find(id);
    if (it == m_awaiting.end())
        return;
    const std::unique_ptr<Awaiting> awaiting = std::move(it->second);
    m_awaiting.erase(it);
    // Answered only once the webhook is durable, in the call log or the journal: a 200 means
    // the event will be in the log.
    if (recorded.result == DurableRecorder::Result::Lost) {
        qCCritical(lcDatabase).noquote()
            << "cannot record" << awaiting->webhook.callSid() << "in the call log or the journal";
        finish(*awaiting, text("the call log is unavailable",
                               QHttpServerResponse::StatusCode::ServiceUnavailable));
        return;
    }
    if (isCallBackKind(awaiting->webhook.kind)) {
        finish(*awaiting, callBackAnswer(*awaiting));
        return;
    }
    if (awaiting->webhook.kind == WebhookKind::RecordingStatus)
        m_downloads.wake(); // the voicemail's media may be ready to fetch
    else if (awaiting->webhook.kind == WebhookKind::Recording)
        m_downloads.wakeAfterStatusGrace(); // in case its status callback never comes
    finish(*awaiting, respondAnswer(*awaiting, recorded.legAccepted));
}

QHttpServerResponse WebhookServer::callBackAnswer(const Awaiting &awaiting)
{
    const auto twiml = [](const QByteArray &document) {
        return QHttpServerResponse(QByteArray(TwimlWriter::contentType), document);
    };
    switch (awaiting.webhook.kind) {
    case WebhookKind::CallBack:
        if (!awaiting.canDial)
            return twiml(CallBackRoute::cannotCallBack());
        return twiml(CallBackRoute::dialCaller(m_flow.settings().publicUrl, *awaiting.link,
                                               awaiting.target.callerNumber,
                                               awaiting.target.companyNumber));
    case WebhookKind::CallBackDial:
        return twiml(CallBackRoute::hangUp());
    default:
        return QHttpServerResponse(QHttpServerResponse::StatusCode::NoContent);
    }
}

QHttpServerResponse WebhookServer::respondAnswer(const Awaiting &awaiting, bool legAccepted)
{
    const std::optional<QByteArray> document =
        awaiting.flow->respond(awaiting.webhook, awaiting.url, legAccepted);
    if (!document)
        return QHttpServerResponse(QHttpServerResponse::StatusCode::NoContent);
    return QHttpServerResponse(QByteArray(TwimlWriter::contentType), *document);
}

void WebhookServer::finish(const Awaiting &awaiting, QHttpServerResponse &&response)
{
    const QString &problem = awaiting.problem;
    const qint64 elapsedNs = awaiting.timer.nsecsElapsed();
    qCInfo(lcWebhook).noquote() << webhookKindToString(awaiting.webhook.kind)
                                << awaiting.webhook.callSid().left(34) << int(response.statusCode())
                                << QStringLiteral("%1us").arg(elapsedNs / 1000) << problem;
    m_metrics.record(awaiting.route, int(response.statusCode()), elapsedNs);
    m_answers.answer(awaiting.ticket, std::move(response));
}

} // namespace Switchboard
