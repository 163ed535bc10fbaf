#include "ServiceHarness.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpServer>
#include <QThread>

namespace Switchboard::Testing {

const QString ServiceHarness::accountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
const QString ServiceHarness::authToken = QStringLiteral("test-auth-token-0123456789");
const QString ServiceHarness::forwardTo = QStringLiteral("+15550100200");

ServiceHarness::ServiceHarness()
    : m_databaseUrl(QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("calls.db")))
    , m_servicePort(freePort())
    , m_mediaPort(freePort())
{
}

ServiceHarness::~ServiceHarness()
{
    for (auto &sim : m_sims) {
        sim->kill();
        sim->waitForFinished(2000);
    }
    stopService();
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
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

QProcessEnvironment ServiceHarness::credentialsEnvironment()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TWILIO_ACCOUNT_SID"), accountSid);
    environment.insert(QStringLiteral("TWILIO_AUTH_TOKEN"), authToken);
    environment.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("switchboard.webhook.info=false"));
    return environment;
}

bool ServiceHarness::startService(const QStringList &extraArgs)
{
    m_service = std::make_unique<QProcess>();
    m_service->setProcessEnvironment(credentialsEnvironment());
    // A file, not a pipe: nobody may be reading while the service logs, and a full pipe
    // would stall it.
    m_service->setProcessChannelMode(QProcess::MergedChannels);
    m_service->setStandardOutputFile(m_dir.filePath(QStringLiteral("service.log")), QIODevice::Append);
    m_service->start(QStringLiteral(SWITCHBOARD_SERVICE_BINARY),
                     QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(m_servicePort),
                                 QStringLiteral("--database"), m_databaseUrl,
                                 QStringLiteral("--forward-to"), forwardTo,
                                 QStringLiteral("--twilio-api"), mediaUrl(),
                                 QStringLiteral("--download-retry-ms"), QStringLiteral("100")}
                         + extraArgs);
    if (!m_service->waitForStarted(5000))
        return false;

    QNetworkAccessManager network;
    const QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired() && m_service->state() == QProcess::Running) {
        QNetworkReply *reply = network.get(QNetworkRequest(QUrl(serviceUrl() + QStringLiteral("/healthz"))));
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        if (status == 200)
            return true;
        m_service->waitForFinished(50);
    }
    return false;
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
                       QStringLiteral("127.0.0.1:%1").arg(m_mediaPort)}
        + args;
}

ServiceHarness::SimResult ServiceHarness::runSim(const QStringList &args, int timeoutMs)
{
    QProcess sim;
    sim.setProcessEnvironment(credentialsEnvironment());
    sim.setProcessChannelMode(QProcess::MergedChannels);
    sim.start(QStringLiteral(SWITCHBOARD_SIM_BINARY), simArguments(args));
    SimResult result;
    if (!sim.waitForFinished(timeoutMs)) {
        sim.kill();
        sim.waitForFinished(2000);
        result.output = QString::fromUtf8(sim.readAll()) + QStringLiteral("\n[timed out]");
        return result;
    }
    result.exitCode = sim.exitStatus() == QProcess::NormalExit ? sim.exitCode() : -1;
    result.output = QString::fromUtf8(sim.readAll());
    return result;
}

QProcess *ServiceHarness::startSim(const QStringList &args)
{
    auto sim = std::make_unique<QProcess>();
    sim->setProcessEnvironment(credentialsEnvironment());
    sim->setProcessChannelMode(QProcess::MergedChannels);
    sim->start(QStringLiteral(SWITCHBOARD_SIM_BINARY), simArguments(args));
    m_sims.push_back(std::move(sim));
    return m_sims.back().get();
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
