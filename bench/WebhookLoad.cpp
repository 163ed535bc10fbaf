#include "WebhookLoad.h"

#include "MediaServer.h"
#include "twilio/RequestSignature.h"

#include <QEventLoop>
#include <QRandomGenerator>
#include <QTimer>

namespace Switchboard {
namespace {

QString sid(const char *prefix, int index, int salt)
{
    return QLatin1String(prefix) + QStringLiteral("%1%2")
                                       .arg(salt, 8, 16, QLatin1Char('0'))
                                       .arg(index, 24, 16, QLatin1Char('0'));
}

FormData callParams(const QString &accountSid, const QString &callSid, int index,
                    const QString &status)
{
    const QString from = QStringLiteral("+1415555%1").arg(index % 10000, 4, 10, QLatin1Char('0'));
    return {{QStringLiteral("AccountSid"), accountSid},
            {QStringLiteral("ApiVersion"), QStringLiteral("2010-04-01")},
            {QStringLiteral("CallSid"), callSid},
            {QStringLiteral("CallStatus"), status},
            {QStringLiteral("Called"), QStringLiteral("+14155550199")},
            {QStringLiteral("CalledCity"), QStringLiteral("SAN FRANCISCO")},
            {QStringLiteral("CalledCountry"), QStringLiteral("US")},
            {QStringLiteral("CalledState"), QStringLiteral("CA")},
            {QStringLiteral("Caller"), from},
            {QStringLiteral("CallerCity"), QStringLiteral("OAKLAND")},
            {QStringLiteral("CallerCountry"), QStringLiteral("US")},
            {QStringLiteral("CallerName"), QStringLiteral("Caller %1").arg(index)},
            {QStringLiteral("Direction"), QStringLiteral("inbound")},
            {QStringLiteral("From"), from},
            {QStringLiteral("FromCity"), QStringLiteral("OAKLAND")},
            {QStringLiteral("FromCountry"), QStringLiteral("US")},
            {QStringLiteral("FromState"), QStringLiteral("CA")},
            {QStringLiteral("FromZip"), QStringLiteral("94612")},
            {QStringLiteral("To"), QStringLiteral("+14155550199")},
            {QStringLiteral("ToCity"), QStringLiteral("SAN FRANCISCO")},
            {QStringLiteral("ToCountry"), QStringLiteral("US")},
            {QStringLiteral("ToState"), QStringLiteral("CA")}};
}

FormData with(FormData params, std::initializer_list<FormData::Item> extra)
{
    for (const auto &[name, value] : extra)
        params.set(name, value);
    return params;
}

} // namespace

QString CallPlan::branchName(Branch branch)
{
    switch (branch) {
    case Branch::Answered:
        return QStringLiteral("answered");
    case Branch::NoAnswerThenVoicemail:
        return QStringLiteral("no-answer, voicemail");
    case Branch::Voicemail:
        return QStringLiteral("voicemail");
    case Branch::InvalidKeyThenVoicemail:
        return QStringLiteral("invalid key, voicemail");
    case Branch::HangUpInMenu:
        return QStringLiteral("hang-up in menu");
    }
    return {};
}

QString CallPlan::expectedOutcome(Branch branch)
{
    switch (branch) {
    case Branch::Answered:
        return QStringLiteral("answered");
    case Branch::HangUpInMenu:
        return QStringLiteral("abandoned");
    default:
        return QStringLiteral("voicemail");
    }
}

CallPlan::Branch CallPlan::pick(int index)
{
    // Out of 20 calls: 9 answered, 4 unanswered then voicemail, 4 voicemail, 1 invalid key, 2
    // hang-ups.
    static const Branch mix[20] = {
        Branch::Answered,     Branch::Voicemail,
        Branch::Answered,     Branch::NoAnswerThenVoicemail,
        Branch::Answered,     Branch::HangUpInMenu,
        Branch::Answered,     Branch::Voicemail,
        Branch::Answered,     Branch::NoAnswerThenVoicemail,
        Branch::Answered,     Branch::InvalidKeyThenVoicemail,
        Branch::Answered,     Branch::Voicemail,
        Branch::Answered,     Branch::NoAnswerThenVoicemail,
        Branch::HangUpInMenu, Branch::Voicemail,
        Branch::Answered,     Branch::NoAnswerThenVoicemail,
    };
    return mix[index % 20];
}

CallPlan CallPlan::make(Branch branch, int index, const QString &accountSid, MediaServer &media)
{
    static const int salt = int(QRandomGenerator::global()->bounded(1 << 30));
    CallPlan plan;
    plan.branch = branch;
    plan.callSid = sid("CA", index, salt);
    const FormData ringing = callParams(accountSid, plan.callSid, index, QStringLiteral("ringing"));
    const FormData live =
        callParams(accountSid, plan.callSid, index, QStringLiteral("in-progress"));
    const auto press = [&](const QString &digits, int attempt) {
        plan.steps.append({QStringLiteral("/twilio/menu?attempt=%1").arg(attempt),
                           with(live, {{QStringLiteral("Digits"), digits},
                                       {QStringLiteral("FinishedOnKey"), QString()},
                                       {QStringLiteral("msg"), QStringLiteral("Gather End")}})});
    };
    const auto dial = [&](const QString &status, int seconds) {
        plan.steps.append(
            {QStringLiteral("/twilio/dial"),
             with(live, {{QStringLiteral("DialCallStatus"), status},
                         {QStringLiteral("DialCallSid"), sid("CA", index, salt + 1)},
                         {QStringLiteral("DialCallDuration"), QString::number(seconds)},
                         {QStringLiteral("DialBridged"), QStringLiteral("true")}})});
    };
    const auto record = [&] {
        const QString recordingSid = sid("RE", index, salt);
        const QString url = media.addRecording(recordingSid, 2);
        const FormData recording =
            with(live, {{QStringLiteral("RecordingSid"), recordingSid},
                        {QStringLiteral("RecordingUrl"), url},
                        {QStringLiteral("RecordingDuration"), QStringLiteral("2")},
                        {QStringLiteral("Digits"), QStringLiteral("hangup")}});
        plan.steps.append({QStringLiteral("/twilio/recording"), recording});
        plan.steps.append(
            {QStringLiteral("/twilio/recording-status"),
             FormData{{QStringLiteral("AccountSid"), accountSid},
                      {QStringLiteral("CallSid"), plan.callSid},
                      {QStringLiteral("RecordingSid"), recordingSid},
                      {QStringLiteral("RecordingUrl"), url},
                      {QStringLiteral("RecordingStatus"), QStringLiteral("completed")},
                      {QStringLiteral("RecordingDuration"), QStringLiteral("2")},
                      {QStringLiteral("RecordingChannels"), QStringLiteral("1")},
                      {QStringLiteral("RecordingSource"), QStringLiteral("RecordVerb")},
                      {QStringLiteral("ErrorCode"), QStringLiteral("0")}}});
    };

    plan.steps.append({QStringLiteral("/twilio/voice"), ringing});
    switch (branch) {
    case Branch::Answered:
        press(QStringLiteral("1"), 1);
        dial(QStringLiteral("completed"), 42);
        break;
    case Branch::NoAnswerThenVoicemail:
        press(QStringLiteral("1"), 1);
        dial(QStringLiteral("no-answer"), 0);
        record();
        break;
    case Branch::Voicemail:
        press(QStringLiteral("2"), 1);
        record();
        break;
    case Branch::InvalidKeyThenVoicemail:
        press(QStringLiteral("7"), 1);
        press(QStringLiteral("2"), 2);
        record();
        break;
    case Branch::HangUpInMenu:
        break;
    }
    plan.steps.append(
        {QStringLiteral("/twilio/status"),
         with(callParams(accountSid, plan.callSid, index, QStringLiteral("completed")),
              {{QStringLiteral("CallDuration"), QStringLiteral("61")},
               {QStringLiteral("SequenceNumber"), QStringLiteral("3")},
               {QStringLiteral("CallbackSource"), QStringLiteral("call-progress-events")}})});
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
