#include "ConfigureNumber.h"
#include "core/Logging.h"
#include "ExportCommand.h"
#include "FlowBootstrap.h"
#include "FlowCommand.h"
#include "MigrateCommand.h"
#include "Service.h"
#include "ServiceConfig.h"
#include "SignalWatcher.h"

#include <cstdio>
#include <QCoreApplication>

namespace {

// Under systemd (JOURNAL_STREAM is set) the journal stamps each line itself and reads a <N>
// prefix as the syslog priority; elsewhere, an ISO 8601 timestamp. QT_MESSAGE_PATTERN still wins.
void setMessagePattern()
{
    if (qEnvironmentVariableIsSet("JOURNAL_STREAM")) {
        qSetMessagePattern(
            QStringLiteral("%{if-debug}<7>%{endif}%{if-info}<6>%{endif}%{if-warning}<4>%{endif}"
                           "%{if-critical}<3>%{endif}%{if-fatal}<2>%{endif}%{if-category}%{"
                           "category}: %{endif}%{message}"));
    } else {
        qSetMessagePattern(
            QStringLiteral("%{time} %{type} %{if-category}%{category}: %{endif}%{message}"));
    }
}

} // namespace

int main(int argc, char *argv[])
{
    setMessagePattern();
    Switchboard::escapeControlCharactersInLog();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("switchboard-service"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SWITCHBOARD_VERSION));

    QString error;
    bool helpShown = false;
    const auto config = Switchboard::ServiceConfig::load(app.arguments(), &error, &helpShown);
    if (!config) {
        if (helpShown)
            return 0;
        std::fprintf(stderr, "switchboard-service: %s\n", qPrintable(error));
        return 2;
    }
    if (config->command == QLatin1String("migrate"))
        return Switchboard::runMigrate(config->migrateFrom, config->migrateTo);
    if (config->command == QLatin1String("export"))
        return Switchboard::runExport(*config);
    if (config->command == QLatin1String("configure-number"))
        return Switchboard::runConfigureNumber(*config);
    if (config->command == QLatin1String("flow"))
        return Switchboard::runFlow(*config);

    // The call flow in the database rules; on a database without one, the flags create it.
    Switchboard::ServiceConfig settings = *config;
    if (!Switchboard::applyStoredFlow(settings, &error)) {
        std::fprintf(stderr, "switchboard-service: %s\n", qPrintable(error));
        return 1;
    }

    Switchboard::Service service(settings);
    Switchboard::SignalWatcher signals;
    QObject::connect(&signals, &Switchboard::SignalWatcher::terminationRequested, &service,
                     &Switchboard::Service::shutdown, Qt::SingleShotConnection);
    if (!service.start(&error)) {
        std::fprintf(stderr, "switchboard-service: %s\n", qPrintable(error));
        return 1;
    }
    return app.exec();
}
