#include "ServiceHarness.h"

#include "db/Database.h"
#include "twilio/RequestSignature.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTimer>

namespace Switchboard::Testing {

const QString ServiceHarness::accountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
const QString ServiceHarness::authToken = QStringLiteral("test-auth-token-0123456789");
const QString ServiceHarness::forwardTo = QStringLiteral("+15550100200");

namespace {

// With SWITCHBOARD_TEST_POSTGRES set (a server URL), each harness gets a database of its own
// on that server; otherwise a SQLite file in its temporary folder.
const QString kPostgresVariable = QStringLiteral("SWITCHBOARD_TEST_POSTGRES");

bool adminStatement(const QString &sql)
{
    QString error;
    const auto url =
        DatabaseUrl::parse(qEnvironmentVariable(qPrintable(kPostgresVariable)), &error);
    if (!url) {
        qWarning("%s: %s", qPrintable(kPostgresVariable), qPrintable(error));
        return false;
    }
    Database admin(*url, QStringLiteral("harness-admin"));
    if (!admin.open(&error)) {
        qWarning("%s", qPrintable(error));
        return false;
    }
    QSqlQuery query(admin.connection());
    if (query.exec(sql))
        return true;
    qWarning("%s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
    return false;
}

} // namespace

bool ServiceHarness::usesPostgres()
{
    return qEnvironmentVariableIsSet(qPrintable(kPostgresVariable));
}

ServiceHarness::ServiceHarness()
    : m_databaseUrl(QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("calls.db")))
    , m_servicePort(freePort())
    , m_mediaPort(freePort())
{
    if (!usesPostgres())
        return;
    static int counter = 0;
    m_postgresDatabase = QStringLiteral("switchboard_test_%1_%2")
                             .arg(QCoreApplication::applicationPid())
                             .arg(++counter);
    adminStatement(QStringLiteral("CREATE DATABASE %1").arg(m_postgresDatabase));
    QString error;
    DatabaseUrl url =
        *DatabaseUrl::parse(qEnvironmentVariable(qPrintable(kPostgresVariable)), &error);
    url.databaseName = m_postgresDatabase;
    m_databaseUrl = url.toDisplayString();
}

ServiceHarness::~ServiceHarness()
{
    for (auto &sim : m_sims) {
        sim->kill();
        sim->waitForFinished(2000);
    }
    stopService();
    for (auto &service : m_extraServices) {
        service->kill();
        service->waitForFinished(2000);
    }
    if (!m_postgresDatabase.isEmpty())
        adminStatement(
            QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_postgresDatabase));
}

QString ServiceHarness::databasePath() const
{
    return m_databaseUrl.startsWith(QLatin1String("sqlite:")) ? m_databaseUrl.mid(7) : QString();
}

QString ServiceHarness::serviceUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_servicePort);
}

QString ServiceHarness::mediaUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_mediaPort);
}

quint16 ServiceHarness::freePort()
{
    // The kernel may hand a released port out again at once: a harness once got the same port
    // for its service and its simulator's media server. Never give one port out twice.
    static QSet<quint16> given;
    for (;;) {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            qFatal("no free loopback port: %s", qPrintable(probe.errorString()));
        const quint16 port = probe.serverPort();
        if (!given.contains(port)) {
            given.insert(port);
            return port;
        }
    }
}

QProcessEnvironment ServiceHarness::credentialsEnvironment()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TWILIO_ACCOUNT_SID"), accountSid);
    environment.insert(QStringLiteral("TWILIO_AUTH_TOKEN"), authToken);
    environment.insert(QStringLiteral("QT_LOGGING_RULES"),
                       QStringLiteral("switchboard.webhook.info=false"));
    return environment;
}

QStringList ServiceHarness::journalArguments(quint16 port, const QStringList &extraArgs) const
{
    // On PostgreSQL in the test's folder, not in the user's data folder (the default there);
    // on SQLite the default, beside the database file, is in the test's folder already.
    if (!databasePath().isEmpty() || extraArgs.contains(QLatin1String("--journal")))
        return {};
    return {QStringLiteral("--journal"),
            m_dir.filePath(QStringLiteral("journal-%1.jsonl").arg(port))};
}

std::unique_ptr<QProcess> ServiceHarness::launchService(quint16 port, const QStringList &extraArgs)
{
    auto service = std::make_unique<QProcess>();
    service->setProcessEnvironment(credentialsEnvironment());
    // A file, not a pipe: nobody may be reading while the service logs, and a full pipe
    // would stall it.
    service->setProcessChannelMode(QProcess::MergedChannels);
    service->setStandardOutputFile(m_dir.filePath(QStringLiteral("service.log")),
                                   QIODevice::Append);
    const QString &binary = m_serviceBinary;
    const QString program = m_servicePrefix.isEmpty() ? binary : m_servicePrefix.first();
    const QStringList prefixArgs =
        m_servicePrefix.isEmpty() ? QStringList() : m_servicePrefix.mid(1) + QStringList{binary};
    service->start(
        program,
        prefixArgs +
            QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port),
                        QStringLiteral("--database"), m_databaseUrl, QStringLiteral("--forward-to"),
                        forwardTo, QStringLiteral("--twilio-api"), mediaUrl(),
                        QStringLiteral("--download-retry-ms"), QStringLiteral("100")} +
            journalArguments(port, extraArgs) + extraArgs);
    if (!service->waitForStarted(5000))
        return nullptr;

    QNetworkAccessManager network;
    const QUrl health(QStringLiteral("http://127.0.0.1:%1/healthz").arg(port));
    const QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired() && service->state() == QProcess::Running) {
        QNetworkReply *reply = network.get(QNetworkRequest(health));
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        if (status == 200)
            return service;
        service->waitForFinished(50);
    }
    service->kill();
    service->waitForFinished(2000);
    return nullptr;
}

bool ServiceHarness::startService(const QStringList &extraArgs)
{
    m_service = launchService(m_servicePort, extraArgs);
    return m_service != nullptr;
}

QString ServiceHarness::startAnotherService(const QStringList &extraArgs)
{
    const quint16 port = freePort();
    auto service = launchService(port, extraArgs);
    if (!service)
        return {};
    m_extraServices.push_back(std::move(service));
    return QStringLiteral("http://127.0.0.1:%1").arg(port);
}

QList<qint64> ServiceHarness::servicePids() const
{
    QList<qint64> pids;
    if (m_service)
        pids.append(m_service->processId());
    for (const auto &service : m_extraServices)
        pids.append(service->processId());
    return pids;
}

void ServiceHarness::stopService()
{
    if (!m_service)
        return;
    if (m_service->state() != QProcess::NotRunning) {
        m_service->terminate();
        if (!m_service->waitForFinished(5000)) {
            m_service->kill();
            m_service->waitForFinished(2000);
        }
    }
    m_service.reset();
}

QString ServiceHarness::serviceOutput() const
{
    QFile log(m_dir.filePath(QStringLiteral("service.log")));
    return log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll()) : QString();
}

QStringList ServiceHarness::simArguments(const QStringList &args) const
{
    return QStringList{QStringLiteral("--service"), serviceUrl(), QStringLiteral("--media-listen"),
                       QStringLiteral("127.0.0.1:%1").arg(m_mediaPort)} +
           args;
}

ServiceHarness::SimResult ServiceHarness::runSim(const QStringList &args, int timeoutMs)
{
    QProcess sim;
    sim.setProcessEnvironment(credentialsEnvironment());
    sim.start(QStringLiteral(SWITCHBOARD_SIM_BINARY), simArguments(args));
    SimResult result;
    const bool finished = sim.waitForFinished(timeoutMs);
    if (!finished) {
        sim.kill();
        sim.waitForFinished(2000);
    }
    result.standardOutput = sim.readAllStandardOutput();
    result.output = QString::fromUtf8(sim.readAllStandardError() + result.standardOutput);
    if (!finished)
        result.output += QStringLiteral("\n[timed out]");
    else
        result.exitCode = sim.exitStatus() == QProcess::NormalExit ? sim.exitCode() : -1;
    return result;
}

QProcess *ServiceHarness::startSim(const QStringList &args)
{
    auto sim = std::make_unique<QProcess>(); // stdout and stderr apart: --json goes to stdout
    sim->setProcessEnvironment(credentialsEnvironment());
    sim->start(QStringLiteral(SWITCHBOARD_SIM_BINARY), simArguments(args));
    m_sims.push_back(std::move(sim));
    return m_sims.back().get();
}

bool ServiceHarness::waitForDownloads(int timeoutMs) const
{
    QString error;
    Database db(*DatabaseUrl::parse(m_databaseUrl, &error), QStringLiteral("harness-downloads"));
    if (!db.open(&error))
        return false;
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        QSqlQuery query(db.connection());
        if (query.exec(QStringLiteral(
                "SELECT COUNT(*) FROM voicemails WHERE download_state = 'pending'")) &&
            query.next() && query.value(0).toInt() == 0)
            return true;
        // Waiting with the event loop running: the recordings may be served from this thread
        // (MediaServer), and a download stalls while its answer waits to be written.
        QEventLoop pause;
        QTimer::singleShot(20, &pause, &QEventLoop::quit);
        pause.exec();
    }
    return false;
}

ServiceHarness::WebhookAnswer ServiceHarness::postWebhook(const QString &serviceUrl,
                                                          const QString &pathAndQuery,
                                                          const FormData &params, bool sign)
{
    const QString url = serviceUrl + pathAndQuery;
    QNetworkAccessManager network;
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-www-form-urlencoded"));
    if (sign)
        request.setRawHeader("X-Twilio-Signature",
                             RequestSignature::compute(authToken.toUtf8(), url, params));
    QNetworkReply *reply = network.post(request, params.encode());
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
}

QJsonObject ServiceHarness::exampleFlow()
{
    QFile file(QStringLiteral(SWITCHBOARD_TEST_FLOW));
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("%s: %s", SWITCHBOARD_TEST_FLOW, qPrintable(file.errorString()));
        return {};
    }
    return QJsonDocument::fromJson(file.readAll()).object();
}

bool ServiceHarness::setFlow(const QJsonObject &flow, QString *error)
{
    const QString path = m_dir.filePath(QStringLiteral("flow.json"));
    QFile file(path);
    const QByteArray json = QJsonDocument(flow).toJson();
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(json) != json.size()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    file.close();
    QProcess command;
    command.setProcessEnvironment(credentialsEnvironment());
    command.start(QStringLiteral(SWITCHBOARD_SERVICE_BINARY),
                  {QStringLiteral("flow"), QStringLiteral("set"), path,
                   QStringLiteral("--database"), m_databaseUrl});
    const bool stored = command.waitForFinished(30000) &&
                        command.exitStatus() == QProcess::NormalExit && command.exitCode() == 0;
    if (!stored && error)
        *error = QString::fromUtf8(command.readAllStandardError());
    return stored;
}

bool ServiceHarness::startServiceWithFlow(const QJsonObject &flow, const QStringList &extraArgs)
{
    QString error;
    if (!setFlow(flow, &error)) {
        qWarning("flow set: %s", qPrintable(error));
        return false;
    }
    if (startService(extraArgs))
        return true;
    qWarning("%s", qPrintable(serviceOutput()));
    return false;
}

std::unique_ptr<Database> ServiceHarness::openDatabase(const QString &connectionName, Schema schema,
                                                       QString *error) const
{
    QString reason;
    const auto url = DatabaseUrl::parse(m_databaseUrl, &reason);
    std::unique_ptr<Database> database;
    if (url) {
        database = std::make_unique<Database>(*url, connectionName);
        const bool opened = schema == Schema::Migrated ? database->openAndMigrate(&reason)
                                                       : database->open(&reason);
        if (!opened)
            database.reset();
    }
    if (!database && error)
        *error = reason;
    return database;
}

QByteArray ServiceHarness::exportLog(const QString &format)
{
    QProcess exporter;
    exporter.start(QStringLiteral(SWITCHBOARD_SERVICE_BINARY),
                   {QStringLiteral("export"), QStringLiteral("--database"), m_databaseUrl,
                    QStringLiteral("--format"), format});
    exporter.waitForFinished(30000);
    return exporter.readAllStandardOutput();
}

} // namespace Switchboard::Testing
