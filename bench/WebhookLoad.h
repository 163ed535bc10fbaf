#pragma once

#include "twilio/FormData.h"

#include <functional>
#include <QElapsedTimer>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>
#include <vector>

namespace Switchboard {

class MediaServer;

// The webhooks Twilio sends for one call of a given branch, in order.
struct CallPlan
{
    enum class Branch
    {
        Answered,
        NoAnswerThenVoicemail,
        Voicemail,
        InvalidKeyThenVoicemail,
        HangUpInMenu,
    };
    struct Step
    {
        QString path; // with query
        FormData params;
    };

    Branch branch;
    QString callSid;
    QList<Step> steps;

    static QString branchName(Branch branch);
    static QString expectedOutcome(Branch branch);
    // A realistic mix: mostly answered calls and voicemails, some hang-ups in the menu.
    static Branch pick(int index);
    static CallPlan make(Branch branch, int index, const QString &accountSid, MediaServer &media);
};

// Sends signed webhooks for many calls through a pool of HTTP/1.1 keep-alive connections,
// either as fast as the service answers (rate 0) or at a fixed request rate, and records
// each request's latency, measured from when it was due so a slow answer is not hidden.
class WebhookLoad final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookLoad)

public:
    // Requests go to each of `services` in turn, signed for `publicUrl` (the address Twilio
    // would use in front of them all).
    WebhookLoad(const QList<QUrl> &services, const QUrl &publicUrl, const QByteArray &authToken,
                QList<CallPlan> calls, int connections, double requestsPerSecond);

    void run(); // returns when every call has been sent
    const std::vector<qint64> &latenciesNs() const { return m_latencies; }
    qint64 elapsedNs() const { return m_elapsedNs; }
    int requests() const { return int(m_latencies.size()); }
    int failures() const { return m_failures; }
    int calls() const { return int(m_calls.size()); }

private:
    struct Lane
    {
        QNetworkAccessManager *network = nullptr;
        int call = -1;
        int step = 0;
        qint64 nextDueNs = 0;
    };

    void next(Lane &lane);
    void send(Lane &lane);

    QList<QUrl> m_services;
    QUrl m_public;
    int m_sent = 0;
    QByteArray m_authToken;
    QList<CallPlan> m_calls;
    double m_rate;
    int m_nextCall = 0;
    int m_lanesRunning = 0;
    int m_failures = 0;
    std::vector<std::unique_ptr<QNetworkAccessManager>> m_networks;
    std::vector<Lane> m_lanes;
    std::vector<qint64> m_latencies;
    QElapsedTimer m_clock;
    qint64 m_elapsedNs = 0;
    std::function<void()> m_done;
};

} // namespace Switchboard
