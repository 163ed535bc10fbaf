// bench-service: whole simulated calls against the real service binary, on SQLite or on
// PostgreSQL with one or more instances.
// Prints calls/s, webhook requests/s, p50/p99 latency, the service's CPU per webhook,
// and checks afterwards that every call is fully logged.

#include "CallMix.h"
#include "CpuCap.h"
#include "db/CallReader.h"
#include "db/Database.h"
#include "db/FlowStore.h"
#include "MediaServer.h"
#include "ServiceHarness.h"
#include "twilio/CallFlow.h"
#include "WebhookLoad.h"

#include <algorithm>
#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <unistd.h>

using namespace Switchboard;
using Switchboard::Bench::CpuCap;
using Switchboard::Testing::ServiceHarness;

namespace {

struct Figures
{
    QString name;
    int calls = 0;
    int requests = 0;
    double seconds = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    double cpuUsPerRequest = 0;
    double clientCpuUsPerRequest = 0;
    double serverCpuUsPerRequest = -1; // PostgreSQL's backends, when the server is local
    int failures = 0;
    // Webhooks/s over each kSustainedWindowNs of the run (sliding by a second): whether the
    // rate held. Empty when the run was shorter than two windows.
    std::vector<double> windowRates;
    double downloadsBehindS = 0; // from the last webhook's answer to no download pending
    QString verification;
};

constexpr qint64 kSustainedWindowNs = 5'000'000'000;

// User plus system CPU time of a process, in microseconds.
qint64 cpuMicroseconds(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = stat.readAll().split(')').last().trimmed().split(' ');
    const long ticks = sysconf(_SC_CLK_TCK);
    return (fields.value(11).toLongLong() + fields.value(12).toLongLong()) * 1000000 / ticks;
}

// The PostgreSQL backends serving the database, when the server runs on this machine.
QList<qint64> serverBackends(const QString &databaseUrl)
{
    QList<qint64> pids;
    QString error;
    const auto url = DatabaseUrl::parse(databaseUrl, &error);
    if (!url || url->engine != DatabaseUrl::Engine::Postgres)
        return pids;
    Database db(*url, QStringLiteral("bench-backends"));
    if (!db.open(&error))
        return pids;
    for (const qint64 pid : db.otherServerProcesses()) {
        if (QFile::exists(QStringLiteral("/proc/%1/stat").arg(pid)))
            pids.append(pid);
    }
    return pids;
}

qint64 cpuMicroseconds(const QList<qint64> &pids)
{
    qint64 total = 0;
    for (const qint64 pid : pids)
        total += cpuMicroseconds(pid);
    return total;
}

std::vector<double> windowRates(const std::vector<qint64> &answeredAtNs, qint64 elapsedNs)
{
    std::vector<double> rates;
    if (elapsedNs < 2 * kSustainedWindowNs)
        return rates;
    constexpr qint64 kStepNs = 1'000'000'000;
    auto begin = answeredAtNs.begin();
    auto end = answeredAtNs.begin();
    for (qint64 start = 0; start + kSustainedWindowNs <= elapsedNs; start += kStepNs) {
        begin = std::lower_bound(begin, answeredAtNs.end(), start);
        end = std::lower_bound(end, answeredAtNs.end(), start + kSustainedWindowNs);
        rates.push_back(double(end - begin) * 1e9 / double(kSustainedWindowNs));
    }
    return rates;
}

double percentileMs(std::vector<qint64> values, double fraction)
{
    if (values.empty())
        return 0;
    const auto k = std::size_t(fraction * double(values.size() - 1));
    std::nth_element(values.begin(), values.begin() + k, values.end());
    return double(values[k]) / 1e6;
}

// Every call present once, finished, with the outcome its branch must have, answered by the
// member who accepted and with the transcription Twilio sent; every webhook in the
// timeline; every voicemail downloaded.
QString verify(const QString &databaseUrl, const QList<CallPlan> &plans, int requests)
{
    QString error;
    Database db(*DatabaseUrl::parse(databaseUrl, &error), QStringLiteral("bench-verify"));
    if (!db.open(&error))
        return error;
    CallReader reader(db);
    int wrong = 0, voicemailsPending = 0;
    for (const CallPlan &plan : plans) {
        const auto call = reader.call(plan.callSid);
        const std::optional<AnsweredBy> answeredBy = call ? call->answeredBy() : std::nullopt;
        if (!call || call->status != CallStatus::Completed ||
            call->outcome() != callMixOutcome(plan.branch) ||
            (answeredBy ? answeredBy->name : QString()) != plan.answeredBy ||
            call->transcription.status != plan.transcriptionStatus)
            ++wrong;
        else if (call->voicemail && call->voicemail->downloadState != DownloadState::Downloaded)
            ++voicemailsPending;
    }
    const int logged = int(reader.eventCount().value_or(-1));
    if (wrong == 0 && voicemailsPending == 0 && logged == requests)
        return QStringLiteral("all %1 calls and %2 webhooks logged, voicemails stored")
            .arg(plans.size())
            .arg(logged);
    return QStringLiteral("PROBLEM: %1 calls wrong or missing, %2 voicemails not stored, %3 of %4 "
                          "webhooks logged")
        .arg(wrong)
        .arg(voicemailsPending)
        .arg(logged)
        .arg(requests);
}

// Instances behind one load balancer share the public URL Twilio signs.
const QUrl kPublicUrl(QStringLiteral("https://switchboard.bench.example"));

struct Setup
{
    int connections = 24;
    int instances = 1;
    double instanceCpus = 0; // a cgroup's CPU limit for each instance; 0: none
    int members = 0;         // the team (CallPlan::teamFlow); 0: today's one staff phone
    std::shared_ptr<const FlowDefinition> team;
    QString serviceBinary; // empty: the one built with this bench
    QStringList skeletons; // bench-skeleton's modes run beside the service: blocking, async
    QString skeletonWindowUs = QStringLiteral("200"); // its group commit's wait for more
};

// The team's flow, stored as `flow set` stores it, before the first instance starts.
bool storeFlow(const QString &databaseUrl, const FlowDefinition &flow, QString *error)
{
    Database db(*DatabaseUrl::parse(databaseUrl, error), QStringLiteral("bench-flow"));
    return db.openAndMigrate(error) &&
           FlowStore(db).save(flow, QStringLiteral("bench-service"), error) > 0;
}

// `calls` calls, or as many as it takes for `webhooks` webhooks.
QList<CallPlan> plan(int calls, int webhooks, const Setup &setup, MediaServer &media)
{
    QList<CallPlan> plans;
    const CallFlow flow(CallPlan::serviceSettings(), setup.team);
    for (int i = 0, planned = 0; i < calls || planned < webhooks; ++i) {
        plans.append(CallPlan::make(CallPlan::pick(i, setup.members), i, ServiceHarness::accountSid,
                                    media, flow));
        planned += int(plans.last().steps.size());
    }
    return plans;
}

Figures runPhase(const QString &name, int calls, int webhooks, double rate, const Setup &setup)
{
    Figures figures;
    figures.name = name;
    const int instances = setup.instances;
    std::vector<std::unique_ptr<CpuCap>> caps; // removed after the harness stopped the services
    ServiceHarness harness;
    if (!setup.serviceBinary.isEmpty())
        harness.setServiceBinary(setup.serviceBinary);
    MediaServer media(ServiceHarness::accountSid, ServiceHarness::authToken.toUtf8());
    QString error;
    const QStringList shared{QStringLiteral("--public-url"), kPublicUrl.toString()};
    if (!media.listen(QHostAddress::LocalHost, harness.mediaPort(), &error) ||
        (setup.team && !storeFlow(harness.databaseUrl(), *setup.team, &error)) ||
        !harness.startService(shared)) {
        figures.verification =
            QStringLiteral("could not start: ") + error + harness.serviceOutput();
        return figures;
    }
    QList<QUrl> services{QUrl(harness.serviceUrl())};
    while (services.size() < instances)
        services.append(QUrl(harness.startAnotherService(shared)));
    if (setup.instanceCpus > 0) {
        for (const qint64 pid : harness.servicePids()) {
            caps.push_back(CpuCap::create(QStringLiteral("switchboard-bench-%1").arg(pid),
                                          setup.instanceCpus, &error));
            if (!caps.back() || !caps.back()->add(pid, &error)) {
                figures.verification = QStringLiteral("--instance-cpu: ") + error;
                return figures;
            }
        }
    }

    const QList<CallPlan> plans = plan(calls, webhooks, setup, media);

    const qint64 pid = harness.service()->processId(); // the first instance's CPU
    const QList<qint64> backends = serverBackends(harness.databaseUrl());
    const qint64 serverBefore = cpuMicroseconds(backends);
    const qint64 cpuBefore = cpuMicroseconds(pid);
    const qint64 clientBefore = cpuMicroseconds(QCoreApplication::applicationPid());
    WebhookLoad load(services, kPublicUrl, ServiceHarness::authToken.toUtf8(), plans,
                     setup.connections, rate);
    load.run();
    const qint64 cpuAfter = cpuMicroseconds(pid);
    const qint64 clientAfter = cpuMicroseconds(QCoreApplication::applicationPid());
    const qint64 serverAfter = cpuMicroseconds(backends);

    // Downloads run behind the webhooks; give them time to finish before checking.
    QElapsedTimer catchingUp;
    catchingUp.start();
    const QDeadlineTimer deadline(60000);
    while (!media.allFetched() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    harness.waitForDownloads(60000); // fetched is not yet stored
    figures.downloadsBehindS = double(catchingUp.elapsed()) / 1000;

    figures.calls = load.calls();
    figures.requests = load.requests();
    figures.seconds = double(load.elapsedNs()) / 1e9;
    figures.p50Ms = percentileMs(load.latenciesNs(), 0.50);
    figures.p99Ms = percentileMs(load.latenciesNs(), 0.99);
    figures.cpuUsPerRequest =
        double(cpuAfter - cpuBefore) / std::max(1, figures.requests / instances);
    // The load generator and the recordings it serves share the machine with the service.
    figures.clientCpuUsPerRequest =
        double(clientAfter - clientBefore) / std::max(1, figures.requests);
    if (!backends.isEmpty())
        figures.serverCpuUsPerRequest =
            double(serverAfter - serverBefore) / std::max(1, figures.requests);
    figures.failures = load.failures();
    if (rate == 0)
        figures.windowRates = windowRates(load.answeredAtNs(), load.elapsedNs());
    figures.verification = verify(harness.databaseUrl(), plans, figures.requests);
    return figures;
}

// What the skeleton promises: every request it answered is a committed row (it counts them).
QString verifySkeleton(const QString &path, int answered)
{
    QProcess count;
    count.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    count.start(QCoreApplication::applicationDirPath() + QStringLiteral("/bench-skeleton"),
                {QStringLiteral("--count"), QStringLiteral("--database"), path});
    bool ok = count.waitForFinished(60000) && count.exitCode() == 0;
    const qint64 rows = ok ? count.readAllStandardOutput().trimmed().toLongLong(&ok) : -1;
    if (ok && rows == answered)
        return QStringLiteral("all %1 answered requests committed").arg(answered);
    return QStringLiteral("PROBLEM: %1 requests answered, %2 rows committed")
        .arg(answered)
        .arg(ok ? rows : -1);
}

// The same calls as runPhase's, sent the same way to bench-skeleton in `mode`.
Figures runSkeleton(const QString &mode, int calls, int webhooks, double rate, const Setup &setup)
{
    Figures figures;
    figures.name = QStringLiteral("  skeleton ") + mode;
    QTemporaryDir dir;
    // The plans publish their recordings here; the skeleton downloads none.
    MediaServer media(ServiceHarness::accountSid, ServiceHarness::authToken.toUtf8());
    const QList<CallPlan> plans = plan(calls, webhooks, setup, media);
    const QString database = dir.filePath(QStringLiteral("skeleton.db"));
    QProcess skeleton;
    skeleton.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    skeleton.start(QCoreApplication::applicationDirPath() + QStringLiteral("/bench-skeleton"),
                   {QStringLiteral("--database"), database, QStringLiteral("--mode"), mode,
                    QStringLiteral("--window-us"), setup.skeletonWindowUs});
    if (!skeleton.waitForReadyRead(10000)) {
        figures.verification =
            QStringLiteral("could not start bench-skeleton: ") + skeleton.errorString();
        return figures;
    }
    const QUrl url(QString::fromUtf8(skeleton.readLine().trimmed()));
    const qint64 pid = skeleton.processId();
    const qint64 cpuBefore = cpuMicroseconds(pid);
    const qint64 clientBefore = cpuMicroseconds(QCoreApplication::applicationPid());
    WebhookLoad load({url}, kPublicUrl, ServiceHarness::authToken.toUtf8(), plans,
                     setup.connections, rate);
    load.run();
    const qint64 cpuAfter = cpuMicroseconds(pid);
    const qint64 clientAfter = cpuMicroseconds(QCoreApplication::applicationPid());

    figures.calls = load.calls();
    figures.requests = load.requests();
    figures.seconds = double(load.elapsedNs()) / 1e9;
    figures.p50Ms = percentileMs(load.latenciesNs(), 0.50);
    figures.p99Ms = percentileMs(load.latenciesNs(), 0.99);
    figures.cpuUsPerRequest = double(cpuAfter - cpuBefore) / std::max(1, figures.requests);
    figures.clientCpuUsPerRequest =
        double(clientAfter - clientBefore) / std::max(1, figures.requests);
    figures.failures = load.failures();
    figures.verification = verifySkeleton(database, figures.requests - figures.failures);
    skeleton.kill(); // its answers are committed: nothing is left to lose
    skeleton.waitForFinished(5000);
    return figures;
}

void printRatio(const Figures &service, const Figures &skeleton)
{
    std::printf("    service / %s: CPU per webhook %.2fx (%.0f / %.0f us)\n",
                qPrintable(skeleton.name.trimmed()),
                service.cpuUsPerRequest / std::max(1.0, skeleton.cpuUsPerRequest),
                service.cpuUsPerRequest, skeleton.cpuUsPerRequest);
}

void print(const Figures &f)
{
    const QByteArray server = f.serverCpuUsPerRequest < 0
                                  ? QByteArray("-")
                                  : QByteArray::number(f.serverCpuUsPerRequest, 'f', 0);
    std::printf("%-22s %6d %8d %8.0f %10.0f %7.2f %7.2f %9.0f %10.0f %10s %6d\n",
                qPrintable(f.name), f.calls, f.requests, f.calls / f.seconds,
                f.requests / f.seconds, f.p50Ms, f.p99Ms, f.cpuUsPerRequest,
                f.clientCpuUsPerRequest, server.constData(), f.failures);
    if (!f.windowRates.empty()) {
        const auto [slowest, fastest] =
            std::minmax_element(f.windowRates.begin(), f.windowRates.end());
        std::printf("    sustained, webhooks/s over %zu windows of %lld s: first %.0f, slowest "
                    "%.0f, fastest %.0f, last %.0f\n",
                    f.windowRates.size(), kSustainedWindowNs / 1'000'000'000, f.windowRates.front(),
                    *slowest, *fastest, f.windowRates.back());
    }
    if (f.name.startsWith(QLatin1Char(' ')))
        std::printf("    %s\n", qPrintable(f.verification));
    else
        std::printf("    %s (the downloads done %.1f s after the last webhook)\n",
                    qPrintable(f.verification), f.downloadsBehindS);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Whole simulated calls against switchboard-service, on SQLite or PostgreSQL."));
    parser.addHelpOption();
    const QCommandLineOption callsOption(QStringLiteral("calls"),
                                         QStringLiteral("Calls in the throughput run."),
                                         QStringLiteral("n"), QStringLiteral("5000"));
    const QCommandLineOption connectionsOption(QStringLiteral("connections"),
                                               QStringLiteral("Concurrent connections."),
                                               QStringLiteral("n"), QStringLiteral("24"));
    const QCommandLineOption rateOption(QStringLiteral("rate"),
                                        QStringLiteral("Requests per second in the latency run."),
                                        QStringLiteral("n"), QStringLiteral("1000"));
    const QCommandLineOption secondsOption(QStringLiteral("seconds"),
                                           QStringLiteral("Length of the latency run."),
                                           QStringLiteral("s"), QStringLiteral("10"));
    const QCommandLineOption postgresOption(
        QStringLiteral("postgres"),
        QStringLiteral(
            "Run on this PostgreSQL server (a database is created per run) instead of SQLite."),
        QStringLiteral("url"));
    const QCommandLineOption instancesOption(
        QStringLiteral("instances"),
        QStringLiteral("Service instances sharing the database (PostgreSQL)."), QStringLiteral("n"),
        QStringLiteral("1"));
    const QCommandLineOption instanceCpuOption(
        QStringLiteral("instance-cpu"),
        QStringLiteral("Caps each instance at this share of one core (a cgroup; needs root), as if "
                       "each ran on a small machine of its own: how instances scale out can then "
                       "be measured on one machine."),
        QStringLiteral("cores"));
    const QCommandLineOption membersOption(
        QStringLiteral("members"),
        QStringLiteral("The call flow: a team of n members, screened, voicemails transcribed, "
                       "and the team's mix of calls (each member accepts, declines, lets a "
                       "voicemail pick up, is busy or does not answer); 0: today's one staff "
                       "phone and mix."),
        QStringLiteral("n"), QStringLiteral("3"));
    const QCommandLineOption ringOption(
        QStringLiteral("ring"), QStringLiteral("How the team is rung: sequential or simultaneous."),
        QStringLiteral("how"), QStringLiteral("sequential"));
    const QCommandLineOption skeletonOption(
        QStringLiteral("skeleton"),
        QStringLiteral("bench-skeleton's modes run after the service with the same load, each "
                       "load in turn: blocking (the service's threads), async, or both."),
        QStringLiteral("mode"), QStringLiteral("both"));
    const QCommandLineOption skeletonWindowOption(
        QStringLiteral("skeleton-window-us"),
        QStringLiteral("How long the skeleton's group commit waits for more requests (0: not at "
                       "all, as the service's)."),
        QStringLiteral("us"), QStringLiteral("200"));
    const QCommandLineOption noSkeletonOption(QStringLiteral("no-skeleton"),
                                              QStringLiteral("The service alone."));
    const QCommandLineOption serviceBinaryOption(
        QStringLiteral("service-binary"),
        QStringLiteral("Another build of switchboard-service (to compare two builds)."),
        QStringLiteral("path"));
    parser.addOptions({callsOption, connectionsOption, rateOption, secondsOption, postgresOption,
                       instancesOption, instanceCpuOption, membersOption, ringOption,
                       skeletonOption, skeletonWindowOption, noSkeletonOption,
                       serviceBinaryOption});
    parser.process(app);
    if (parser.isSet(postgresOption))
        qputenv("SWITCHBOARD_TEST_POSTGRES", parser.value(postgresOption).toUtf8());
    Setup setup;
    setup.members = parser.value(membersOption).toInt();
    QString error;
    setup.team = CallPlan::teamFlow(setup.members, parser.value(ringOption), &error);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "--members/--ring: %s\n", qPrintable(error));
        return 2;
    }
    setup.instances = std::max(1, parser.value(instancesOption).toInt());
    setup.serviceBinary = parser.value(serviceBinaryOption);
    setup.skeletonWindowUs = QString::number(parser.value(skeletonWindowOption).toInt());
    const QString skeletons = parser.value(skeletonOption);
    if (skeletons != QLatin1String("blocking") && skeletons != QLatin1String("async") &&
        skeletons != QLatin1String("both")) {
        std::fprintf(stderr, "--skeleton: blocking, async or both\n");
        return 2;
    }
    // The skeleton is SQLite's floor, for one instance.
    if (!parser.isSet(noSkeletonOption) && !parser.isSet(postgresOption) && setup.instances == 1)
        setup.skeletons = skeletons == QLatin1String("both")
                              ? QStringList{QStringLiteral("blocking"), QStringLiteral("async")}
                              : QStringList{skeletons};
    setup.connections = parser.value(connectionsOption).toInt();
    if (parser.isSet(instanceCpuOption)) {
        bool isNumber = false;
        setup.instanceCpus = parser.value(instanceCpuOption).toDouble(&isNumber);
        if (!isNumber || setup.instanceCpus <= 0) {
            std::fprintf(stderr, "--instance-cpu: '%s' is not a share of a core (e.g. 0.3)\n",
                         qPrintable(parser.value(instanceCpuOption)));
            return 2;
        }
    }
    std::printf("engine: %s, %d instance(s)",
                parser.isSet(postgresOption) ? "PostgreSQL" : "SQLite", setup.instances);
    if (setup.instanceCpus > 0)
        std::printf(", each capped at %.2f of a core", setup.instanceCpus);
    if (setup.team)
        std::printf("; a team of %d rung %s, screened, transcribed", setup.members,
                    qPrintable(parser.value(ringOption)));
    else
        std::printf("; today's flow: one staff phone");
    std::printf("\n");

    const double rate = parser.value(rateOption).toDouble();
    const int latencyWebhooks = int(rate * parser.value(secondsOption).toDouble());

    std::printf("%-22s %6s %8s %8s %10s %7s %7s %9s %10s %10s %6s\n", "run", "calls", "webhooks",
                "calls/s", "webhooks/s", "p50 ms", "p99 ms", "CPU us/wh", "client us/wh",
                "server us/wh", "errors");
    // Each load on the service, then on the skeleton, so that the ratio is of one moment.
    const auto compare = [&setup](const QString &name, int calls, int webhooks, double rate) {
        const Figures service = runPhase(name, calls, webhooks, rate, setup);
        print(service);
        std::vector<Figures> skeletons;
        for (const QString &mode : setup.skeletons) {
            skeletons.push_back(runSkeleton(mode, calls, webhooks, rate, setup));
            print(skeletons.back());
        }
        for (const Figures &skeleton : skeletons) {
            if (skeleton.requests > 0)
                printRatio(service, skeleton);
        }
    };
    if (const int calls = parser.value(callsOption).toInt(); calls > 0) // --calls 0: none
        compare(QStringLiteral("max throughput"), calls, 0, 0);
    if (latencyWebhooks > 0) // --seconds 0: the throughput run alone
        compare(QStringLiteral("fixed %1 webhooks/s").arg(rate), 0, latencyWebhooks, rate);
    return 0;
}
