// bench-stats: how long the Statistics view waits for a 30-day range of a big call log.
//
//   bench-stats [--calls N] [--span-days D] [--db PATH] [--postgres URL] [--runs R]
//
// 1. Fills a log of N calls (default 1,000,000) spread over the D days (default 365) before
//    now (writeSyntheticCallLog: the benches' one made-up log, straight into the tables): on
//    SQLite in PATH, and with --postgres in a database "switchboard_bench_stats" on that
//    server. A log that already holds N calls is reused (--fresh fills it again).
// 2. Computes the figures of the last 30 days (CallStatistics, America/New_York) R times on a
//    connection opened for the run ("cold": empty SQLite page cache, a new PostgreSQL backend;
//    the operating system's file cache is left alone) and R times again on one connection
//    ("warm"), and prints the median and the slowest of each against the 300 ms target, and
//    the CPU the warm runs took (this thread, plus the PostgreSQL backend serving it): what
//    the wall-clock times come to when other processes do not compete for the cores, and the
//    load average they were measured at.

#include "db/CallReader.h"
#include "db/CallStatistics.h"
#include "db/Database.h"
#include "db/SyntheticCallLog.h"

#include <algorithm>
#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <vector>

using namespace Switchboard;

namespace {

const QString kPostgresDatabase = QStringLiteral("switchboard_bench_stats");

// A log of `calls` calls at `url`, filled unless it holds them already.
bool prepare(const DatabaseUrl &url, qint64 calls, int spanDays, bool fresh)
{
    Database db(url, QStringLiteral("bench-stats-fill"));
    QString error;
    if (!db.openAndMigrate(&error)) {
        std::fprintf(stderr, "cannot open %s: %s\n", qPrintable(url.toDisplayString()),
                     qPrintable(error));
        return false;
    }
    if (!fresh && CallReader(db).callCount().value_or(-1) == calls) {
        std::printf("reusing %s (%lld calls)\n", qPrintable(url.toDisplayString()),
                    qlonglong(calls));
        return true;
    }
    QElapsedTimer timer;
    timer.start();
    if (!writeSyntheticCallLog(db, calls, spanDays * 24LL * 3600 * 1000, &error)) {
        std::fprintf(stderr, "cannot fill: %s\n", qPrintable(error));
        return false;
    }
    std::printf("filled %lld calls over %d days in %.1f s\n", qlonglong(calls), spanDays,
                timer.elapsed() / 1000.0);
    return true;
}

// Nanoseconds on a CPU so far (the scheduler's count): of a process, or of the calling thread.
qint64 cpuNs(const QString &schedstat)
{
    QFile file(schedstat);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    return file.readAll().split(' ').value(0).toLongLong();
}

// The PostgreSQL backend serving `db`, when the server runs on this machine; 0 otherwise.
qint64 backendPid(Database &db)
{
    const qint64 pid = db.serverProcess();
    return pid && QFile::exists(QStringLiteral("/proc/%1/schedstat").arg(pid)) ? pid : 0;
}

// The load average over the last minute: other processes competing for the cores make the
// wall-clock figures worse than the CPU ones.
QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    return QString::fromLatin1(file.readAll().split(' ').value(0));
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n == 0 ? -1 : (values[(n - 1) / 2] + values[n / 2]) / 2;
}

bool measure(const DatabaseUrl &url, const char *engine, int runs)
{
    const QTimeZone zone("America/New_York");
    const QDate today = QDateTime::currentDateTimeUtc().toTimeZone(zone).date();
    const StatisticsRange range = StatisticsRange::days(today.addDays(-29), today, zone);
    std::vector<double> cold, warm;
    CallFigures figures;
    for (int run = 0; run < runs; ++run) {
        Database db(url, QStringLiteral("bench-stats-cold-%1").arg(run));
        QString error;
        if (!db.open(&error)) {
            std::fprintf(stderr, "cannot open: %s\n", qPrintable(error));
            return false;
        }
        CallStatistics statistics(db);
        QElapsedTimer timer;
        timer.start();
        const auto computed = statistics.compute(range);
        cold.push_back(timer.nsecsElapsed() / 1e6);
        if (!computed) {
            std::fprintf(stderr, "statistics failed: %s\n", qPrintable(statistics.lastError()));
            return false;
        }
        figures = *computed;
    }
    Database db(url, QStringLiteral("bench-stats-warm"));
    QString error;
    if (!db.open(&error))
        return false;
    CallStatistics statistics(db);
    statistics.compute(range);
    const qint64 backend = backendPid(db);
    const QString ownStat = QStringLiteral("/proc/thread-self/schedstat");
    const QString backendStat = QStringLiteral("/proc/%1/schedstat").arg(backend);
    std::vector<double> cpu;
    for (int run = 0; run < runs; ++run) {
        const qint64 cpuBefore = cpuNs(ownStat) + (backend ? cpuNs(backendStat) : 0);
        QElapsedTimer timer;
        timer.start();
        if (!statistics.compute(range))
            return false;
        warm.push_back(timer.nsecsElapsed() / 1e6);
        cpu.push_back((cpuNs(ownStat) + (backend ? cpuNs(backendStat) : 0) - cpuBefore) / 1e6);
    }
    std::printf("%-10s %9lld %10.1f %9.1f %10.1f %9.1f %9.1f %7s %6s\n", engine,
                qlonglong(figures.total.total()), median(cold),
                *std::max_element(cold.begin(), cold.end()), median(warm),
                *std::max_element(warm.begin(), warm.end()), median(cpu), "<= 300",
                qPrintable(loadAverage()));
    std::printf("           answer rate %.1f%%, median answer %.1f s, average talk %.0f s,"
                " %lld voicemails (%lld heard, median %.0f min), %lld members\n",
                figures.answerRate.value_or(0) * 100, figures.medianSecondsToAnswer.value_or(-1),
                figures.averageTalkSeconds.value_or(-1), qlonglong(figures.voicemails),
                qlonglong(figures.voicemailsHeard), figures.medianSecondsToHeard.value_or(-60) / 60,
                qlonglong(figures.members.size()));
    std::fflush(stdout);
    return true;
}

bool createPostgresDatabase(const DatabaseUrl &server)
{
    Database admin(server, QStringLiteral("bench-stats-admin"));
    QString error;
    if (!admin.open(&error)) {
        std::fprintf(stderr, "cannot reach %s: %s\n", qPrintable(server.toDisplayString()),
                     qPrintable(error));
        return false;
    }
    if (admin.createDatabaseIfMissing(kPostgresDatabase, &error))
        return true;
    std::fprintf(stderr, "cannot create %s: %s\n", qPrintable(kPostgresDatabase),
                 qPrintable(error));
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("The Statistics view's figures for 30 days of a big call log."));
    parser.addHelpOption();
    const QCommandLineOption calls(QStringLiteral("calls"), QStringLiteral("Calls in the log."),
                                   QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption span(QStringLiteral("span-days"),
                                  QStringLiteral("Days the calls are spread over, up to now."),
                                  QStringLiteral("D"), QStringLiteral("365"));
    const QCommandLineOption db(QStringLiteral("db"), QStringLiteral("The SQLite file."),
                                QStringLiteral("PATH"),
                                QDir::tempPath() + QStringLiteral("/switchboard-bench/stats.db"));
    const QCommandLineOption postgres(
        QStringLiteral("postgres"),
        QStringLiteral("Also on this PostgreSQL server, in a database of its own."),
        QStringLiteral("URL"));
    const QCommandLineOption runs(QStringLiteral("runs"),
                                  QStringLiteral("Runs of each kind (cold, warm)."),
                                  QStringLiteral("R"), QStringLiteral("7"));
    const QCommandLineOption fresh(QStringLiteral("fresh"),
                                   QStringLiteral("Fill the logs again even if they are full."));
    parser.addOptions({calls, span, db, postgres, runs, fresh});
    parser.process(app);
    const qint64 callCount = parser.value(calls).toLongLong();
    const int spanDays = parser.value(span).toInt();
    const int runCount = std::max(1, parser.value(runs).toInt());
    if (callCount < 1 || spanDays < 30) {
        std::fprintf(stderr, "--calls must be positive and --span-days at least 30\n");
        return 2;
    }

    struct Target
    {
        const char *engine;
        DatabaseUrl url;
    };
    std::vector<Target> targets;
    const QString path = QFileInfo(parser.value(db)).absoluteFilePath();
    QDir().mkpath(QFileInfo(path).absolutePath());
    targets.push_back({"SQLite", DatabaseUrl::sqlite(path)});
    if (parser.isSet(postgres)) {
        QString error;
        const auto server = DatabaseUrl::parse(parser.value(postgres), &error);
        if (!server || server->engine != DatabaseUrl::Engine::Postgres) {
            std::fprintf(stderr, "--postgres: %s\n", qPrintable(error));
            return 2;
        }
        if (!createPostgresDatabase(*server))
            return 1;
        DatabaseUrl url = *server;
        url.databaseName = kPostgresDatabase;
        targets.push_back({"PostgreSQL", url});
    }
    for (const Target &target : targets) {
        if (!prepare(target.url, callCount, spanDays, parser.isSet(fresh)))
            return 1;
    }
    std::printf("\nthe last 30 days (America/New_York) of %lld calls over %d days, %d runs each\n",
                qlonglong(callCount), spanDays, runCount);
    std::printf("%-10s %9s %10s %9s %10s %9s %9s %7s %6s\n", "engine", "in range", "cold p50",
                "cold max", "warm p50", "warm max", "CPU p50", "target", "load");
    std::printf("(milliseconds; CPU: of a warm run, this thread and the PostgreSQL backend; "
                "load: the 1-minute load average after the runs)\n");
    for (const Target &target : targets) {
        if (!measure(target.url, target.engine, runCount))
            return 1;
    }
    return 0;
}
