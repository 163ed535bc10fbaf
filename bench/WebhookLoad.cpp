#include "WebhookLoad.h"

#include "MediaServer.h"
#include "twilio/RequestSignature.h"

#include <QEventLoop>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTimer>

namespace Switchboard {
namespace {

// Each QNetworkAccessManager opens at most six connections to one host.
constexpr int kConnectionsPerManager = 6;

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
    , m_public(publicUrl)
    , m_authToken(authToken)
    , m_calls(std::move(calls))
    , m_rate(requestsPerSecond)
{
    const int managers = (connections + kConnectionsPerManager - 1) / kConnectionsPerManager;
    for (int i = 0; i < managers; ++i)
        m_networks.push_back(std::make_unique<QNetworkAccessManager>());
    m_lanes.resize(connections);
    for (int i = 0; i < connections; ++i)
        m_lanes[i].network = m_networks[i / kConnectionsPerManager].get();
    int total = 0;
    for (const CallPlan &plan : m_calls)
        total += int(plan.steps.size());
    m_latencies.reserve(total);
}

void WebhookLoad::run()
{
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
    const CallPlan::Step &step = m_calls[lane.call].steps[lane.step];
    const QUrl url = m_services.at(m_sent++ % m_services.size()).resolved(QUrl(step.path));
    const QString signedUrl = m_public.resolved(QUrl(step.path)).toString(QUrl::FullyEncoded);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("X-Twilio-Signature",
                         RequestSignature::compute(m_authToken, signedUrl, step.params));
    const qint64 dueNs = m_rate > 0 ? lane.nextDueNs : m_clock.nsecsElapsed();
    QNetworkReply *reply = lane.network->post(request, step.params.encode());
    connect(reply, &QNetworkReply::finished, this, [this, reply, &lane, dueNs] {
        const qint64 now = m_clock.nsecsElapsed();
        m_latencies.push_back(now - dueNs);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status < 200 || status >= 300)
            ++m_failures;
        reply->deleteLater();
        ++lane.step;
        if (m_rate > 0)
            lane.nextDueNs += qint64(1e9 * double(m_lanes.size()) / m_rate);
        next(lane);
    });
}

} // namespace Switchboard
