// bench-feed: how the desktop feed copes with a big, busy call log.
//
//   bench-feed [--calls N] [--db PATH] [--rate CALLS_PER_S] [--seconds S]
//
// 1. Creates a SQLite log of N calls (default 1,000,000): the benches' one made-up log
//    (writeSyntheticCallLog), reused when it already has N calls.
// 2. Starts itself again as a fresh process (--probe, offscreen platform) that constructs the
//    real MainWindow in-process and measures: process start -> first rows painted in the
//    feed view; resident memory; then, while a writer thread records new calls through
//    CallWriter at RATE calls/s, the delay from each call's commit to its row in the model.
// --populate-only stops after step 1 (used to make demo logs for screenshots).

#include "backend/AppSettings.h"
#include "backend/CredentialStore.h"
#include "db/CallFeedQuery.h"
#include "db/CallReader.h"
#include "db/CallWriter.h"
#include "db/Database.h"
#include "db/SyntheticCallLog.h"
#include "gui/feed/CallFeedModel.h"
#include "gui/feed/FeedView.h"
#include "gui/MainWindow.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QMutex>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <thread>
#include <unistd.h>

using namespace Switchboard;

namespace {

using Clock = std::chrono::steady_clock;

double readStatusKb(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').value(0).toDouble();
    }
    return -1;
}

// Milliseconds since this process started, from the kernel's own start time.
double msSinceProcessStart()
{
    QFile stat(QStringLiteral("/proc/self/stat"));
    QFile uptime(QStringLiteral("/proc/uptime"));
    if (!stat.open(QIODevice::ReadOnly) || !uptime.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    const double startTicks = fields.value(19).toDouble(); // field 22 of the whole line
    const double up = uptime.readAll().split(' ').value(0).toDouble();
    return up * 1000.0 - startTicks * 1000.0 / double(sysconf(_SC_CLK_TCK));
}

bool populate(const QString &path, qint64 calls)
{
    {
        Database db(DatabaseUrl::sqlite(path), QStringLiteral("bench-populate"));
        QString error;
        if (QFile::exists(path) && db.openAndMigrate(&error) &&
            CallReader(db).callCount().value_or(-1) >= calls) {
            std::printf("reusing %s (%lld calls)\n", qPrintable(path), qlonglong(calls));
            return true;
        }
    }
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(path + suffix);
    QElapsedTimer timer;
    timer.start();
    Database db(DatabaseUrl::sqlite(path), QStringLiteral("bench-populate"));
    QString error;
    if (!db.openAndMigrate(&error)) {
        std::fprintf(stderr, "cannot create %s: %s\n", qPrintable(path), qPrintable(error));
        return false;
    }
    // Newest a few minutes ago, spread back over a year (or a day for small demo logs).
    const qint64 span = calls >= 10000 ? 365LL * 24 * 3600 * 1000 : 26LL * 3600 * 1000;
    if (!writeSyntheticCallLog(db, calls, span, &error)) {
        std::fprintf(stderr, "cannot fill %s: %s\n", qPrintable(path), qPrintable(error));
        return false;
    }
    std::printf("created %s with %lld calls in %.1f s\n", qPrintable(path), qlonglong(calls),
                timer.elapsed() / 1000.0);
    return true;
}

// Records calls through CallWriter, as the service does, at a steady rate.
class Writer final : public QThread
{
public:
    Writer(QString path, int rate, int seconds)
        : m_path(std::move(path))
        , m_rate(rate)
        , m_seconds(seconds)
    {}

    QMutex mutex;
    QHash<QString, Clock::time_point> committed;

protected:
    void run() override
    {
        Database db(DatabaseUrl::sqlite(m_path), QStringLiteral("bench-writer"));
        QString error;
        if (!db.openAndMigrate(&error))
            return;
        CallWriter writer(db);
        const int total = m_rate * m_seconds;
        const qint64 runId = QDateTime::currentMSecsSinceEpoch();
        const auto start = Clock::now();
        for (int i = 0; i < total; ++i) {
            std::this_thread::sleep_until(start +
                                          std::chrono::microseconds(1000000LL * i / m_rate));
            // Unique per run: a log reused from an earlier run already has earlier runs' calls.
            const QString sid =
                QStringLiteral("CAlive%1x%2").arg(runId).arg(i, 12, 10, QLatin1Char('0'));
            Webhook webhook;
            webhook.kind = WebhookKind::Voice;
            webhook.receivedAt = QDateTime::currentDateTimeUtc();
            webhook.url = QStringLiteral("https://bench.invalid/voice");
            webhook.params = FormData{{QStringLiteral("CallSid"), sid},
                                      {QStringLiteral("AccountSid"), QStringLiteral("ACbench")},
                                      {QStringLiteral("From"), QStringLiteral("+15035551234")},
                                      {QStringLiteral("To"), QStringLiteral("+15035550100")},
                                      {QStringLiteral("CallStatus"), QStringLiteral("ringing")}};
            if (writer.record(webhook) == CallWriter::Result::Recorded) {
                const auto now = Clock::now();
                QMutexLocker lock(&mutex);
                committed.insert(sid, now);
            }
        }
    }

private:
    QString m_path;
    int m_rate;
    int m_seconds;
};

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return -1;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size() - 1) + 0.5))];
}

int probe(const QString &path, int rate, int seconds)
{
    QTemporaryDir settingsDir;
    AppSettings settings(settingsDir.filePath(QStringLiteral("settings.ini")), nullptr);
    settings.setDatabaseUrlOverride(QStringLiteral("sqlite:") + path);
    CredentialStore credentials;
    MainWindow window(&settings, &credentials);

    // "Visible" = the feed view's viewport painted with rows in the model.
    bool painted = false;
    struct PaintWatch : QObject
    {
        const CallFeedModel *model;
        bool *painted;
        bool eventFilter(QObject *, QEvent *event) override
        {
            if (event->type() == QEvent::Paint && model->rowCount() > 0)
                *painted = true;
            return false;
        }
    } watch;
    watch.model = window.model();
    watch.painted = &painted;
    window.view()->viewport()->installEventFilter(&watch);
    window.show();
    window.openDatabase();
    QElapsedTimer wait;
    wait.start();
    while (!painted && wait.elapsed() < 20000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    const double startupMs = msSinceProcessStart();
    const double rssStartMb = readStatusKb("VmRSS:") / 1024.0;
    const int rowsShown = window.model()->rowCount();

    Writer writer(path, rate, seconds);
    QHash<QString, Clock::time_point> appeared;
    QObject::connect(window.model(), &QAbstractItemModel::rowsInserted, window.model(),
                     [&](const QModelIndex &, int first, int last) {
                         const auto now = Clock::now();
                         for (int row = first; row <= last; ++row)
                             appeared.insert(window.model()->callAt(row).callSid, now);
                     });
    writer.start();
    while (!writer.isFinished())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    QElapsedTimer grace;
    grace.start();
    while (grace.elapsed() < 1500)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);

    std::vector<double> latencies;
    int missing = 0;
    for (auto it = writer.committed.cbegin(); it != writer.committed.cend(); ++it) {
        const auto seen = appeared.constFind(it.key());
        if (seen == appeared.cend()) {
            ++missing;
            continue;
        }
        latencies.push_back(std::chrono::duration<double, std::milli>(*seen - it.value()).count());
    }
    const double rssEndMb = readStatusKb("VmRSS:") / 1024.0;
    const double hwmMb = readStatusKb("VmHWM:") / 1024.0;

    std::printf("\n%-46s %12s %10s\n", "measure", "value", "target");
    std::printf("%-46s %12.0f %10s\n", "process start -> first rows painted (ms)", startupMs,
                "<= 1000");
    std::printf("%-46s %12d %10s\n", "rows in the model at first paint", rowsShown, "");
    std::printf("%-46s %12.1f %10s\n", "resident memory after start (MB)", rssStartMb, "<= 200");
    std::printf("%-46s %12.1f %10s\n", "resident memory after live phase (MB)", rssEndMb, "<= 200");
    std::printf("%-46s %12.1f %10s\n", "peak resident memory (VmHWM, MB)", hwmMb, "");
    std::printf("%-46s %12d %10s\n", "calls written during live phase",
                int(writer.committed.size()), "");
    std::printf("%-46s %12d %10s\n", "  of which never appeared", missing, "0");
    std::printf("%-46s %12.1f %10s\n", "commit -> row in model, p50 (ms)",
                percentile(latencies, 0.5), "");
    std::printf("%-46s %12.1f %10s\n", "commit -> row in model, p99 (ms)",
                percentile(latencies, 0.99), "<= 500");
    std::printf("%-46s %12.1f %10s\n", "commit -> row in model, max (ms)",
                percentile(latencies, 1.0), "");
    std::fflush(stdout);
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    // Neither the generator nor the probe needs a display.
    bool isProbe = false;
    for (int i = 1; i < argc; ++i)
        isProbe = isProbe || qstrcmp(argv[i], "--probe") == 0;
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption calls(QStringLiteral("calls"), QStringLiteral("Calls in the log."),
                                   QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption db(QStringLiteral("db"), QStringLiteral("The SQLite file."),
                                QStringLiteral("PATH"),
                                QDir::tempPath() + QStringLiteral("/switchboard-bench/calls.db"));
    const QCommandLineOption rate(QStringLiteral("rate"), QStringLiteral("New calls per second."),
                                  QStringLiteral("N"), QStringLiteral("100"));
    const QCommandLineOption seconds(QStringLiteral("seconds"),
                                     QStringLiteral("Length of the live phase."),
                                     QStringLiteral("S"), QStringLiteral("10"));
    const QCommandLineOption probeOption(QStringLiteral("probe"),
                                         QStringLiteral("Internal: the measured process."));
    const QCommandLineOption populateOnly(QStringLiteral("populate-only"),
                                          QStringLiteral("Only create the log."));
    parser.addOptions({calls, db, rate, seconds, probeOption, populateOnly});
    parser.process(app);
    const QString path = QFileInfo(parser.value(db)).absoluteFilePath();

    if (parser.isSet(probeOption))
        return probe(path, parser.value(rate).toInt(), parser.value(seconds).toInt());

    QDir().mkpath(QFileInfo(path).absolutePath());
    if (!populate(path, parser.value(calls).toLongLong()))
        return 1;
    if (parser.isSet(populateOnly))
        return 0;
    // A fresh process, so that "start" means a real start, with a cold Qt and a cold log.
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--probe"), QStringLiteral("--db"), path, QStringLiteral("--rate"),
                 parser.value(rate), QStringLiteral("--seconds"), parser.value(seconds)});
    if (!child.waitForFinished(300000))
        return 1;
    return child.exitCode();
}
