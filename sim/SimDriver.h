#pragma once

#include "SimOptions.h"

#include <memory>
#include <QObject>
#include <QTextStream>

class QNetworkAccessManager;
class QTimer;

namespace Switchboard {

class CallBackCall;
class MediaServer;
class RestCalls;
class SimulationRun;

// The whole switchboard-sim run: media endpoint up, calls placed, then wait until the service
// has downloaded every recording, print the summary and decide the exit code.
class SimDriver final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimDriver)

public:
    enum ExitCode
    {
        Success = 0,
        WebhookFailed = 1,
        BadUsage = 2,
        DownloadsTimedOut = 3,
        CallBacksTimedOut = 4,
    };

    explicit SimDriver(const SimOptions &options, QObject *parent = nullptr);
    ~SimDriver() override;

    // False (with the reason printed) if the media endpoint cannot listen.
    bool start();

Q_SIGNALS:
    void done(int exitCode);

private:
    void onCallsFinished();
    void serveCallBacks();
    void onCallBackFinished(CallBackCall *call);
    void waitForDownloads();
    void finish(bool downloadsTimedOut);
    void say(const QString &line);

    SimOptions m_options;
    QTextStream m_out;  // narration: stdout, or stderr with --json
    QTextStream m_json; // stdout
    std::unique_ptr<MediaServer> m_media;
    std::unique_ptr<SimulationRun> m_run;
    QTimer *m_downloadTimer = nullptr;
    bool m_finished = false;
    RestCalls *m_restCalls = nullptr;
    QNetworkAccessManager *m_network = nullptr;
    int m_callBacksDone = 0;
    bool m_callBacksFailed = false;
    bool m_callsDone = false;
    QTimer *m_callBackTimer = nullptr;
};

} // namespace Switchboard
