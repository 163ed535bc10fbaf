#pragma once

#include "CallScript.h"
#include "core/FlowDefinition.h"
#include "twilio/CallFlowSettings.h"
#include "twilio/FormData.h"

#include <functional>
#include <memory>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTcpSocket>
#include <QUrl>
#include <vector>

namespace Switchboard {

class CallFlow;
class MediaServer;

// The webhooks Twilio sends for one call, in order, built before the load starts so that
// every request can be signed before the clock does. The calls are the simulator's: a
// CallScript from its mix (sim/CallMix), its SIDs and its request parameters
// (sim/TwilioParameters), walked through the service's own CallFlow by the simulator's
// TwimlWalker, member legs and transcriptions included.
struct CallPlan
{
    struct Step
    {
        QString path; // with query
        FormData params;
        // A dial action under screening: whether the call log holds a member's acceptance of
        // the leg it names by then (the service reads it there; bench-handler has no log).
        bool legAccepted = false;
    };

    QString branch; // the mix's name for the call, e.g. "answered" (see callMixOutcome())
    QString callSid;
    QString answeredBy;          // the member whose leg the script has accept; empty: none
    QString transcriptionStatus; // of the transcription callback sent; empty: none sent
    QList<Step> steps;

    // The index-th call of a realistic day, as the simulator mixes them: the same calls every
    // run, so that runs compare. For a team of `members`, the team's mix, with a script for
    // each member's leg (randomTeamCallScript).
    static CallScript pick(int index, int members = 0);
    // The call flow settings the benches start the service with: its defaults, and the test
    // harness's staff number (tests/support/ServiceHarness).
    static CallFlowSettings serviceSettings();
    // The flow of a team of `members` (--members), rung `ring` ("simultaneous" or
    // "sequential"), that screens every call and transcribes voicemails, read as `flow set`
    // reads a file. None for 0 members (today's flow: the settings' one staff phone), or, with
    // `error` set, for a flow the service would refuse.
    static std::shared_ptr<const FlowDefinition> teamFlow(int members, const QString &ring,
                                                          QString *error);
    // What Twilio sends for `script` when the service answers with `flow`; recordings are
    // published on `media`.
    static CallPlan make(const CallScript &script, int index, const QString &accountSid,
                         MediaServer &media, const CallFlow &flow);
};

// Sends signed webhooks for many calls through a pool of HTTP/1.1 keep-alive connections,
// either as fast as the service answers (rate 0) or at a fixed request rate, and records
// each request's latency, measured from when it was due so a slow answer is not hidden.
//
// Every request is signed and serialised before the clock starts, and goes out over a plain
// QTcpSocket: QNetworkAccessManager costs the client more CPU per request than the service
// spends answering it, and on a shared 2-core machine the client would be what is measured.
class WebhookLoad final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookLoad)

public:
    // Requests go to each of `services` in turn, signed for `publicUrl` (the address Twilio
    // would use in front of them all).
    WebhookLoad(const QList<QUrl> &services, const QUrl &publicUrl, const QByteArray &authToken,
                QList<CallPlan> calls, int connections, double requestsPerSecond);
    ~WebhookLoad() override;

    void run(); // returns when every call has been sent
    const std::vector<qint64> &latenciesNs() const { return m_latencies; }
    // When each answer came in, from the start of the run, in order.
    const std::vector<qint64> &answeredAtNs() const { return m_answeredAt; }
    qint64 elapsedNs() const { return m_elapsedNs; }
    int requests() const { return int(m_latencies.size()); }
    int failures() const { return m_failures; }
    int calls() const { return int(m_calls.size()); }

private:
    struct Lane
    {
        std::vector<QTcpSocket *> sockets; // one per service
        QByteArray received;
        int call = -1;
        int step = 0;
        int service = 0;
        qint64 dueNs = 0;
        qint64 nextDueNs = 0;
    };

    void next(Lane &lane);
    void send(Lane &lane);
    void receive(Lane &lane);
    void finish(Lane &lane, int status);

    QList<QUrl> m_services;
    QList<QList<QByteArray>> m_requests; // per call, per step: all but the Host header
    QList<CallPlan> m_calls;
    double m_rate;
    int m_sent = 0;
    int m_nextCall = 0;
    int m_lanesRunning = 0;
    int m_failures = 0;
    std::vector<Lane> m_lanes;
    std::vector<qint64> m_latencies;
    std::vector<qint64> m_answeredAt;
    QElapsedTimer m_clock;
    qint64 m_elapsedNs = 0;
    std::function<void()> m_done;
};

} // namespace Switchboard
