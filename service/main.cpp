#include "ExportCommand.h"
#include "Service.h"
#include "ServiceConfig.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
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
    if (config->command == QLatin1String("export"))
        return Switchboard::runExport(*config);

    Switchboard::Service service(*config);
    if (!service.start(&error)) {
        std::fprintf(stderr, "switchboard-service: %s\n", qPrintable(error));
        return 1;
    }
    return app.exec();
}
