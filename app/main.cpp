#include "backend/AppSettings.h"
#include "backend/CredentialStore.h"
#include "db/DatabaseUrl.h"
#include "gui/MainWindow.h"

#include <cstdio>
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("switchboard"));
    QApplication::setApplicationDisplayName(QStringLiteral("Switchboard"));
    QApplication::setOrganizationName(QStringLiteral("Switchboard"));
    QApplication::setApplicationVersion(QStringLiteral(SWITCHBOARD_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("switchboard"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/switchboard.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The live call feed of your Twilio number."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption database(
        QStringLiteral("database"),
        QStringLiteral("The call log to show, for this run only: sqlite:/path/calls.db or "
                       "postgresql://user@host/db."),
        QStringLiteral("URL"));
    parser.addOption(database);
    parser.process(app);

    Switchboard::AppSettings settings;
    if (parser.isSet(database)) {
        QString error;
        if (!Switchboard::DatabaseUrl::parse(parser.value(database), &error)) {
            std::fprintf(stderr, "switchboard: %s\n", qPrintable(error));
            return 2;
        }
        settings.setDatabaseUrlOverride(parser.value(database));
    }

    Switchboard::CredentialStore credentials;
    Switchboard::MainWindow window(&settings, &credentials);
    window.show();
    window.openDatabase();
    return app.exec();
}
