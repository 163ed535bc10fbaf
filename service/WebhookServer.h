#pragma once

#include "AnswerQueue.h"
#include "CallLogThread.h"
#include "ConnectionGuard.h"
#include "core/CallRecord.h"
#include "Metrics.h"
#include "ServiceConfig.h"
#include "twilio/CallBackRoute.h"
#include "twilio/CallFlow.h"
#include "twilio/RecordingDownload.h"

#include <functional>
#include <memory>
#include <optional>
#include <QElapsedTimer>
#include <QHttpServer>
#include <QMutex>
#include <QObject>
#include <unordered_map>

namespace Switchboard {

class FlowWatcher;
class DownloadThread;
class StatusReader;

// The HTTP face of the service on one of its HTTP threads: Twilio's webhooks, /healthz and
// /metrics. Every HTTP thread accepts on the same listening socket.
//
// A webhook's handler checks it, hands it to the call log's writer and returns: the thread
// goes on serving its other connections. Once the webhook is committed, the writer posts back
// here and the answer (the TwiML) is written on this thread, in its connection's order.
class WebhookServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookServer)

public:
    // `config.callFlow.publicUrl` is final: the listener fills it in when it was not given.
    WebhookServer(const ServiceConfig &config, CallLogThread &callLog, DownloadThread &downloads,
                  const FlowWatcher &flows, Metrics &metrics, StatusReader &status,
                  ConnectionBudget &connections, PendingAnswerBudget &pendingAnswers,
                  ConnectionGuard::Dealer deal, QObject *parent = nullptr);
    ~WebhookServer() override;

    // Takes a listening socket (a duplicate of the listener's); false when the descriptor is
    // not one. Accepting starts with startAccepting(): once every thread can be dealt a
    // connection.
    bool listen(qintptr listeningSocket);
    // Accepts connections, handing each to the dealer.
    void startAccepting();
    void stopListening();
    // Serves a connection the dealer picked this thread for (call on this object's thread).
    void serve(qintptr descriptor);
    // Requests being read, and webhooks waiting for their commit.
    int requestsInFlight() const;
    // Connections between requests (from any thread).
    int idleConnections() const;

private:
    // A webhook between its handler and its answer.
    struct Awaiting
    {
        AnswerQueue::Ticket ticket;
        QElapsedTimer timer; // since the request was read
        QString route;
        Webhook webhook;
        QUrl url;                     // as routed
        std::optional<CallFlow> flow; // the snapshot that answers it (not for a call back)
        std::optional<CallBackRoute::Link> link;
        CallLogThread::CallBackTarget target; // a call back's
        bool canDial = false;
        QString problem;
    };
    // Lets the call log's thread post a commit's outcome here for as long as this object lives.
    struct Mailbox
    {
        QMutex mutex;
        WebhookServer *server = nullptr;
    };

    void addRoutes();
    void handle(WebhookKind kind, const QHttpServerRequest &request,
                QHttpServerResponder &&responder);
    // A call back's webhook: the <Dial> to the caller the call log names, or its results.
    void callBack(std::unique_ptr<Awaiting> awaiting);
    // A member's leg: recorded only when the call log says its call is being forwarded.
    void recordLeg(std::unique_ptr<Awaiting> awaiting);
    void legChecked(quint64 id, bool forwarded);
    // Queues the webhook for the next commit; its answer is written once it is durable.
    void record(std::unique_ptr<Awaiting> awaiting);
    // Both take a place under --max-pending-answers first; false (answered 503) when full.
    bool admit(Awaiting &awaiting);
    void submit(std::unique_ptr<Awaiting> awaiting);
    // Posts `work` to run here, unless this object is gone by then (from any thread).
    static void post(const std::shared_ptr<Mailbox> &mailbox,
                     std::function<void(WebhookServer *)> work);
    void committed(quint64 id, const CallLogThread::Recorded &recorded);
    QHttpServerResponse callBackAnswer(const Awaiting &awaiting);
    QHttpServerResponse respondAnswer(const Awaiting &awaiting, bool legAccepted);
    void finish(const Awaiting &awaiting, QHttpServerResponse &&response);
    QHttpServerResponse health();
    QString signedUrl(const QHttpServerRequest &request, const QUrl &url) const;

    ServiceConfig m_config;
    CallLogThread &m_callLog;
    DownloadThread &m_downloads;
    const FlowWatcher &m_flows;
    Metrics &m_metrics;
    // The account webhooks must come from: its SID, its auth token, where its recordings live.
    RecordingDownload::Options m_account;
    CallFlow m_flow; // its settings and URLs; each webhook's answer takes the current flow
    StatusReader &m_status;
    PendingAnswerBudget &m_pendingAnswers;
    std::shared_ptr<Mailbox> m_mailbox;
    std::unordered_map<quint64, std::unique_ptr<Awaiting>> m_awaiting; // by commit request
    quint64 m_nextAwaiting = 0;
    AnswerQueue m_answers;
    QHttpServer m_http;
    ConnectionGuard *m_guard = nullptr; // owned by m_http
};

} // namespace Switchboard
