#pragma once

#include <array>
#include <map>
#include <QByteArray>
#include <QHttpServerResponse>
#include <QMutex>
#include <QString>
#include <utility>

class QHttpServerRequest;

namespace Switchboard {

class Database;
class StatusReader;

// GET /metrics in Prometheus' text format: requests by route and status code, their latency,
// calls by outcome and voicemail downloads by state (read from the call log at each scrape, so
// they are right after a restart and across instances), and database errors.
// Behind a bearer token: the counts tell outsiders how busy the company's phone is.
// Shared by the HTTP threads.
class Metrics final
{
    Q_DISABLE_COPY_MOVE(Metrics)

public:
    explicit Metrics(const QByteArray &token);

    // One answered webhook. A 500 from a webhook means the call log write failed.
    void record(const QString &route, int statusCode, qint64 elapsedNs);

    // 404 when no token is configured (metrics off), 401 without the right token. The call log
    // figures are read by `status`.
    QHttpServerResponse respond(const QHttpServerRequest &request, StatusReader &status);

    // The exposition, the call log read through `callLog`, a connection of the calling thread.
    QByteArray exposition(Database &callLog);

private:
    static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                        0.5,   1,    2.5,   5,    10};
    struct Histogram
    {
        std::array<quint64, kBuckets.size()> counts{}; // per bucket; cumulated when written
        quint64 count = 0;
        double sumSeconds = 0;
    };

    static int writeCallLog(QByteArray &out, Database &callLog);

    QByteArray m_token;
    QMutex m_mutex; // guards the counters below
    std::map<std::pair<QString, int>, quint64> m_requests;
    std::map<QString, Histogram> m_latency;
    quint64 m_databaseErrors = 0;
};

} // namespace Switchboard
