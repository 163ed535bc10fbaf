#pragma once

#include "db/Database.h"
#include "db/DatabaseUrl.h"
#include "twilio/CallFlowSettings.h"

#include <optional>
#include <QByteArray>
#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <QUrl>

class QCommandLineParser;

namespace Switchboard {

// The defaults below are the only ones: --help shows them, and a setting that is set nowhere
// keeps them.
struct ServiceConfig
{
    QString command = QStringLiteral("run"); // run | export | migrate | configure-number | flow
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 listenPort = 8080;
    DatabaseUrl database;
    QUrl twilioApi = QUrl(QStringLiteral("https://api.twilio.com"));
    QString accountSid;
    QByteArray authToken;
    CallFlowSettings callFlow;
    int downloadRetryMs = 5000;
    int downloadAttempts = 6;
    QString exportFormat = QStringLiteral("json");
    QString phoneNumber;     // configure-number: the Twilio number to point at this service
    QByteArray metricsToken; // bearer token for GET /metrics; empty turns /metrics off
    DatabaseUrl migrateFrom; // migrate: source and target
    DatabaseUrl migrateTo;
    QStringList flowArguments; // flow: show | set FILE | history
    QStringList givenSettings; // the settings set somewhere (flag, environment, file), by name
    QList<QHostAddress> trustedProxies; // may say, with X-Forwarded-*, which URL Twilio signed
    QString journalPath;                // webhooks waiting for the database (DurableRecorder)
    int databaseTimeoutMs = 5000;
    Database::SqliteSync sqliteSync = Database::SqliteSync::Full; // webhooks' commits
    int requestTimeoutMs = 10000; // limits in front of QHttpServer (ConnectionGuard)
    int idleTimeoutMs = 30000;
    int maxConnections = 512;
    int maxConnectionsPerAddress = 128; // a reverse proxy (--trusted-proxy) is not capped
    int httpThreads = 2;                // threads parsing requests; no thread waits for a commit
    int maxPendingAnswers = 512;        // webhooks waiting for their commit, at most; more get 503

    // Reads the command line, then the environment, then the --config INI file, then defaults.
    // On bad configuration returns nothing and sets `error` to one line naming the setting.
    static std::optional<ServiceConfig> load(const QStringList &arguments, QString *error,
                                             bool *helpShown);
};

} // namespace Switchboard
