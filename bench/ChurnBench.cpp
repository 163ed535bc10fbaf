// bench-churn: the churn test's load (tests/support/ChurnRun) against the real service binary,
// for as long as asked. Prints the figures (webhooks acknowledged and logged, answers by kind
// of client, the service's memory and descriptors before and after) and exits 1 on a problem.

#include "ChurnRun.h"

#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>

using Switchboard::Testing::ChurnOptions;
using Switchboard::Testing::ChurnReport;
using Switchboard::Testing::ChurnRun;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Churn under load against switchboard-service on loopback: whole calls, slow, vanishing "
        "and malformed clients, pipelined webhooks, floods past the connection cap."));
    parser.addHelpOption();
    const QCommandLineOption secondsOption(
        QStringLiteral("seconds"),
        QStringLiteral("How long the churn lasts (at least 10: the first flood comes at 8 s)."),
        QStringLiteral("s"), QStringLiteral("300"));
    const QCommandLineOption capOption(QStringLiteral("max-connections"),
                                       QStringLiteral("The service's connection cap."),
                                       QStringLiteral("n"), QStringLiteral("64"));
    const QCommandLineOption callsOption(QStringLiteral("calls-in-flight"),
                                         QStringLiteral("Whole calls at any moment."),
                                         QStringLiteral("n"), QStringLiteral("8"));
    const QCommandLineOption seedOption(QStringLiteral("seed"),
                                        QStringLiteral("Seed of the call mix (0 picks one)."),
                                        QStringLiteral("n"), QStringLiteral("0"));
    parser.addOptions({secondsOption, capOption, callsOption, seedOption});
    parser.process(app);

    ChurnOptions options;
    bool ok = true;
    const auto number = [&parser, &ok](const QCommandLineOption &option, int low, int high) {
        bool valid = false;
        const int value = parser.value(option).toInt(&valid);
        if (!valid || value < low || value > high) {
            std::fprintf(stderr, "--%s: between %d and %d\n", qPrintable(option.names().first()),
                         low, high);
            ok = false;
        }
        return value;
    };
    options.seconds = number(secondsOption, 10, 24 * 3600);
    options.maxConnections = number(capOption, 4, 4096);
    options.callsInFlight = number(callsOption, 1, 256);
    options.seed = parser.value(seedOption).toUInt();
    if (!ok)
        return 2;

    const ChurnReport report = ChurnRun::run(options);
    for (const QString &line : report.figures())
        std::printf("%s\n", qPrintable(line));
    const QStringList failures = report.failures();
    for (const QString &failure : failures)
        std::printf("PROBLEM: %s\n", qPrintable(failure));
    return failures.isEmpty() ? 0 : 1;
}
