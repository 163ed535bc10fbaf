// The app's own voicemail download against a real HTTP server on loopback standing in for
// Twilio's media endpoint: Basic auth, byte-identical storage, and the credentials never
// leaving the configured API origin.

#include "backend/AppSettings.h"
#include "backend/CallLog.h"
#include "backend/VoicemailFetcher.h"
#include "db/CallReader.h"
#include "EventLoopWatch.h"
#include "twilio/RecordingDownload.h"
#include "VoicemailFixture.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QHttpServer>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Testing;

namespace {

const QString authToken = QStringLiteral("test-auth-token-9c41");

quint16 bind(QHttpServer &server)
{
    auto *tcp = new QTcpServer(&server);
    if (!tcp->listen(QHostAddress::LocalHost))
        return 0;
    server.bind(tcp);
    return tcp->serverPort();
}

} // namespace

class TestVoicemailFetcher final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_wav = makeWav(1500);
        // Twilio's media endpoint: the recording, for the right Basic credentials only.
        m_twilio.route(
            QStringLiteral("/2010-04-01/Accounts/<arg>/Recordings/<arg>"),
            [this](const QString &account, const QString &file, const QHttpServerRequest &request) {
                ++m_twilioRequests;
                m_seenAuthorization = request.value("Authorization");
                const QByteArray expected =
                    "Basic " + QByteArray(account.toUtf8() + ':' + authToken.toUtf8()).toBase64();
                if (m_seenAuthorization != expected)
                    return QHttpServerResponse(QHttpServerResponder::StatusCode::Unauthorized);
                if (file == voicemailRecordingSid + QStringLiteral(".wav"))
                    return QHttpServerResponse("audio/x-wav", m_wav);
                if (file == QStringLiteral("REredirect.wav")) {
                    QHttpServerResponse moved(QHttpServerResponder::StatusCode::Found);
                    moved.addHeader("Location", m_storageUrl.toUtf8());
                    return moved;
                }
                return QHttpServerResponse(QHttpServerResponder::StatusCode::NotFound);
            });
        m_twilioPort = bind(m_twilio);
        QVERIFY(m_twilioPort);
        // Where Twilio redirects media to (S3 in real life): must never see the credentials.
        m_storage.route(QStringLiteral("/media.wav"), [this](const QHttpServerRequest &request) {
            ++m_storageRequests;
            m_storageAuthorization = request.value("Authorization");
            return QHttpServerResponse("audio/x-wav", m_wav);
        });
        const quint16 storagePort = bind(m_storage);
        QVERIFY(storagePort);
        m_storageUrl = QStringLiteral("http://127.0.0.1:%1/media.wav").arg(storagePort);
        // Another host on the same machine, counting every connection attempt.
        QVERIFY(m_elsewhere.listen(QHostAddress::LocalHost));
        connect(&m_elsewhere, &QTcpServer::newConnection, this,
                [this] { ++m_elsewhereConnections; });

        m_settings =
            std::make_unique<AppSettings>(m_dir.filePath(QStringLiteral("settings.ini")), nullptr);
        m_settings->setDatabaseUrl(QStringLiteral("sqlite:") +
                                   m_dir.filePath(QStringLiteral("calls.db")));
        m_settings->setTwilioApiUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_twilioPort));
        m_database = std::make_unique<Database>(
            *DatabaseUrl::parse(m_settings->databaseUrl(), nullptr), QStringLiteral("test"));
        QString error;
        QVERIFY2(m_database->openAndMigrate(&error), qPrintable(error));
        m_log.open(m_settings->databaseUrl());
        QTRY_VERIFY2_WITH_TIMEOUT(m_log.isAvailable(), qPrintable(m_log.errorMessage()), 10000);
    }

    void init()
    {
        // A fresh call with its voicemail not downloaded yet.
        QSqlQuery query(m_database->connection());
        QVERIFY(query.exec(QStringLiteral("DELETE FROM voicemails")));
        QVERIFY(query.exec(QStringLiteral("DELETE FROM call_events")));
        QVERIFY(query.exec(QStringLiteral("DELETE FROM calls")));
        CallWriter writer(*m_database);
        QVERIFY(recordVoicemailCall(writer, recordingUrl(voicemailRecordingSid), 2));
        m_twilioRequests = m_storageRequests = m_elsewhereConnections = 0;
        m_seenAuthorization.clear();
        m_storageAuthorization.clear();
    }

    void fetchesWithBasicAuthAndStoresTheAudio()
    {
        VoicemailFetcher fetcher(m_settings.get(), &m_log);
        QSignalSpy fetched(&fetcher, &VoicemailFetcher::fetched);
        QSignalSpy failed(&fetcher, &VoicemailFetcher::failed);
        fetcher.fetch(voicemailCallSid, recordingUrl(voicemailRecordingSid), credentials());
        QVERIFY(fetcher.isFetching(voicemailCallSid));
        QTRY_COMPARE_WITH_TIMEOUT(fetched.count() + failed.count(), 1, 10000);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(1).toString()));
        QCOMPARE(fetched.first().first().toString(), voicemailCallSid);
        QCOMPARE(m_twilioRequests, 1);
        QCOMPARE(
            m_seenAuthorization,
            "Basic " +
                QByteArray(voicemailAccountSid.toUtf8() + ':' + authToken.toUtf8()).toBase64());

        CallReader reader(*m_database);
        QString contentType;
        const QByteArray stored = reader.voicemailAudio(voicemailCallSid, &contentType);
        const QString sha256 = QString::fromLatin1(
            QCryptographicHash::hash(m_wav, QCryptographicHash::Sha256).toHex());
        QCOMPARE(QCryptographicHash::hash(stored, QCryptographicHash::Sha256).toHex(),
                 sha256.toLatin1());
        QCOMPARE(contentType, QStringLiteral("audio/x-wav"));
        const auto call = reader.call(voicemailCallSid);
        QVERIFY(call && call->voicemail);
        QCOMPARE(call->voicemail->sha256, sha256);
        QCOMPARE(call->voicemail->downloadState, DownloadState::Downloaded);
    }

    // The log's server takes the connection and never answers (libpq waits its connect
    // timeout, 5 s): the fetched audio is stored from a thread of its own, the window answers
    // meanwhile, and the failure says why.
    void aSilentLogServerDoesNotHoldTheWindow()
    {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        CallLog log;
        log.setRetryInterval(3600 * 1000);
        QSignalSpy availability(&log, &CallLog::availabilityChanged);
        log.open(QStringLiteral("postgresql://switchboard:secret@127.0.0.1:%1/switchboard")
                     .arg(silent.serverPort()));
        QTRY_COMPARE_WITH_TIMEOUT(availability.count(), 1, 30000); // its own attempt timed out
        while (silent.hasPendingConnections())
            delete silent.nextPendingConnection();

        VoicemailFetcher fetcher(m_settings.get(), &log);
        QSignalSpy failed(&fetcher, &VoicemailFetcher::failed);
        EventLoopWatch watch;
        fetcher.fetch(voicemailCallSid, recordingUrl(voicemailRecordingSid), credentials());
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        watch.stop();

        QVERIFY2(
            watch.longestStallMs() < 2000,
            qPrintable(QStringLiteral("the window froze for %1 ms").arg(watch.longestStallMs())));
        QCOMPARE(m_twilioRequests, 1);
        QVERIFY(silent.hasPendingConnections()); // the store did reach the server
        const QString message = failed.first().at(1).toString();
        QVERIFY2(message.contains(QLatin1String("cannot store it")) &&
                     message.contains(QLatin1String("timeout")),
                 qPrintable(message));
        QVERIFY(!fetcher.isFetching(voicemailCallSid));
    }

    void refusesAnotherHostWithoutSendingAnything_data()
    {
        QTest::addColumn<QString>("url");
        const QString path = QStringLiteral("/2010-04-01/Accounts/%1/Recordings/%2")
                                 .arg(voicemailAccountSid, voicemailRecordingSid);
        QTest::newRow("another port")
            << QStringLiteral("http://127.0.0.1:%1").arg(m_elsewhere.serverPort()) + path;
        QTest::newRow("another host name")
            << QStringLiteral("http://localhost:%1").arg(m_twilioPort) + path;
        QTest::newRow("another scheme")
            << QStringLiteral("https://127.0.0.1:%1").arg(m_twilioPort) + path;
        QTest::newRow("another account")
            << recordingUrl(voicemailRecordingSid)
                   .replace(voicemailAccountSid,
                            QStringLiteral("ACffffffffffffffffffffffffffffffff"));
    }

    void refusesAnotherHostWithoutSendingAnything()
    {
        QFETCH(QString, url);
        VoicemailFetcher fetcher(m_settings.get(), &m_log);
        QSignalSpy fetched(&fetcher, &VoicemailFetcher::fetched);
        QSignalSpy failed(&fetcher, &VoicemailFetcher::failed);
        fetcher.fetch(voicemailCallSid, url, credentials());
        QTRY_COMPARE(failed.count(), 1);
        QVERIFY2(failed.first().at(1).toString().startsWith(
                     QStringLiteral("Refused to send the Twilio credentials")),
                 qPrintable(failed.first().at(1).toString()));
        // Nothing was even started, so nothing can reach a server later: no download, no reply.
        QVERIFY(fetcher.findChildren<RecordingDownload *>().isEmpty());
        QVERIFY(fetcher.findChildren<QNetworkReply *>().isEmpty());
        QCOMPARE(fetched.count(), 0);
        QCOMPARE(m_elsewhereConnections, 0);
        QCOMPARE(m_twilioRequests, 0);
        CallReader reader(*m_database);
        QVERIFY(reader.voicemailAudio(voicemailCallSid).isEmpty());
    }

    void refusesPlainHttpToARemoteApi()
    {
        AppSettings settings(m_dir.filePath(QStringLiteral("remote.ini")), nullptr);
        settings.setDatabaseUrl(m_settings->databaseUrl());
        settings.setTwilioApiUrl(QStringLiteral("http://api.twilio.com"));
        VoicemailFetcher fetcher(&settings, &m_log);
        QSignalSpy failed(&fetcher, &VoicemailFetcher::failed);
        fetcher.fetch(voicemailCallSid,
                      QStringLiteral("http://api.twilio.com/2010-04-01/Accounts/%1/Recordings/%2")
                          .arg(voicemailAccountSid, voicemailRecordingSid),
                      credentials());
        QTRY_COMPARE(failed.count(), 1);
        QVERIFY2(failed.first().at(1).toString().contains(QStringLiteral("HTTPS")),
                 qPrintable(failed.first().at(1).toString()));
    }

    void wrongCredentialsFailClearly()
    {
        VoicemailFetcher fetcher(m_settings.get(), &m_log);
        QSignalSpy fetched(&fetcher, &VoicemailFetcher::fetched);
        QSignalSpy failed(&fetcher, &VoicemailFetcher::failed);
        fetcher.fetch(voicemailCallSid, recordingUrl(voicemailRecordingSid),
                      {voicemailAccountSid, QStringLiteral("wrong-token")});
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        const QString message = failed.first().at(1).toString();
        QVERIFY2(message.contains(QStringLiteral("refused the credentials")) &&
                     message.contains(QStringLiteral("401")),
                 qPrintable(message));
        QCOMPARE(m_twilioRequests, 1);
        QCOMPARE(fetched.count(), 0);
        QVERIFY(CallReader(*m_database).voicemailAudio(voicemailCallSid).isEmpty());
    }

    void missingCredentialsFailWithoutARequest()
    {
        VoicemailFetcher fetcher(m_settings.get(), &m_log);
        QSignalSpy failed(&fetcher, &VoicemailFetcher::failed);
        fetcher.fetch(voicemailCallSid, recordingUrl(voicemailRecordingSid), {});
        QTRY_COMPARE(failed.count(), 1);
        QVERIFY(failed.first().at(1).toString().contains(QStringLiteral("Settings")));
        QCOMPARE(m_twilioRequests, 0);
    }

    void followsARedirectElsewhereWithoutTheCredentials()
    {
        VoicemailFetcher fetcher(m_settings.get(), &m_log);
        QSignalSpy fetched(&fetcher, &VoicemailFetcher::fetched);
        QSignalSpy failed(&fetcher, &VoicemailFetcher::failed);
        fetcher.fetch(voicemailCallSid, recordingUrl(QStringLiteral("REredirect")), credentials());
        QTRY_COMPARE_WITH_TIMEOUT(fetched.count() + failed.count(), 1, 10000);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(1).toString()));
        QCOMPARE(m_twilioRequests, 1);
        QCOMPARE(m_storageRequests, 1);
        QVERIFY2(m_storageAuthorization.isEmpty(), m_storageAuthorization.constData());
        QCOMPARE(CallReader(*m_database).voicemailAudio(voicemailCallSid), m_wav);
    }

private:
    QString recordingUrl(const QString &recordingSid) const
    {
        return QStringLiteral("http://127.0.0.1:%1/2010-04-01/Accounts/%2/Recordings/%3")
            .arg(m_twilioPort)
            .arg(voicemailAccountSid, recordingSid);
    }
    static TwilioCredentials credentials() { return {voicemailAccountSid, authToken}; }

    QTemporaryDir m_dir;
    QByteArray m_wav;
    QHttpServer m_twilio;
    quint16 m_twilioPort = 0;
    QHttpServer m_storage;
    QString m_storageUrl;
    QTcpServer m_elsewhere;
    int m_twilioRequests = 0;
    int m_storageRequests = 0;
    int m_elsewhereConnections = 0;
    QByteArray m_seenAuthorization;
    QByteArray m_storageAuthorization;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<Database> m_database;
    CallLog m_log; // the feed's log, whose connection the fetcher stores through
};

QTEST_GUILESS_MAIN(TestVoicemailFetcher)

#include "TestVoicemailFetcher.moc"
