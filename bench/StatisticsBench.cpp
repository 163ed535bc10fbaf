// bench-stats: how long the Statistics view waits for a 30-day range of a big call log.
//
//   bench-stats [--calls N] [--span-days D] [--db PATH] [--postgres URL] [--runs R]
//
// 1. Fills a log of N calls (default 1,000,000) spread over the D days (default 365) before
//    now, straight into the tables (CallLogFill, one transaction): on SQLite in PATH, and with
//    --postgres in a database "switchboard_bench_stats" on that server. A log that already
//    holds N calls is reused (--fresh fills it again).
// 2. Computes the figures of the last 30 days (CallStatistics, America/New_York) R times on a
//    connection opened for the run ("cold": empty SQLite page cache, a new PostgreSQL backend;
//    the operating system's file cache is left alone) and R times again on one connection
//    ("warm"), and prints the median and the slowest of each against the 300 ms target, and
//    the CPU the warm runs took (this thread, plus the PostgreSQL backend serving it): what
//    the wall-clock times come to when other processes do not compete for the cores, and the
//    load average they were measured at.

#include "db/CallLogFill.h"
#include "db/CallReader.h"
#include "db/CallStatistics.h"
#include "db/Database.h"

#include <algorithm>
#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <vector>

using namespace Switchboard;

namespace {

const QString kPostgresDatabase = QStringLiteral("switchboard_bench_stats");
const char *const kMembers[][2] = {
    {"Ada Lovelace", "+15035550101"},      {"Grace Hopper", "+15035550102"},
    {"Alan Turing", "+15035550103"},       {"Katherine Johnson", "+15035550104"},
    {"Margaret Hamilton", "+15035550105"}, {"Hedy Lamarr", "+15035550106"},
    {"Barbara Liskov", "+15035550107"},    {"Radia Perlman", "+15035550108"}};

bool fill(Database &db, qint64 calls, int spanDays)
{
    QElapsedTimer timer;
    timer.start();
    CallLogFill fill(db);
    if (!fill.begin()) {
        std::fprintf(stderr, "cannot fill: %s\n", qPrintable(fill.lastError()));
        return false;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 span = qint64(spanDays) * 24 * 3600 * 1000;
    const QVariant nullInt(QMetaType::fromType<int>());
    const QVariant nullTime(QMetaType::fromType<qint64>());
    const QVariant nullText(QMetaType::fromType<QString>());
    for (qint64 i = 0; i < calls; ++i) {
        const quint64 hash = quint64(i) * 2654435761ULL;
        const qint64 started = now - span + i * (span / calls) + qint64(hash % 60000);
        const QString sid = QStringLiteral("CA%1").arg(i, 32, 16, QLatin1Char('0'));
        const int kind = int((hash >> 7) % 100);
        const int durationS = 20 + int(hash % 600);
        QString outcome = QStringLiteral("abandoned"), menu, dialStatus, name, number;
        QVariant answered = nullTime, talk = nullInt;
        if (kind < 55) {
            outcome = QStringLiteral("answered");
            menu = QStringLiteral("forward");
            dialStatus = QStringLiteral("completed");
            const auto &member = kMembers[(hash >> 11) % 8];
            name = QString::fromLatin1(member[0]);
            number = QString::fromLatin1(member[1]);
            answered = started + 3000 + qint64((hash >> 3) % 37000);
            talk = durationS - 10;
        } else if (kind < 75) {
            outcome = QStringLiteral("voicemail");
            menu = QStringLiteral("voicemail");
        } else if (kind < 90) {
            outcome = QStringLiteral("missed");
            menu = QStringLiteral("forward");
            dialStatus = QStringLiteral("no-answer");
        } else if (kind < 92) {
            outcome = QStringLiteral("blocked");
        }
        const QVariantList columns{
            sid,
            QStringLiteral("ACbench"),
            QStringLiteral("+1%1555%2").arg(200 + i % 700).arg(i % 10000, 4, 10, QLatin1Char('0')),
            QStringLiteral("+15035550100"),
            QStringLiteral(""),
            QStringLiteral("Portland"),
            QStringLiteral("OR"),
            QStringLiteral("US"),
            started,
            answered,
            started + durationS * 1000LL,
            QStringLiteral("completed"),
            durationS,
            menu.isEmpty() ? nullText : QVariant(menu),
            QStringLiteral(""),
            dialStatus.isEmpty() ? QStringLiteral("") : dialStatus,
            talk,
            outcome,
            i + 1,
            name.isEmpty() ? QStringLiteral("") : name,
            number.isEmpty() ? QStringLiteral("") : number,
            QStringLiteral("inbound")};
        if (!fill.insertAnsweredCall(columns)) {
            std::fprintf(stderr, "insert failed: %s\n", qPrintable(fill.lastError()));
            return false;
        }
        if (outcome == QLatin1String("voicemail")) {
            const qint64 stored = started + durationS * 1000LL;
            // Seven in ten heard, from a minute to two days after.
            const QVariant heard = (hash >> 13) % 10 < 7
                                       ? QVariant(stored + 60000 + qint64((hash >> 5) % 172800000))
                                       : nullTime;
            if (!fill.insertVoicemail(
                    {sid, QStringLiteral("RE%1").arg(i, 32, 16, QLatin1Char('0')),
                     QStringLiteral("https://api.twilio.com/recordings/RE%1").arg(i),
                     5 + int(i % 55), stored, QStringLiteral("downloaded"), heard})) {
                std::fprintf(stderr, "insert failed: %s\n", qPrintable(fill.lastError()));
                return false;
            }
        }
    }
    if (!fill.commit()) {
        std::fprintf(stderr, "commit failed: %s\n", qPrintable(fill.lastError()));
        return false;
    }
    std::printf("filled %lld calls over %d days in %.1f s\n", qlonglong(calls), spanDays,
                timer.elapsed() / 1000.0);
    return true;
}

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
    const qint64 existing = CallReader(db).callCount().value_or(-1);
    if (!fresh && existing == calls) {
        std::printf("reusing %s (%lld calls)\n", qPrintable(url.toDisplayString()),
                    qlonglong(calls));
        return true;
    }
    if (existing != 0) {
        QSqlQuery clear(db.connection());
        for (const char *sql :
             {"DELETE FROM voicemails", "DELETE FROM call_events", "DELETE FROM calls"}) {
            if (!clear.exec(QString::fromLatin1(sql))) {
                std::fprintf(stderr, "%s: %s\n", sql, qPrintable(clear.lastError().text()));
                return false;
            }
        }
    }
    if (!fill(db, calls, spanDays))
        return false;
    // What autovacuum does on a server that has been running: statistics for the planner, and
    // the visibility map that lets an index-only scan skip the table.
    if (!db.dialect().isSqlite()) {
        QSqlQuery vacuum(db.connection());
        if (!vacuum.exec(QStringLiteral("VACUUM ANALYZE"))) {
            std::fprintf(stderr, "VACUUM ANALYZE: %s\n", qPrintable(vacuum.lastError().text()));
            return false;
        }
    }
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
    if (db.dialect().isSqlite())
        return 0;
    QSqlQuery query(db.connection());
    if (!query.exec(QStringLiteral("SELECT pg_backend_pid()")) || !query.next())
        return 0;
    const qint64 pid = query.value(0).toLongLong();
    return QFile::exists(QStringLiteral("/proc/%1/schedstat").arg(pid)) ? pid : 0;
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
    QSqlQuery query(admin.connection());
    query.prepare(QStringLiteral("SELECT 1 FROM pg_database WHERE datname = ?"));
    query.addBindValue(kPostgresDatabase);
    if (query.exec() && query.next())
        return true;
    if (query.exec(QStringLiteral("CREATE DATABASE ") + kPostgresDatabase))
        return true;
    std::fprintf(stderr, "CREATE DATABASE: %s\n", qPrintable(query.lastError().text()));
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
