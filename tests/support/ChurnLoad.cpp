#include "ChurnLoad.h"

#include "CallMix.h"
#include "Sid.h"
#include "SimulatedCall.h"
#include "TwilioParameters.h"

#include <QDateTime>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <twilio/RequestSignature.h>
#include <twilio/WebhookRoutes.h>

namespace Switchboard::Testing {
namespace {

// How often each kind of client starts, in ms.
constexpr int kSlowWaveEveryMs = 4000;
constexpr int kFloodEveryMs = 8000;
constexpr int kVanishingEveryMs = 100;
constexpr int kMalformedEveryMs = 250;
constexpr int kPipelinedConnections = 2;
// Once the time is up, how long clients still in flight may take before they are dropped.
constexpr int kDrainMs = 30000;

const QString kWholeCalls = QStringLiteral("whole calls (webhooks)");
const QString kSlow = QStringLiteral("slow clients (a header line a second)");
const QString kPipelined = QStringLiteral("pipelined webhooks");
const QString kFlood = QStringLiteral("flood past --max-connections");

bool isSuccess(int status)
{
    return status >= 200 && status < 300;
}

// The ledger's name for the webhook a URL or path names.
QString webhookKind(const QString &url)
{
    const auto kind = webhookKindFromPath(QUrl(url).path());
    return kind ? webhookKindToString(*kind) : QUrl(url).path();
}

} // namespace

ChurnLoad::ChurnLoad(const ChurnOptions &options, const QUrl &service, const QString &accountSid,
                     const QByteArray &authToken, MediaServer *media, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_service(service)
    , m_accountSid(accountSid)
    , m_authToken(authToken)
    , m_media(media)
    , m_seed(options.seed ? options.seed : QRandomGenerator::global()->generate())
    , m_random(m_seed)
    , m_network(new QNetworkAccessManager(this))
{}

ChurnLoad::~ChurnLoad() = default;

void ChurnLoad::run()
{
    m_clock.start();
    for (int i = 0; i < m_options.callsInFlight; ++i)
        startCall();
    for (int i = 0; i < kPipelinedConnections; ++i)
        startPipelined();
    const auto every = [this](int ms, void (ChurnLoad::*start)()) {
        auto *timer = new QTimer(this);
        connect(timer, &QTimer::timeout, this, start);
        timer->start(ms);
        m_schedules.append(timer);
    };
    every(kSlowWaveEveryMs, &ChurnLoad::startSlowWave);
    every(kFloodEveryMs, &ChurnLoad::startFlood);
    every(kVanishingEveryMs, &ChurnLoad::startVanishing);
    every(kMalformedEveryMs, &ChurnLoad::startMalformed);
    startSlowWave();

    m_timeUp.setSingleShot(true);
    m_drained.setSingleShot(true);
    connect(&m_timeUp, &QTimer::timeout, this, [this] {
        qDeleteAll(m_schedules);
        m_schedules.clear();
        finishIfDone();
    });
    connect(&m_drained, &QTimer::timeout, this, &ChurnLoad::abandon);
    m_timeUp.start(m_options.seconds * 1000);
    m_drained.start(m_options.seconds * 1000 + kDrainMs);
    QEventLoop loop;
    m_loop = &loop;
    loop.exec();
    m_loop = nullptr;
    m_timeUp.stop();
    m_drained.stop();
    m_elapsedMs = m_clock.elapsed();
}

void ChurnLoad::abandon()
{
    m_abandoned = true;
    m_timeUp.stop();
    qDeleteAll(m_schedules);
    m_schedules.clear();
    for (SimulatedCall *call : std::as_const(m_calls)) {
        call->disconnect(this);
        call->deleteLater();
    }
    m_calls.clear();
    const QList<ChurnClient *> clients = m_clients; // stop() finishes, which removes each
    for (ChurnClient *client : clients)
        client->stop();
    if (m_loop)
        m_loop->quit();
}

bool ChurnLoad::timeIsUp() const
{
    return m_abandoned || m_clock.hasExpired(qint64(m_options.seconds) * 1000);
}

void ChurnLoad::finishIfDone()
{
    if (m_loop && timeIsUp() && m_calls.isEmpty() && m_clients.isEmpty())
        m_loop->quit();
}

void ChurnLoad::startCall()
{
    CallSettings settings;
    settings.accountSid = m_accountSid;
    settings.authToken = m_authToken;
    settings.urls = UrlMapper({m_service}, m_service);
    settings.party = randomCaller(m_random, settings.party);
    auto *call =
        new SimulatedCall(m_callsFinished + int(m_calls.size()) + 1, settings,
                          randomCallScript(m_random, CallScript()), m_network, m_media, this);
    connect(call, &SimulatedCall::finished, this, [this, call] {
        const CallResult &result = call->result();
        for (const HttpExchange &exchange : result.exchanges) {
            const QString kind = webhookKind(exchange.url);
            m_ledger.sent(result.callSid, kind);
            if (isSuccess(exchange.status))
                m_ledger.acknowledged(result.callSid, kind);
            ++m_answers[kWholeCalls][exchange.status];
        }
        ++m_callsFinished;
        m_calls.removeOne(call);
        call->deleteLater();
        if (!timeIsUp())
            startCall();
        finishIfDone();
    });
    m_calls.append(call);
    call->start();
}

QByteArray ChurnLoad::signedRequest(const QString &pathAndQuery, const FormData &params) const
{
    const QByteArray body = params.encode();
    const QByteArray signature =
        RequestSignature::compute(m_authToken, m_service.toString() + pathAndQuery, params);
    return "POST " + pathAndQuery.toUtf8() +
           " HTTP/1.1\r\nHost: " + m_service.authority().toUtf8() +
           "\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: " +
           signature + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

void ChurnLoad::launch(const QString &kind, const ChurnClient::Script &script, Done done)
{
    auto *client = new ChurnClient(quint16(m_service.port()), script, this);
    connect(client, &ChurnClient::finished, this, [this, kind, client, done] {
        tally(kind, *client);
        if (done)
            done(*client);
        m_clients.removeOne(client);
        client->deleteLater();
        finishIfDone();
    });
    m_clients.append(client);
    client->start();
}

void ChurnLoad::tally(const QString &kind, const ChurnClient &client)
{
    if (client.statuses().isEmpty())
        ++m_answers[kind][-1 - int(client.silence())];
    for (const int status : client.statuses())
        ++m_answers[kind][status];
}

// A signed webhook a header line a second: the request timeout ends it long before the body.
void ChurnLoad::startSlowWave()
{
    for (int i = 0; i < m_options.slowWave; ++i) {
        const QString callSid = randomSid(QLatin1String("CA"));
        ChurnClient::Script script;
        script.bytes = signedRequest(
            webhookPath(WebhookKind::Voice),
            TwilioParameters::call(m_accountSid, callSid, QStringLiteral("ringing"), CallParty()));
        script.slow = true;
        launch(kSlow, script, [this, callSid](const ChurnClient &client) {
            if (!client.wroteAll()) {
                m_ledger.cutShort(callSid);
                return;
            }
            const QString voice = webhookKindToString(WebhookKind::Voice);
            m_ledger.sent(callSid, voice);
            if (isSuccess(client.statuses().value(0)))
                m_ledger.acknowledged(callSid, voice);
        });
    }
}

// More connections at once than the cap, each with a head that never ends: those past the
// cap are refused at once, the others time out together.
void ChurnLoad::startFlood()
{
    ChurnClient::Script script;
    script.bytes = "GET /healthz HTTP/1.1\r\nHost: " + m_service.authority().toUtf8() + "\r\n";
    for (int i = 0; i < m_options.maxConnections + m_options.floodPastCap; ++i)
        launch(kFlood, script);
}

// The head and half the body of a signed webhook, then gone: a close, or a reset.
void ChurnLoad::startVanishing()
{
    const QString callSid = randomSid(QLatin1String("CA"));
    const QByteArray request = signedRequest(
        webhookPath(WebhookKind::Voice),
        TwilioParameters::call(m_accountSid, callSid, QStringLiteral("ringing"), CallParty()));
    const qsizetype bodyStart = request.indexOf("\r\n\r\n") + 4;
    ChurnClient::Script script;
    script.bytes = request.left(bodyStart + (request.size() - bodyStart) / 2);
    script.vanish = ++m_vanished % 2 ? ChurnClient::Vanish::Close : ChurnClient::Vanish::Reset;
    script.answers = 0;
    m_ledger.cutShort(callSid);
    launch(script.vanish == ChurnClient::Vanish::Close ? QStringLiteral("vanished mid-body (FIN)")
                                                       : QStringLiteral("vanished mid-body (RST)"),
           script);
}

// A whole short call's webhooks in one write on one keep-alive connection.
void ChurnLoad::startPipelined()
{
    const QString callSid = randomSid(QLatin1String("CA"));
    const CallParty party = randomCaller(m_random, CallParty());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString status = webhookPath(WebhookKind::Status);
    const QList<std::pair<QString, FormData>> webhooks{
        {webhookPath(WebhookKind::Voice),
         TwilioParameters::call(m_accountSid, callSid, QStringLiteral("ringing"), party)},
        {webhookPath(WebhookKind::Menu) + QStringLiteral("?attempt=1"),
         TwilioParameters::action(m_accountSid, callSid, false, party,
                                  TwilioParameters::gatherAction(QStringLiteral("2"), QString()))},
        {status, TwilioParameters::statusCallback(
                     m_accountSid, callSid, QStringLiteral("in-progress"), party, -1, now,
                     TwilioParameters::sequenceNumber(QStringLiteral("in-progress")))},
        {status, TwilioParameters::statusCallback(
                     m_accountSid, callSid, QStringLiteral("completed"), party, 12, now.addSecs(12),
                     TwilioParameters::sequenceNumber(QStringLiteral("completed")))},
    };
    ChurnClient::Script script;
    QStringList kinds;
    for (int i = 0; i < m_options.pipelineDepth; ++i) {
        const auto &[path, params] = webhooks.at(i % webhooks.size());
        script.bytes += signedRequest(path, params);
        kinds.append(webhookKind(path));
    }
    script.answers = m_options.pipelineDepth;
    launch(kPipelined, script, [this, callSid, kinds](const ChurnClient &client) {
        for (qsizetype i = 0; i < kinds.size(); ++i) {
            m_ledger.sent(callSid, kinds.at(i));
            if (isSuccess(client.statuses().value(i)))
                m_ledger.acknowledged(callSid, kinds.at(i));
        }
        if (!timeIsUp())
            startPipelined();
    });
}

void ChurnLoad::startMalformed()
{
    const QByteArray host = "Host: " + m_service.authority().toUtf8() + "\r\n";
    const QByteArray voice = webhookPath(WebhookKind::Voice).toUtf8();
    ChurnClient::Script script;
    switch (m_malformed++ % 4) {
    case 0:
        script.bytes =
            "POST " + voice + '?' + QByteArray(9000, 'q') + " HTTP/1.1\r\n" + host + "\r\n";
        launch(QStringLiteral("request line of 9,000 bytes"), script);
        return;
    case 1:
        script.bytes = "POST " + voice + " HTTP/1.1\r\n" + host +
                       "X-Filler: " + QByteArray(17000, 'h') + "\r\n\r\n";
        launch(QStringLiteral("headers of 17 KB"), script);
        return;
    case 2:
        script.bytes = "POST " + voice + " HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n";
        launch(QStringLiteral("malformed Content-Length"), script);
        return;
    default:
        script.bytes.resize(512);
        for (char &byte : script.bytes)
            byte = char(m_random.bounded(256));
        script.bytes += "\r\n\r\n";
        launch(QStringLiteral("512 bytes of garbage"), script);
        return;
    }
}

} // namespace Switchboard::Testing
