#include "Metrics.h"

#include "db/CallReader.h"
#include "db/Database.h"
#include "StatusReader.h"

#include <QCryptographicHash>
#include <QHttpServerRequest>

namespace Switchboard {
namespace {

QHttpServerResponse text(const char *body, QHttpServerResponse::StatusCode status)
{
    return QHttpServerResponse(QByteArrayLiteral("text/plain; charset=utf-8"),
                               QByteArray(body) + '\n', status);
}

// Label values come from the database too: escape what the format reserves.
QByteArray label(const QString &value)
{
    QByteArray escaped = value.toUtf8();
    escaped.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return '"' + escaped + '"';
}

void header(QByteArray &out, const char *name, const char *type, const char *help)
{
    out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
}

// Compares digests so that the time taken says nothing about how much of the token matched.
bool sameToken(const QByteArray &given, const QByteArray &expected)
{
    const QByteArray a = QCryptographicHash::hash(given, QCryptographicHash::Sha256);
    const QByteArray b = QCryptographicHash::hash(expected, QCryptographicHash::Sha256);
    char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= char(a[i] ^ b[i]);
    return difference == 0;
}

} // namespace

Metrics::Metrics(const QByteArray &token)
    : m_token(token)
{}

void Metrics::record(const QString &route, int statusCode, qint64 elapsedNs)
{
    const QMutexLocker lock(&m_mutex);
    ++m_requests[{route, statusCode}];
    if (statusCode == 500)
        ++m_databaseErrors;
    const double seconds = double(elapsedNs) / 1e9;
    Histogram &histogram = m_latency[route];
    for (size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) {
            ++histogram.counts[i];
            break;
        }
    }
    ++histogram.count;
    histogram.sumSeconds += seconds;
}

QHttpServerResponse Metrics::respond(const QHttpServerRequest &request, StatusReader &status)
{
    if (m_token.isEmpty())
        return text("not found", QHttpServerResponse::StatusCode::NotFound);
    const QByteArray authorization = request.value("Authorization");
    if (!authorization.startsWith("Bearer ") ||
        !sameToken(authorization.mid(7).trimmed(), m_token)) {
        QHttpServerResponse denied =
            text("missing or wrong bearer token", QHttpServerResponse::StatusCode::Unauthorized);
        denied.setHeader("WWW-Authenticate", "Bearer realm=\"switchboard-metrics\"");
        return denied;
    }
    return QHttpServerResponse(QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"),
                               status.metrics(*this));
}

QByteArray Metrics::exposition(Database &callLog)
{
    // Read before taking the lock: counting a large log must not hold up webhooks' record().
    QByteArray callLogFigures;
    const int failedQueries = writeCallLog(callLogFigures, callLog);
    const QMutexLocker lock(&m_mutex);
    m_databaseErrors += quint64(failedQueries);
    QByteArray out;
    header(out, "switchboard_http_requests_total", "counter",
           "Twilio webhook requests answered, by route and HTTP status code.");
    for (const auto &[key, count] : m_requests) {
        out += "switchboard_http_requests_total{route=" + label(key.first) + ",code=\"" +
               QByteArray::number(key.second) + "\"} " + QByteArray::number(count) + '\n';
    }

    header(out, "switchboard_http_request_duration_seconds", "histogram",
           "Time to answer a Twilio webhook (Twilio gives up after about 15 s).");
    for (const auto &[route, histogram] : m_latency) {
        const QByteArray name = "switchboard_http_request_duration_seconds";
        const QByteArray routeLabel = "route=" + label(route);
        quint64 cumulative = 0;
        for (size_t i = 0; i < kBuckets.size(); ++i) {
            cumulative += histogram.counts[i];
            out += name + "_bucket{" + routeLabel + ",le=\"" + QByteArray::number(kBuckets[i]) +
                   "\"} " + QByteArray::number(cumulative) + '\n';
        }
        out += name + "_bucket{" + routeLabel + ",le=\"+Inf\"} " +
               QByteArray::number(histogram.count) + '\n';
        out += name + "_sum{" + routeLabel + "} " +
               QByteArray::number(histogram.sumSeconds, 'g', 9) + '\n';
        out += name + "_count{" + routeLabel + "} " + QByteArray::number(histogram.count) + '\n';
    }

    out += callLogFigures;

    header(out, "switchboard_database_errors_total", "counter",
           "Call log writes that failed (the webhook answered 500) and failed metrics queries.");
    out += "switchboard_database_errors_total " + QByteArray::number(m_databaseErrors) + '\n';
    return out;
}

// Returns the number of queries that failed.
int Metrics::writeCallLog(QByteArray &out, Database &callLog)
{
    int failed = 0;
    CallReader reader(callLog);
    header(out, "switchboard_calls", "gauge", "Calls in the call log, by outcome.");
    if (const auto outcomes = reader.callsByOutcome()) {
        for (const auto &[outcome, count] : *outcomes)
            out += "switchboard_calls{outcome=" + label(outcome) + "} " +
                   QByteArray::number(count) + '\n';
    } else {
        ++failed;
    }

    // pending and failed are always written, so that an alert on them sees 0 rather than nothing.
    std::map<QString, qint64> downloads{{QStringLiteral("pending"), 0},
                                        {QStringLiteral("failed"), 0}};
    if (const auto states = reader.voicemailsByDownloadState()) {
        for (const auto &[state, count] : *states)
            downloads[state] = count;
    } else {
        ++failed;
    }
    header(out, "switchboard_voicemail_downloads", "gauge",
           "Voicemail recordings by download state (pending: not yet in the call log).");
    for (const auto &[state, count] : downloads) {
        out += "switchboard_voicemail_downloads{state=" + label(state) + "} " +
               QByteArray::number(count) + '\n';
    }
    return failed;
}

} // namespace Switchboard
