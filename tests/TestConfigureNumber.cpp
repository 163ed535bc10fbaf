#include "ServiceHarness.h"
#include "twilio/FormData.h"

#include <QEventLoop>
#include <QHttpServer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTest>
#include <QTimer>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

namespace {

const QString kNumber = QStringLiteral("+15550100300");
const QString kNumberSid = QStringLiteral("PN0123456789abcdef0123456789abcdef");
const QString kPublicUrl = QStringLiteral("https://switchboard.example.com/ivr");

struct Seen
{
    QString method;
    QString path;
    QString query;
    QByteArray authorization;
    FormData form;
};

} // namespace

// The real `switchboard-service configure-number` against a stand-in of Twilio's REST API on
// loopback: the requests it makes, and what it says when Twilio says no.
class TestConfigureNumber final : public QObject
{
    Q_OBJECT

    QHttpServer m_twilio;
    QTcpServer *m_tcp = nullptr;
    QList<Seen> m_seen;
    QJsonArray m_numbers; // what the lookup finds
    bool m_refuseCredentials = false;

    QString accountPath() const
    {
        return QStringLiteral("/2010-04-01/Accounts/") + ServiceHarness::accountSid;
    }

    QHttpServerResponse answer(const QHttpServerRequest &request, const QJsonObject &body)
    {
        m_seen.append({request.method() == QHttpServerRequest::Method::Get ? QStringLiteral("GET")
                                                                           : QStringLiteral("POST"),
                       request.url().path(), request.url().query(QUrl::FullyEncoded),
                       request.value("Authorization"), FormData::decode(request.body())});
        if (m_refuseCredentials) {
            const QJsonObject error{{QStringLiteral("code"), 20003},
                                    {QStringLiteral("message"), QStringLiteral("Authenticate")},
                                    {QStringLiteral("status"), 401}};
            return QHttpServerResponse(QByteArrayLiteral("application/json"),
                                       QJsonDocument(error).toJson(),
                                       QHttpServerResponse::StatusCode::Unauthorized);
        }
        return QHttpServerResponse(QByteArrayLiteral("application/json"),
                                   QJsonDocument(body).toJson());
    }

    struct Run
    {
        int exitCode = -1;
        QString output;
    };

    // Runs the binary while this thread's event loop keeps the stand-in answering.
    Run configure(const QStringList &args, const QString &api = QString())
    {
        QProcess process;
        process.setProcessEnvironment(ServiceHarness::credentialsEnvironment());
        process.setProcessChannelMode(QProcess::MergedChannels);
        QEventLoop loop;
        connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
        connect(&process, &QProcess::errorOccurred, &loop, &QEventLoop::quit);
        QTimer::singleShot(30000, &loop, &QEventLoop::quit);
        process.start(
            QStringLiteral(SWITCHBOARD_SERVICE_BINARY),
            QStringList{QStringLiteral("configure-number")} + args +
                QStringList{QStringLiteral("--twilio-api"), api.isEmpty() ? twilioUrl() : api});
        loop.exec();
        Run run;
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(2000);
            return run;
        }
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.output = QString::fromUtf8(process.readAll());
        return run;
    }

    QString twilioUrl() const
    {
        return QStringLiteral("http://127.0.0.1:%1").arg(m_tcp->serverPort());
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_tcp = new QTcpServer(&m_twilio);
        QVERIFY(m_tcp->listen(QHostAddress::LocalHost, 0));
        m_twilio.bind(m_tcp);
        m_twilio.route(
            accountPath() + QStringLiteral("/IncomingPhoneNumbers.json"),
            QHttpServerRequest::Method::Get, [this](const QHttpServerRequest &request) {
                return answer(request, {{QStringLiteral("incoming_phone_numbers"), m_numbers}});
            });
        m_twilio.route(accountPath() +
                           QStringLiteral("/IncomingPhoneNumbers/%1.json").arg(kNumberSid),
                       QHttpServerRequest::Method::Post, [this](const QHttpServerRequest &request) {
                           return answer(request, {{QStringLiteral("sid"), kNumberSid},
                                                   {QStringLiteral("phone_number"), kNumber}});
                       });
    }

    void init()
    {
        m_seen.clear();
        m_refuseCredentials = false;
        m_numbers = QJsonArray{QJsonObject{{QStringLiteral("sid"), kNumberSid},
                                           {QStringLiteral("phone_number"), kNumber}}};
    }

    void pointsTheNumberAtThePublicUrl()
    {
        const Run run = configure({kNumber, QStringLiteral("--public-url"), kPublicUrl});
        QVERIFY2(run.exitCode == 0, qPrintable(run.output));
        QCOMPARE(m_seen.size(), 2);

        const QByteArray basic =
            "Basic " + (ServiceHarness::accountSid + QLatin1Char(':') + ServiceHarness::authToken)
                           .toUtf8()
                           .toBase64();
        const Seen &lookup = m_seen.at(0);
        QCOMPARE(lookup.method, QStringLiteral("GET"));
        QCOMPARE(lookup.path, accountPath() + QStringLiteral("/IncomingPhoneNumbers.json"));
        QCOMPARE(lookup.query, QStringLiteral("PhoneNumber=%2B15550100300")); // not a '+' (a space)
        QCOMPARE(lookup.authorization, basic);

        const Seen &update = m_seen.at(1);
        QCOMPARE(update.method, QStringLiteral("POST"));
        QCOMPARE(update.path,
                 accountPath() + QStringLiteral("/IncomingPhoneNumbers/%1.json").arg(kNumberSid));
        QCOMPARE(update.authorization, basic);
        QCOMPARE(update.form.value(QStringLiteral("VoiceUrl")),
                 kPublicUrl + QStringLiteral("/twilio/voice"));
        QCOMPARE(update.form.value(QStringLiteral("VoiceMethod")), QStringLiteral("POST"));
        QCOMPARE(update.form.value(QStringLiteral("StatusCallback")),
                 kPublicUrl + QStringLiteral("/twilio/status"));
        QCOMPARE(update.form.value(QStringLiteral("StatusCallbackMethod")), QStringLiteral("POST"));

        QVERIFY2(
            run.output.contains(QStringLiteral("Configured +15550100300 (%1)").arg(kNumberSid)),
            qPrintable(run.output));
        QVERIFY(run.output.contains(kPublicUrl + QStringLiteral("/twilio/voice")));
    }

    void unknownNumberIsAClearError()
    {
        m_numbers = QJsonArray();
        const Run run = configure({kNumber, QStringLiteral("--public-url"), kPublicUrl});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.output.contains(
                     QStringLiteral("+15550100300 is not a phone number of Twilio account ") +
                     ServiceHarness::accountSid),
                 qPrintable(run.output));
        QCOMPARE(m_seen.size(), 1); // nothing updated
    }

    void refusedCredentialsAreAClearError()
    {
        m_refuseCredentials = true;
        const Run run = configure({kNumber, QStringLiteral("--public-url"), kPublicUrl});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.output.contains(QStringLiteral("Twilio refused the credentials")),
                 qPrintable(run.output));
        QCOMPARE(m_seen.size(), 1);
    }

    void needsThePublicUrl()
    {
        const Run run = configure({kNumber});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.output.contains(QStringLiteral("--public-url")), qPrintable(run.output));
        QVERIFY(m_seen.isEmpty());
    }

    void needsAnE164Number()
    {
        const Run run =
            configure({QStringLiteral("5550100300"), QStringLiteral("--public-url"), kPublicUrl});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.output.contains(QStringLiteral("E.164")), qPrintable(run.output));
        QVERIFY(m_seen.isEmpty());
    }

    void unreachableTwilioIsANetworkError()
    {
        const QString closed =
            QStringLiteral("http://127.0.0.1:%1").arg(ServiceHarness::freePort());
        const Run run = configure({kNumber, QStringLiteral("--public-url"), kPublicUrl}, closed);
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.output.contains(QStringLiteral("cannot reach Twilio")),
                 qPrintable(run.output));
    }
};

QTEST_GUILESS_MAIN(TestConfigureNumber)
#include "TestConfigureNumber.moc"
