#include "SimDriver.h"

#include "CallBackCall.h"
#include "MediaServer.h"
#include "RestCalls.h"
#include "SimulationRun.h"

#include <cstdio>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QTimer>

namespace Switchboard {

SimDriver::SimDriver(const SimOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_out(options.json ? stderr : stdout)
    , m_json(stdout)
{}

SimDriver::~SimDriver() = default;

void SimDriver::say(const QString &line)
{
    m_out << line << Qt::endl;
}

bool SimDriver::start()
{
    m_media =
        std::make_unique<MediaServer>(m_options.settings.accountSid, m_options.settings.authToken);
    QString error;
    if (!m_media->listen(m_options.mediaAddress, m_options.mediaPort, &error)) {
        say(QStringLiteral("cannot listen for media on %1:%2: %3")
                .arg(m_options.mediaAddress.toString())
                .arg(m_options.mediaPort)
                .arg(error));
        return false;
    }
    m_media->setFailFirst(m_options.failDownloads);
    say(QStringLiteral("media endpoint (Twilio API) on %1%2")
            .arg(m_media->baseUrl().toString(),
                 m_options.failDownloads ? QStringLiteral(", failing the first %1 downloads")
                                               .arg(m_options.failDownloads)
                                         : QString()));
    connect(m_media.get(), &MediaServer::requestServed, this,
            [this](const QString &method, const QString &path, int status) {
                say(QStringLiteral("[media] %1 %2 -> %3").arg(method, path).arg(status));
            });

    serveCallBacks();

    m_run = std::make_unique<SimulationRun>(m_options.settings, m_options.plan, m_media.get());
    connect(m_run.get(), &SimulationRun::narration, this, &SimDriver::say);
    connect(m_run.get(), &SimulationRun::finished, this, &SimDriver::onCallsFinished);
    if (m_options.plan.mix)
        say(QStringLiteral("--mix with --seed %1").arg(m_run->seed()));
    m_run->start();
    return true;
}

void SimDriver::serveCallBacks()
{
    m_network = new QNetworkAccessManager(this);
    m_restCalls = new RestCalls(m_options.settings.accountSid, m_options.settings.authToken, this);
    m_media->serveCalls([this](const QString &account, const QHttpServerRequest &request) {
        return m_restCalls->handle(account, request);
    });
    say(QStringLiteral("REST Calls endpoint (the desktop's Twilio API base URL): %1")
            .arg(m_media->baseUrl().toString()));
    connect(m_restCalls, &RestCalls::refused, this, [this](int status, const QString &message) {
        say(QStringLiteral("[rest] refused a call: %1 %2").arg(status).arg(message));
    });
    connect(m_restCalls, &RestCalls::ordered, this, [this](const RestCalls::Order &order) {
        auto *call = new CallBackCall(m_options.settings, order, m_options.callBackStaff,
                                      m_options.callBackCaller, m_network, this);
        connect(call, &CallBackCall::narration, this,
                [this](const QString &line) { say(QStringLiteral("[call back] ") + line); });
        connect(call, &CallBackCall::finished, this, [this, call] { onCallBackFinished(call); });
        call->start();
    });
}

void SimDriver::onCallBackFinished(CallBackCall *call)
{
    say(call->summary());
    m_callBacksFailed = m_callBacksFailed || !call->ok();
    ++m_callBacksDone;
    call->deleteLater();
    if (m_callsDone && m_callBacksDone == m_options.callBacks)
        onCallsFinished();
}

void SimDriver::onCallsFinished()
{
    if (!m_callsDone) {
        m_callsDone = true;
        say(QStringLiteral("--- %1 call(s) done").arg(m_run->results().size()));
        for (const CallResult &result : m_run->results())
            say(result.summary());
    }
    if (m_callBacksDone < m_options.callBacks) {
        if (m_callBackTimer)
            return;
        say(QStringLiteral("waiting up to %1 s for %2 call back(s)")
                .arg(m_options.waitCallBacksSeconds)
                .arg(m_options.callBacks - m_callBacksDone));
        m_callBackTimer = new QTimer(this);
        m_callBackTimer->setSingleShot(true);
        connect(m_callBackTimer, &QTimer::timeout, this, [this] {
            say(QStringLiteral("time-out: %1 of %2 call back(s) came")
                    .arg(m_callBacksDone)
                    .arg(m_options.callBacks));
            m_finished = true;
            m_media->afterPendingWrites(5000, [this] { Q_EMIT done(CallBacksTimedOut); });
        });
        m_callBackTimer->start(m_options.waitCallBacksSeconds * 1000);
        return;
    }
    if (m_callBackTimer)
        m_callBackTimer->stop();

    if (!m_options.waitDownloads || m_media->allFetched()) {
        finish(false);
        return;
    }
    waitForDownloads();
}

void SimDriver::waitForDownloads()
{
    say(QStringLiteral("waiting up to %1 s for the service to download %2 recording(s)")
            .arg(m_options.waitDownloadsSeconds)
            .arg(m_media->unfetchedRecordings().size()));
    connect(m_media.get(), &MediaServer::everyRecordingFetched, this, [this] {
        say(QStringLiteral("every recording was downloaded"));
        finish(false);
    });
    m_downloadTimer = new QTimer(this);
    m_downloadTimer->setSingleShot(true);
    connect(m_downloadTimer, &QTimer::timeout, this, [this] {
        say(QStringLiteral("time-out: %1 recording(s) never downloaded: %2")
                .arg(m_media->unfetchedRecordings().size())
                .arg(m_media->unfetchedRecordings().join(QStringLiteral(", "))));
        finish(true);
    });
    m_downloadTimer->start(m_options.waitDownloadsSeconds * 1000);
}

void SimDriver::finish(bool downloadsTimedOut)
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_downloadTimer)
        m_downloadTimer->stop();

    if (m_options.json) {
        QJsonArray calls;
        for (const CallResult &result : m_run->results())
            calls.append(result.toJson());
        m_json << QJsonDocument(calls).toJson(QJsonDocument::Indented) << Qt::flush;
    }
    // A failed webhook is the more fundamental problem, so it wins over a download time-out.
    const int code = !m_run->allOk() || m_callBacksFailed ? WebhookFailed
                     : downloadsTimedOut                  ? DownloadsTimedOut
                                                          : Success;
    // The last download may still be on its way out when its GET is counted here.
    m_media->afterPendingWrites(5000, [this, code] { Q_EMIT done(code); });
}

} // namespace Switchboard
