#include "ChurnRun.h"

#include "db/Database.h"
#include "MediaServer.h"
#include "ProcessStatus.h"
#include "ServiceHarness.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSqlQuery>
#include <sys/resource.h>

namespace Switchboard::Testing {
namespace {

// How far above their starting point the service's figures may settle: room for what its
// threads keep once they have served (allocator arenas, the SQLite page cache), far below
// what a leak of the churn's thousands of connections would leave.
constexpr qint64 kRssSlackKiB = 48 * 1024;
constexpr int kFdSlack = 8;
constexpr int kSettleMs = 20000;

// Each client holds a descriptor; floods hold more than a default soft limit allows.
void raiseFileLimit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

void processEventsFor(int ms, const std::function<bool()> &done)
{
    const QDeadlineTimer deadline(ms);
    while (!done() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
}

int healthz(const ServiceHarness &harness)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(harness.serviceUrl() + QStringLiteral("/healthz")));
    request.setTransferTimeout(10000);
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

// Voicemails in the log that the service has yet to download (-1 when the log cannot say);
// `untried`: only those it has not attempted yet (none failed, none stored).
int pendingDownloads(const Database &log, bool untried = false)
{
    QSqlQuery query(log.connection());
    return query.exec(
               QStringLiteral("SELECT COUNT(*) FROM voicemails WHERE download_state = 'pending'") +
               (untried ? QStringLiteral(" AND download_attempts = 0") : QString())) &&
                   query.next()
               ? query.value(0).toInt()
               : -1;
}

QString howItEnded(const ServiceHarness &harness)
{
    const QProcess &service = *harness.service();
    const QString end = service.exitStatus() == QProcess::CrashExit
                            ? QStringLiteral("was killed by a signal (crashed)")
                            : QStringLiteral("exited with code %1").arg(service.exitCode());
    const QStringList output = harness.serviceOutput().trimmed().split(QLatin1Char('\n'));
    return QStringLiteral("the service %1; its last output: %2")
        .arg(end, output.mid(qMax(0, int(output.size()) - 5)).join(QStringLiteral(" | ")));
}

QString statusCounts(const QMap<int, int> &counts)
{
    static const QStringList silences{QStringLiteral("closed unanswered"),
                                      QStringLiteral("unanswered when it gave up"),
                                      QStringLiteral("left mid-body")};
    QStringList parts;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        parts.append(
            QStringLiteral("%1 x%2")
                .arg(it.key() > 0 ? QString::number(it.key()) : silences.value(-1 - it.key()))
                .arg(it.value()));
    return parts.join(QStringLiteral(", "));
}

} // namespace

ChurnReport ChurnRun::run(const ChurnOptions &options)
{
    raiseFileLimit();
    ChurnReport report;
    report.options = options;
    ServiceHarness harness;
    MediaServer media(ServiceHarness::accountSid, ServiceHarness::authToken.toUtf8());
    QString error;
    if (!media.listen(QHostAddress::LocalHost, harness.mediaPort(), &error) ||
        !harness.startService(
            {QStringLiteral("--max-connections"), QString::number(options.maxConnections),
             QStringLiteral("--request-timeout-ms"), QString::number(options.requestTimeoutMs),
             QStringLiteral("--idle-timeout-ms"), QString::number(options.idleTimeoutMs),
             QStringLiteral("--http-threads"), QString::number(options.httpThreads)})) {
        report.serviceGone = QStringLiteral("the service did not start: %1 %2")
                                 .arg(error, harness.serviceOutput().trimmed());
        return report;
    }
    const qint64 pid = harness.service()->processId();
    report.rssBeforeKiB = residentKiB(pid);
    report.fdsBefore = openDescriptors(pid);

    {
        ChurnLoad load(options, QUrl(harness.serviceUrl()), ServiceHarness::accountSid,
                       ServiceHarness::authToken.toUtf8(), &media);
        QObject::connect(harness.service(), &QProcess::finished, &load, &ChurnLoad::abandon);
        load.run();
        report.seed = load.seed();
        report.elapsedMs = load.elapsedMs();
        report.callsFinished = load.callsFinished();
        report.webhooksSent = load.ledger().sentCount();
        report.webhooksAcknowledged = load.ledger().acknowledgedCount();
        report.cutShort = load.ledger().cutShortCount();
        report.answers = load.answers();

        QString error;
        Database log(*DatabaseUrl::parse(harness.databaseUrl(), &error),
                     QStringLiteral("churn-check"));
        const bool logOpen = log.open(&error);
        if (logOpen && harness.service()->state() == QProcess::Running) {
            // The voicemails the calls left are downloaded behind them (not all of what the
            // media server holds: a recording whose webhook was refused is never fetched);
            // then the service's descriptors and memory settle once the last connections
            // have gone.
            QElapsedTimer settling;
            settling.start();
            // Every voicemail is attempted within seconds, its status callback lost or not
            // (one a cut connection or a cap kept from the service used to wait a minute).
            processEventsFor(kSettleMs, [&log] { return pendingDownloads(log, true) == 0; });
            report.downloadsMs = settling.restart();
            report.downloadsPending = pendingDownloads(log);
            report.downloadsUntried = pendingDownloads(log, true);
            processEventsFor(kSettleMs, [&report, pid] {
                return openDescriptors(pid) <= report.fdsBefore + kFdSlack;
            });
            report.descriptorsMs = settling.elapsed();
            processEventsFor(1000, [] { return false; });
            report.rssAfterKiB = residentKiB(pid);
            report.fdsAfter = openDescriptors(pid);
            report.healthz = healthz(harness);
        }
        if (logOpen)
            report.logProblems = load.ledger().check(log, &report.eventsLogged);
        else
            report.logProblems.append(QStringLiteral("opening the log: ") + error);
    }
    if (harness.service()->state() != QProcess::Running)
        report.serviceGone = howItEnded(harness);
    return report;
}

QStringList ChurnReport::figures() const
{
    QStringList lines;
    lines.append(QStringLiteral("churn: %1 s planned, %2 s with what was in flight; "
                                "--max-connections %3, --http-threads %4, request timeout %5 ms; "
                                "seed %6")
                     .arg(options.seconds)
                     .arg(double(elapsedMs) / 1000, 0, 'f', 1)
                     .arg(options.maxConnections)
                     .arg(options.httpThreads)
                     .arg(options.requestTimeoutMs)
                     .arg(seed));
    lines.append(QStringLiteral("webhooks: %1 sent whole, %2 acknowledged, %3 in the log; "
                                "%4 whole calls; %5 signed webhooks cut short, none may be logged")
                     .arg(webhooksSent)
                     .arg(webhooksAcknowledged)
                     .arg(eventsLogged)
                     .arg(callsFinished)
                     .arg(cutShort));
    for (auto it = answers.cbegin(); it != answers.cend(); ++it)
        lines.append(QStringLiteral("  %1: %2").arg(it.key(), statusCounts(it.value())));
    lines.append(QStringLiteral("settling: %1 ms until every voicemail was attempted (%2 left "
                                "pending, %3 of them never attempted), then %4 ms until the "
                                "descriptors were back down")
                     .arg(downloadsMs)
                     .arg(downloadsPending)
                     .arg(downloadsUntried)
                     .arg(descriptorsMs));
    lines.append(QStringLiteral("service: %1; VmRSS %2 KiB before, %3 KiB after; open fds %4 "
                                "before, %5 after")
                     .arg(serviceGone.isEmpty() ? QStringLiteral("alive, /healthz %1").arg(healthz)
                                                : serviceGone)
                     .arg(rssBeforeKiB)
                     .arg(rssAfterKiB)
                     .arg(fdsBefore)
                     .arg(fdsAfter));
    return lines;
}

QStringList ChurnReport::failures() const
{
    QStringList failures;
    if (!serviceGone.isEmpty())
        failures.append(serviceGone);
    else if (healthz != 200)
        failures.append(QStringLiteral("/healthz answered %1 after the churn").arg(healthz));
    for (const QString &problem : logProblems)
        failures.append(QStringLiteral("call log: ") + problem);
    if (downloadsUntried != 0 && serviceGone.isEmpty())
        failures.append(QStringLiteral("%1 voicemails never attempted %2 ms after the churn")
                            .arg(downloadsUntried)
                            .arg(downloadsMs));
    if (serviceGone.isEmpty()) {
        if (rssAfterKiB < 0 || rssAfterKiB > rssBeforeKiB + kRssSlackKiB)
            failures.append(QStringLiteral("resident memory %1 KiB after, %2 KiB before")
                                .arg(rssAfterKiB)
                                .arg(rssBeforeKiB));
        if (fdsAfter < 0 || fdsAfter > fdsBefore + kFdSlack)
            failures.append(QStringLiteral("%1 open descriptors after, %2 before")
                                .arg(fdsAfter)
                                .arg(fdsBefore));
    }
    // The churn did what it says: without these it proves nothing.
    const auto answered = [this](const QString &kindStart, int status) {
        for (auto it = answers.cbegin(); it != answers.cend(); ++it) {
            if (it.key().startsWith(kindStart) && it->value(status) > 0)
                return true;
        }
        return false;
    };
    if (webhooksAcknowledged == 0)
        failures.append(QStringLiteral("no webhook was acknowledged"));
    if (!answered(QStringLiteral("pipelined"), 200))
        failures.append(QStringLiteral("no pipelined webhook was acknowledged"));
    if (!answered(QStringLiteral("flood"), 503))
        failures.append(QStringLiteral("no flood went past the connection cap"));
    if (!answered(QStringLiteral("slow"), 408))
        failures.append(QStringLiteral("no slow client timed out"));
    // Only whole requests may be acknowledged; every other kind of client must be refused.
    for (auto it = answers.cbegin(); it != answers.cend(); ++it) {
        if (it.key().startsWith(QLatin1String("whole")) ||
            it.key().startsWith(QLatin1String("pipelined")))
            continue;
        for (auto status = it->cbegin(); status != it->cend(); ++status) {
            if (status.key() >= 200 && status.key() < 300)
                failures.append(QStringLiteral("%1: %2 x%3")
                                    .arg(it.key())
                                    .arg(status.key())
                                    .arg(status.value()));
        }
    }
    return failures;
}

} // namespace Switchboard::Testing
