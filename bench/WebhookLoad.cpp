#include "WebhookLoad.h"

#include "CallMix.h"
#include "MediaServer.h"
#include "Sid.h"
#include "twilio/RequestSignature.h"
#include "twilio/WebhookRoutes.h"
#include "TwilioParameters.h"

#include <algorithm>
#include <QDateTime>
#include <QEventLoop>
#include <QRandomGenerator>
#include <QTimer>

namespace Switchboard {
namespace {

// Seeds the mix and the callers; any constant would do.
constexpr quint32 kMixSeed = 0x5b1d0c4a;

// The service's default call flow (CallFlowSettings): how often the menu plays before it offers
// voicemail, and where it cuts a recording.
constexpr int kMenuRepeats = 3;
constexpr int kVoicemailMaxS = 120;

QRandomGenerator generatorFor(int index, quint32 purpose)
{
    const quint32 seed[] = {kMixSeed, quint32(index), purpose};
    return QRandomGenerator(seed);
}

} // namespace

CallScript CallPlan::pick(int index)
{
    QRandomGenerator random = generatorFor(index, 0);
    return randomCallScript(random, CallScript());
}

// Follows the service's IVR the way TwimlWalker follows its TwiML: the menu's <Gather> (a
// silence goes on to its <Redirect>), then <Dial> or <Record>, then the status callback.
CallPlan CallPlan::make(const CallScript &script, int index, const QString &accountSid,
                        MediaServer &media)
{
    QRandomGenerator random = generatorFor(index, 1);
    const CallParty party = randomCaller(random, CallParty());
    const QDateTime startedAt = QDateTime::currentDateTimeUtc();
    CallPlan plan;
    plan.branch = script.branch;
    plan.callSid = randomSid(QLatin1String("CA"));
    int seconds = 0; // on the call's clock, roughly: only CallDuration and Timestamp show it
    const auto send = [&plan](WebhookKind kind, const FormData &params,
                              const QString &query = QString()) {
        plan.steps.append({webhookPath(kind) + query, params});
    };
    const auto action = [&](WebhookKind kind, const FormData &verbParameters, bool callerHungUp,
                            const QString &query = QString()) {
        send(
            kind,
            TwilioParameters::action(accountSid, plan.callSid, callerHungUp, party, verbParameters),
            query);
    };
    const auto voicemail = [&] {
        WalkRecording recording;
        recording.sid = randomSid(QLatin1String("RE"));
        recording.seconds = std::min(script.voicemailSeconds, kVoicemailMaxS);
        const QDateTime recordedAt = startedAt.addSecs(seconds);
        if (recording.seconds <= 0) {
            // Nothing said: no action request, only the "absent" event the flow asks for.
            send(WebhookKind::RecordingStatus,
                 TwilioParameters::recordingStatus(accountSid, plan.callSid, recording,
                                                   QStringLiteral("absent"), recordedAt));
            seconds += 5;
            return;
        }
        recording.url = media.addRecording(recording.sid, recording.seconds);
        seconds += recording.seconds;
        // Twilio stops a message at the flow's maxLength; otherwise the caller ends it.
        const bool cutShort = script.voicemailSeconds > kVoicemailMaxS;
        const bool hangsUp = !cutShort && script.hangupAfterMessage;
        const QString endedBy = cutShort  ? QString()
                                : hangsUp ? QStringLiteral("hangup")
                                          : QStringLiteral("#");
        action(WebhookKind::Recording, TwilioParameters::recordAction(recording, endedBy), hangsUp);
        send(WebhookKind::RecordingStatus,
             TwilioParameters::recordingStatus(accountSid, plan.callSid, recording,
                                               QStringLiteral("completed"), recordedAt));
    };
    const auto dial = [&] {
        const FarEnd &farEnd = script.farEnd;
        const bool answered = farEnd.kind == FarEnd::Kind::Talk;
        const bool callerHungUp = farEnd.kind == FarEnd::Kind::Canceled;
        seconds += answered ? farEnd.talkSeconds : 20;
        action(WebhookKind::Dial,
               TwilioParameters::dialAction(farEnd.dialCallStatus(), randomSid(QLatin1String("CA")),
                                            answered ? farEnd.talkSeconds : 0, answered),
               callerHungUp);
        if (!answered && !callerHungUp)
            voicemail();
    };

    send(WebhookKind::Voice,
         TwilioParameters::call(accountSid, plan.callSid, QStringLiteral("ringing"), party));
    QStringList presses = script.presses;
    for (int attempt = 1; !script.hangupInMenu; ++attempt) {
        seconds += 10; // the greeting, and the caller making up their mind
        // One entry per <Gather>; "-", or none left, is a silence (CallScript).
        const QString digits = presses.isEmpty() || presses.first() == QLatin1String("-")
                                   ? QString()
                                   : presses.first();
        if (!presses.isEmpty())
            presses.removeFirst();
        const QString query = QStringLiteral("?attempt=%1").arg(attempt);
        action(WebhookKind::Menu,
               digits.isEmpty() ? FormData() : TwilioParameters::gatherAction(digits, QString()),
               false, query);
        if (digits == QLatin1String("1")) {
            dial();
            break;
        }
        if (digits == QLatin1String("2") || attempt >= kMenuRepeats) {
            voicemail();
            break;
        }
    }
    send(WebhookKind::Status, TwilioParameters::statusCallback(
                                  accountSid, plan.callSid, QStringLiteral("completed"), party,
                                  seconds, startedAt.addSecs(seconds),
                                  TwilioParameters::sequenceNumber(QStringLiteral("completed"))));
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
