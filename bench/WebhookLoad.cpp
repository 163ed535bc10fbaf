#include "WebhookLoad.h"

#include "CallMix.h"
#include "core/CallRecord.h"
#include "MediaServer.h"
#include "Sid.h"
#include "twilio/CallFlow.h"
#include "twilio/RequestSignature.h"
#include "twilio/TwimlDocument.h"
#include "twilio/WebhookRoutes.h"
#include "TwilioParameters.h"
#include "TwimlWalker.h"

#include <algorithm>
#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTimer>

namespace Switchboard {
namespace {

// Seeds the mix and the callers; any constant would do.
constexpr quint32 kMixSeed = 0x5b1d0c4a;
// Steps of one call's walk, legs included, before it counts as a loop: ten members in turn
// take about forty.
constexpr int kMaxSteps = 200;

QRandomGenerator generatorFor(int index, quint32 purpose)
{
    const quint32 seed[] = {kMixSeed, quint32(index), purpose};
    return QRandomGenerator(seed);
}

// What the load generator sends: the path and query of the URL Twilio requests.
QString pathOf(const QUrl &url)
{
    QString path = url.path(QUrl::FullyEncoded);
    if (url.hasQuery())
        path += QLatin1Char('?') + url.query(QUrl::FullyEncoded);
    return path;
}

} // namespace

CallFlowSettings CallPlan::serviceSettings()
{
    CallFlowSettings settings;
    settings.publicUrl = QUrl(QStringLiteral("https://switchboard.bench.example"));
    settings.forwardTo = QStringLiteral("+15550100200");
    return settings;
}

std::shared_ptr<const FlowDefinition> CallPlan::teamFlow(int members, const QString &ring,
                                                         QString *error)
{
    if (members <= 0)
        return nullptr;
    // Written as `flow set` reads it, so that the flow is one the service accepts.
    QJsonArray team;
    for (int i = 0; i < members; ++i)
        team.append(
            QJsonObject{{QStringLiteral("name"), QStringLiteral("Member %1").arg(i + 1)},
                        {QStringLiteral("number"),
                         QStringLiteral("+1555010%1").arg(300 + i, 4, 10, QLatin1Char('0'))}});
    const QJsonObject json{{QStringLiteral("members"), team},
                           {QStringLiteral("ring"), ring},
                           {QStringLiteral("screening"), true},
                           {QStringLiteral("transcribe"), true}};
    std::optional<FlowDefinition> flow =
        FlowDefinition::fromJson(QJsonDocument(json).toJson(QJsonDocument::Compact), error);
    if (!flow)
        return nullptr;
    return std::make_shared<const FlowDefinition>(std::move(*flow));
}

CallScript CallPlan::pick(int index, int members)
{
    QRandomGenerator random = generatorFor(index, 0);
    return members > 0 ? randomTeamCallScript(random, CallScript(), members)
                       : randomCallScript(random, CallScript());
}

// Plays the call the way the simulator does (SimulatedCall), offline: the service's own call
// flow answers each webhook, the simulator's TwimlWalker executes the TwiML, and its steps
// become the next requests, then the status callback once the walker hangs up. What the
// service would read back from its log (a member's acceptance, for a screened dial action)
// comes from the call's record, kept as the log keeps it (CallRecord).
CallPlan CallPlan::make(const CallScript &script, int index, const QString &accountSid,
                        MediaServer &media, const CallFlow &flow)
{
    QRandomGenerator random = generatorFor(index, 1);
    const CallParty party = randomCaller(random, CallParty());
    const QDateTime startedAt = QDateTime::currentDateTimeUtc();
    CallPlan plan;
    plan.branch = script.branch;
    plan.callSid = randomSid(QLatin1String("CA"));

    TwimlWalker walker(script);
    walker.setRecordingPublisher(
        [&media](const QString &sid, int seconds) { return media.addRecording(sid, seconds); });
    CallRecord record;
    // Each request as the service receives it, folded into the call's record; nothing for a
    // URL that names no webhook (the load sends it all the same, and bench-handler refuses it).
    const auto send = [&](const QUrl &url, const FormData &params) -> std::optional<Webhook> {
        const std::optional<WebhookKind> kind = webhookKindFromPath(url.path());
        if (!kind) {
            plan.steps.append({pathOf(url), params});
            return std::nullopt;
        }
        Webhook webhook;
        webhook.kind = *kind;
        webhook.receivedAt = startedAt.addMSecs(walker.elapsedMs());
        webhook.url = url.toString(QUrl::FullyEncoded);
        webhook.params = params;
        flow.annotate(webhook, url);
        Step step{pathOf(url), params};
        if (webhook.kind == WebhookKind::Dial && flow.screening()) {
            const QString dialCallSid = params.value(QStringLiteral("DialCallSid"));
            step.legAccepted =
                std::any_of(record.route.cbegin(), record.route.cend(), [&](const RouteLeg &leg) {
                    return leg.callSid == dialCallSid &&
                           leg.result(record.isScreened()) == LegResult::Accepted;
                });
        }
        record.apply(webhook);
        plan.steps.append(step);
        return webhook;
    };
    // The service's answer to a request that reads TwiML, loaded into the walker; false when
    // the flow has none to give (the walk would stall, so the call ends).
    const auto answer = [&](const QUrl &url, const FormData &params) {
        const std::optional<Webhook> webhook = send(url, params);
        if (!webhook)
            return false;
        const std::optional<QByteArray> twiml =
            flow.respond(*webhook, url, plan.steps.constLast().legAccepted);
        const TwimlDocument document = TwimlDocument::parse(twiml.value_or(QByteArray()));
        if (!twiml || !document.isValid())
            return false;
        walker.load(document, url);
        return true;
    };
    const auto recordingStatus = [&](const WalkRecording &recording, const QString &status) {
        if (recording.wantsEvent(status) && recording.statusCallback.isValid())
            send(recording.statusCallback,
                 TwilioParameters::recordingStatus(accountSid, plan.callSid, recording, status,
                                                   startedAt.addMSecs(recording.startedAtMs)));
    };
    // Twilio posts the transcription <Record transcribe> asked for once the recording is done.
    const auto transcription = [&](const WalkRecording &recording) {
        if (recording.transcribeCallback.isValid() && recording.seconds > 0 &&
            script.transcription.kind != TranscriptionScript::Kind::None) {
            const FormData params = TwilioParameters::transcription(
                accountSid, plan.callSid, recording, randomSid(QLatin1String("TR")),
                script.transcription);
            plan.transcriptionStatus = params.value(QStringLiteral("TranscriptionStatus"));
            send(recording.transcribeCallback, params);
        }
    };

    QString finalStatus = QStringLiteral("completed");
    bool walking =
        answer(QUrl(flow.webhookUrl(WebhookKind::Voice)),
               TwilioParameters::call(accountSid, plan.callSid, QStringLiteral("ringing"), party));
    // Bounded as the simulator bounds a call's requests: a flow that loops ends here.
    for (int requests = 0; walking && requests < kMaxSteps; ++requests) {
        const WalkStep step = walker.next();
        if (step.leg) {
            if (step.kind == WalkStep::Kind::Callback) {
                send(step.url,
                     TwilioParameters::legStatus(accountSid, plan.callSid, party.from, *step.leg,
                                                 startedAt.addMSecs(step.leg->atMs)));
                continue;
            }
            FormData params =
                TwilioParameters::childLeg(accountSid, plan.callSid, party.from, *step.leg);
            for (const auto &[name, value] : step.params.items())
                params.add(name, value);
            if (!answer(step.url, params))
                walker.failLegRequest(QStringLiteral("no TwiML"));
            continue;
        }
        switch (step.kind) {
        case WalkStep::Kind::Request: {
            if (step.recording)
                recordingStatus(*step.recording, QStringLiteral("in-progress"));
            const FormData params = TwilioParameters::action(accountSid, plan.callSid,
                                                             step.callerHungUp, party, step.params);
            if (step.callerHungUp)
                send(step.url, params); // Twilio ignores the answer
            else
                walking = answer(step.url, params);
            if (step.recording) {
                recordingStatus(*step.recording, QStringLiteral("completed"));
                transcription(*step.recording);
            }
            if (step.callerHungUp)
                walking = false;
            break;
        }
        case WalkStep::Kind::Notify:
            if (step.recording)
                recordingStatus(*step.recording, QStringLiteral("absent"));
            break;
        case WalkStep::Kind::Callback:
            break;
        case WalkStep::Kind::Hangup:
            finalStatus = step.finalStatus;
            walking = false;
            break;
        case WalkStep::Kind::Failure:
            walking = false;
            break;
        }
    }
    const int duration =
        finalStatus == QLatin1String("completed") ? int((walker.elapsedMs() + 999) / 1000) : 0;
    send(QUrl(flow.webhookUrl(WebhookKind::Status)),
         TwilioParameters::statusCallback(accountSid, plan.callSid, finalStatus, party, duration,
                                          startedAt.addMSecs(walker.elapsedMs()),
                                          TwilioParameters::sequenceNumber(finalStatus)));
    // Who took the call, as the walk played it: the member whose leg accepted.
    for (const LegReport &leg : walker.legs()) {
        if (leg.result != QLatin1String("accepted"))
            continue;
        for (const FlowMember &member : flow.flow().members) {
            if (member.number == leg.number)
                plan.answeredBy = member.name;
        }
    }
    return plan;
}

WebhookLoad::WebhookLoad(const QList<QUrl> &services, const QUrl &publicUrl,
                         const QByteArray &authToken, QList<CallPlan> calls, int connections,
                         double requestsPerSecond)
    : m_services(services)
    , m_calls(std::move(calls))
    , m_rate(requestsPerSecond)
{
    int total = 0;
    for (const CallPlan &plan : m_calls) {
        QList<QByteArray> requests;
        for (const CallPlan::Step &step : plan.steps) {
            const QString signedUrl =
                publicUrl.resolved(QUrl(step.path)).toString(QUrl::FullyEncoded);
            const QByteArray body = step.params.encode();
            requests.append("POST " + step.path.toUtf8() +
                            " HTTP/1.1\r\n"
                            "Content-Type: application/x-www-form-urlencoded\r\n"
                            "X-Twilio-Signature: " +
                            RequestSignature::compute(authToken, signedUrl, step.params) +
                            "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" +
                            body);
        }
        total += int(requests.size());
        m_requests.append(requests);
    }
    m_latencies.reserve(total);
    m_answeredAt.reserve(total);

    m_lanes.resize(connections);
    for (Lane &lane : m_lanes) {
        for (const QUrl &service : m_services) {
            auto *socket = new QTcpSocket(this);
            socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            socket->connectToHost(service.host(), quint16(service.port()));
            connect(socket, &QTcpSocket::readyRead, this, [this, &lane] { receive(lane); });
            connect(socket, &QTcpSocket::errorOccurred, this, [this, &lane, socket] {
                if (lane.call >= 0 && lane.sockets.at(lane.service) == socket)
                    finish(lane, 0); // counted as a failure; the lane goes on
            });
            lane.sockets.push_back(socket);
        }
    }
}

WebhookLoad::~WebhookLoad() = default;

void WebhookLoad::run()
{
    for (Lane &lane : m_lanes)
        for (QTcpSocket *socket : lane.sockets)
            socket->waitForConnected(5000);
    QEventLoop loop;
    m_done = [&loop] { loop.quit(); };
    m_clock.start();
    m_lanesRunning = int(m_lanes.size());
    // At a fixed rate, lanes start staggered so that requests are spread evenly.
    const double laneIntervalNs = m_rate > 0 ? 1e9 * double(m_lanes.size()) / m_rate : 0;
    for (std::size_t i = 0; i < m_lanes.size(); ++i) {
        m_lanes[i].nextDueNs = qint64(laneIntervalNs * double(i) / double(m_lanes.size()));
        next(m_lanes[i]);
    }
    loop.exec();
    m_elapsedNs = m_clock.nsecsElapsed();
}

void WebhookLoad::next(Lane &lane)
{
    if (lane.call < 0 || lane.step >= m_calls[lane.call].steps.size()) {
        if (m_nextCall >= m_calls.size()) {
            lane.call = -1;
            if (--m_lanesRunning == 0)
                m_done();
            return;
        }
        lane.call = m_nextCall++;
        lane.step = 0;
    }
    const qint64 waitNs = lane.nextDueNs - m_clock.nsecsElapsed();
    if (m_rate > 0 && waitNs > 1000000)
        QTimer::singleShot(int(waitNs / 1000000), Qt::PreciseTimer, this,
                           [this, &lane] { send(lane); });
    else
        send(lane);
}

void WebhookLoad::send(Lane &lane)
{
    lane.service = m_sent++ % int(m_services.size());
    QTcpSocket *socket = lane.sockets.at(lane.service);
    const QUrl &service = m_services.at(lane.service);
    lane.dueNs = m_rate > 0 ? lane.nextDueNs : m_clock.nsecsElapsed();
    lane.received.clear();
    const QByteArray &request = m_requests.at(lane.call).at(lane.step);
    const qsizetype lineEnd = request.indexOf("\r\n") + 2;
    socket->write(request.left(lineEnd) + "Host: " + service.authority().toUtf8() + "\r\n" +
                  request.mid(lineEnd));
}

void WebhookLoad::receive(Lane &lane)
{
    QTcpSocket *socket = lane.sockets.at(lane.service);
    lane.received += socket->readAll();
    const qsizetype headEnd = lane.received.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return;
    const QByteArray head = lane.received.left(headEnd).toLower();
    const int status = head.mid(9, 3).toInt(); // "HTTP/1.1 200 OK"
    qsizetype bodyBytes = 0;
    const qsizetype length = head.indexOf("\r\ncontent-length:");
    if (length >= 0) {
        const qsizetype valueStart = length + 17;
        bodyBytes = head.mid(valueStart, head.indexOf("\r\n", valueStart) - valueStart)
                        .trimmed()
                        .toLongLong();
    }
    if (lane.received.size() < headEnd + 4 + bodyBytes)
        return; // the rest of the body is still on its way
    finish(lane, status);
}

void WebhookLoad::finish(Lane &lane, int status)
{
    const qint64 now = m_clock.nsecsElapsed();
    m_latencies.push_back(now - lane.dueNs);
    m_answeredAt.push_back(now);
    if (status < 200 || status >= 300)
        ++m_failures;
    ++lane.step;
    if (m_rate > 0)
        lane.nextDueNs += qint64(1e9 * double(m_lanes.size()) / m_rate);
    next(lane);
}

} // namespace Switchboard
