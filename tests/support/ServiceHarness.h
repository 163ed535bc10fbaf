#pragma once

#include "db/Database.h"
#include "twilio/FormData.h"

#include <memory>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace Switchboard::Testing {

// Runs the real switchboard-service binary on a loopback port, and the real switchboard-sim
// against it, as a user would. The call log is a SQLite file in a temporary folder, or, with
// SWITCHBOARD_TEST_POSTGRES set to a server URL, a database of its own on that server, dropped
// when the harness goes.
class ServiceHarness final
{
    Q_DISABLE_COPY_MOVE(ServiceHarness)

public:
    static const QString accountSid;
    static const QString authToken;
    static const QString forwardTo;

    ServiceHarness();
    ~ServiceHarness();

    // True when the tests run against a PostgreSQL server (SWITCHBOARD_TEST_POSTGRES).
    static bool usesPostgres();

    QString folder() const { return m_dir.path(); }
    QString databasePath() const; // the SQLite file; empty on PostgreSQL
    QString databaseUrl() const { return m_databaseUrl; }
    void setDatabaseUrl(const QString &url) { m_databaseUrl = url; }
    // A connection of the test's own to the log, named `connectionName`; with Schema::Migrated
    // the schema is created or brought up to date first, as the service does when it starts.
    // Null, with the reason in `error`, when it cannot be opened.
    enum class Schema
    {
        AsItIs,
        Migrated,
    };
    std::unique_ptr<Database> openDatabase(const QString &connectionName,
                                           Schema schema = Schema::AsItIs,
                                           QString *error = nullptr) const;
    QString serviceUrl() const;
    quint16 mediaPort() const { return m_mediaPort; }
    QString mediaUrl() const;

    // The tests' call flow (routing-flow.json in this folder): Alice Martin and Bob Chen ring
    // at once with screening, Carol Diaz is away; open 08:00-17:00 every day in New York,
    // closed on 2026-12-25; +15550109999 is blocked; voicemails are transcribed. Tests change
    // the keys their branch needs.
    static QJsonObject exampleFlow();
    // Stores `flow` as a new revision with the real `switchboard-service flow set`; false, with
    // what it printed in `error`, when it refused it.
    bool setFlow(const QJsonObject &flow, QString *error = nullptr);
    // setFlow(), then startService(extraArgs).
    bool startServiceWithFlow(const QJsonObject &flow, const QStringList &extraArgs = {});

    // POSTs a webhook as Twilio does, to `serviceUrl` + `pathAndQuery`, signed with the
    // harness's auth token for that URL (as no --public-url is set) unless `sign` is false.
    struct WebhookAnswer
    {
        int status = 0; // the HTTP status; 0 when no answer came
        QByteArray body;
    };
    static WebhookAnswer postWebhook(const QString &serviceUrl, const QString &pathAndQuery,
                                     const FormData &params, bool sign = true);
    WebhookAnswer postWebhook(const QString &pathAndQuery, const FormData &params,
                              bool sign = true) const
    {
        return postWebhook(serviceUrl(), pathAndQuery, params, sign);
    }

    // Starts the service and waits for /healthz. The credentials come in its environment;
    // --listen, --database, --forward-to, --twilio-api pointing at the simulator's media port
    // and a fast download retry are added, and on PostgreSQL a --journal in the temporary
    // folder unless extraArgs name one.
    bool startService(const QStringList &extraArgs = {});
    void stopService();
    // Another instance on the same database and media endpoint; returns its URL, or empty.
    QString startAnotherService(const QStringList &extraArgs = {});
    QProcess *service() const { return m_service.get(); }
    // A command the service binary is started under from now on, e.g. {"env",
    // "LD_PRELOAD=...libfaketime.so.1", "FAKETIME=@2026-03-08 12:30:00"}. It must exec the
    // binary in its own process (as env does), so that stopping it stops the service.
    void setServicePrefix(const QStringList &command) { m_servicePrefix = command; }
    // Another build of the service binary (bench-service compares two), from now on.
    void setServiceBinary(const QString &path) { m_serviceBinary = path; }
    // The process IDs of the running instances, the first one first.
    QList<qint64> servicePids() const;
    QString serviceOutput() const; // what the service printed, this run and earlier ones

    struct SimResult
    {
        int exitCode = -1;
        QString output;            // everything it printed
        QByteArray standardOutput; // stdout alone (the summary with --json)
    };
    // Runs switchboard-sim with --service and --media-listen added and the credentials in its
    // environment; kills it after timeoutMs (exitCode -1, output ends with "[timed out]").
    SimResult runSim(const QStringList &args, int timeoutMs = 60000);
    QProcess *startSim(const QStringList &args);

    // The simulator stops once it has served each recording; the service stores it a moment
    // later. Waits until no voicemail is pending download; false on time-out.
    bool waitForDownloads(int timeoutMs = 10000) const;

    // Runs `switchboard-service export --format FORMAT` on the harness's database and returns
    // what it printed on stdout, unparsed.
    QByteArray exportLog(const QString &format = QStringLiteral("json"));

    static quint16 freePort();
    static QProcessEnvironment credentialsEnvironment();

private:
    QStringList simArguments(const QStringList &args) const;
    QStringList journalArguments(quint16 port, const QStringList &extraArgs) const;
    std::unique_ptr<QProcess> launchService(quint16 port, const QStringList &extraArgs);

    QTemporaryDir m_dir;
    QString m_databaseUrl;
    quint16 m_servicePort = 0;
    quint16 m_mediaPort = 0;
    std::unique_ptr<QProcess> m_service;
    std::vector<std::unique_ptr<QProcess>> m_sims;
    std::vector<std::unique_ptr<QProcess>> m_extraServices;
    QString m_postgresDatabase;
    QStringList m_servicePrefix;
    QString m_serviceBinary = QStringLiteral(SWITCHBOARD_SERVICE_BINARY);
};

} // namespace Switchboard::Testing
