#pragma once

#include "ChurnClient.h"
#include "ChurnLedger.h"

#include <functional>
#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrl>
#include <twilio/FormData.h>

class QEventLoop;
class QNetworkAccessManager;

namespace Switchboard {
class MediaServer;
class SimulatedCall;
} // namespace Switchboard

namespace Switchboard::Testing {

struct ChurnOptions
{
    int seconds = 30;
    // The service's limits, which the churn crosses.
    int maxConnections = 64;
    int requestTimeoutMs = 3000;
    int idleTimeoutMs = 5000;
    // Few threads, so that each one's guard holds many of a flood's connections.
    int httpThreads = 4;
    int callsInFlight = 8; // whole simulated calls at any moment
    int slowWave = 16;     // slow clients started together, so they time out in one sweep
    int floodPastCap = 32; // connections a flood opens beyond --max-connections
    int pipelineDepth = 4; // signed webhooks in one write
    quint32 seed = 0;      // 0 picks one
};

// Churn under load against a running service, all at once until the time is up: whole signed
// calls (the simulator's), slow clients (a header line a second), clients that vanish
// mid-body (FIN or RST), pipelined webhooks, oversized and malformed heads, and floods past
// the connection cap. Every client is driven by this thread's event loop. Afterwards each
// kind's answers are counted, and the ledger knows which webhooks were acknowledged.
class ChurnLoad final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChurnLoad)

public:
    ChurnLoad(const ChurnOptions &options, const QUrl &service, const QString &accountSid,
              const QByteArray &authToken, MediaServer *media, QObject *parent = nullptr);
    ~ChurnLoad() override;

    // Returns once the time is up and every client has finished (or given up).
    void run();
    // Stops everything at once: the service is gone.
    void abandon();

    const ChurnLedger &ledger() const { return m_ledger; }
    // Answers by kind of client, then HTTP status or, for none, the Silence (negated, less 1).
    const QMap<QString, QMap<int, int>> &answers() const { return m_answers; }
    int callsFinished() const { return m_callsFinished; }
    qint64 elapsedMs() const { return m_elapsedMs; }
    quint32 seed() const { return m_seed; }

private:
    using Done = std::function<void(const ChurnClient &)>;

    void startCall();
    void startSlowWave();
    void startFlood();
    void startVanishing();
    void startPipelined();
    void startMalformed();
    void launch(const QString &kind, const ChurnClient::Script &script, Done done = {});
    void tally(const QString &kind, const ChurnClient &client);
    QByteArray signedRequest(const QString &pathAndQuery, const FormData &params) const;
    bool timeIsUp() const; // or the churn was abandoned
    void finishIfDone();

    ChurnOptions m_options;
    QUrl m_service;
    QString m_accountSid;
    QByteArray m_authToken;
    MediaServer *m_media;
    quint32 m_seed;
    QRandomGenerator m_random;
    QNetworkAccessManager *m_network;
    QList<SimulatedCall *> m_calls;
    QList<ChurnClient *> m_clients;
    QList<QTimer *> m_schedules; // start clients while the time lasts
    QTimer m_timeUp;
    QTimer m_drained; // past this, what is still in flight is dropped
    ChurnLedger m_ledger;
    QMap<QString, QMap<int, int>> m_answers;
    bool m_abandoned = false;
    int m_callsFinished = 0;
    int m_vanished = 0;
    int m_malformed = 0;
    QElapsedTimer m_clock;
    qint64 m_elapsedMs = 0;
    QEventLoop *m_loop = nullptr;
};

} // namespace Switchboard::Testing
