#include "SimDriver.h"
#include "SimOptions.h"

#include <cstdio>
#include <QCoreApplication>
#include <QTextStream>

using namespace Switchboard;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("switchboard-sim"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SWITCHBOARD_VERSION));

    SimOptions options;
    QString message;
    switch (SimOptions::parse(app.arguments(), QProcessEnvironment::systemEnvironment(), &options,
                              &message)) {
    case SimOptions::Outcome::ShowText:
        QTextStream(stdout) << message << Qt::endl;
        return SimDriver::Success;
    case SimOptions::Outcome::Error:
        QTextStream(stderr) << "switchboard-sim: " << message << Qt::endl;
        return SimDriver::BadUsage;
    case SimOptions::Outcome::Run:
        break;
    }

    SimDriver driver(options);
    QObject::connect(&driver, &SimDriver::done, &app, &QCoreApplication::exit,
                     Qt::QueuedConnection);
    if (!driver.start())
        return SimDriver::BadUsage;
    return app.exec();
}
