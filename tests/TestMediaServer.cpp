#include "MediaServer.h"
#include "Wav.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QtEndian>
#include <QTest>

using namespace Switchboard;

// The sim's stand-in for Twilio's media host, exercised over real loopback HTTP.
class TestMediaServer final : public QObject
{
    Q_OBJECT

    static inline const QString accountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
    static inline const QByteArray authToken = QByteArrayLiteral("secret");
    static inline const QString recordingSid = QStringLiteral("RE0123456789abcdef0123456789abcdef");

    struct Answer
    {
        int status = 0;
        QByteArray body;
        QString contentType;
        QByteArray wwwAuthenticate;
    };

    std::unique_ptr<MediaServer> m_server;
    QNetworkAccessManager m_network;

    static QByteArray basic(const QString &user, const QByteArray &password)
    {
        return "Basic " + QByteArray(user.toUtf8() + ':' + password).toBase64();
    }

    Answer request(const QByteArray &verb, const QString &url, const QByteArray &authorization)
    {
        QNetworkRequest request{QUrl(url)};
        if (!authorization.isEmpty())
            request.setRawHeader("Authorization", authorization);
        QNetworkReply *reply = m_network.sendCustomRequest(request, verb);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        Answer answer;
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.body = reply->readAll();
        answer.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toString();
        answer.wwwAuthenticate = reply->rawHeader("WWW-Authenticate");
        reply->deleteLater();
        return answer;
    }

    Answer get(const QString &url, const QByteArray &authorization = basic(accountSid, authToken))
    {
        return request("GET", url, authorization);
    }

    QString wavUrl(const QString &sid = recordingSid) const
    {
        return m_server->recordingUrl(sid) + QStringLiteral(".wav");
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<MediaServer>(accountSid, authToken);
        QString error;
        QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        QVERIFY(m_server->port() != 0);
    }

    void cleanup() { m_server.reset(); }

    void recordingUrlHasTwiliosShape()
    {
        const QString url = m_server->addRecording(recordingSid, 3);
        QCOMPARE(url, QStringLiteral("http://127.0.0.1:%1/2010-04-01/Accounts/%2/Recordings/%3")
                          .arg(m_server->port())
                          .arg(accountSid, recordingSid));
        QVERIFY(!url.endsWith(QLatin1String(".wav"))); // Twilio's RecordingUrl has no extension
    }

    void refusesWithoutCredentials()
    {
        m_server->addRecording(recordingSid, 3);
        const Answer answer = get(wavUrl(), QByteArray());
        QCOMPARE(answer.status, 401);
        QVERIFY(answer.wwwAuthenticate.startsWith("Basic"));
        QCOMPARE(m_server->fetchCount(recordingSid), 0);
    }

    void refusesWrongCredentials()
    {
        m_server->addRecording(recordingSid, 3);
        QCOMPARE(get(wavUrl(), basic(accountSid, "wrong")).status, 401);
        QCOMPARE(
            get(wavUrl(), basic(QStringLiteral("AC99999999999999999999999999999999"), authToken))
                .status,
            401);
        QCOMPARE(get(wavUrl(), "Bearer " + authToken).status, 401);
        QCOMPARE(m_server->fetchCount(recordingSid), 0);
        QVERIFY(!m_server->allFetched());
    }

    void servesTheExactWav()
    {
        m_server->addRecording(recordingSid, 5);
        QSignalSpy fetched(m_server.get(), &MediaServer::recordingFetched);
        QSignalSpy all(m_server.get(), &MediaServer::everyRecordingFetched);

        const Answer answer = get(wavUrl());
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.contentType, QStringLiteral("audio/x-wav"));
        QCOMPARE(answer.body, Wav::tone(5));

        // A canonical RIFF/WAVE header for 8 kHz, 16-bit, mono PCM of exactly 5 s.
        const QByteArray &wav = answer.body;
        const int dataBytes = 5 * 8000 * 2;
        QCOMPARE(wav.size(), 44 + dataBytes);
        const auto u32 = [&](int at) { return qFromLittleEndian<quint32>(wav.constData() + at); };
        const auto u16 = [&](int at) { return qFromLittleEndian<quint16>(wav.constData() + at); };
        QCOMPARE(wav.left(4), QByteArray("RIFF"));
        QCOMPARE(u32(4), quint32(36 + dataBytes));
        QCOMPARE(wav.mid(8, 8), QByteArray("WAVEfmt "));
        QCOMPARE(u32(16), 16u);
        QCOMPARE(u16(20), quint16(1)); // PCM
        QCOMPARE(u16(22), quint16(1)); // mono
        QCOMPARE(u32(24), 8000u);
        QCOMPARE(u32(28), 16000u);
        QCOMPARE(u16(32), quint16(2));
        QCOMPARE(u16(34), quint16(16));
        QCOMPARE(wav.mid(36, 4), QByteArray("data"));
        QCOMPARE(u32(40), quint32(dataBytes));
        // Not silence: the service and the app must have something to play.
        qint16 peak = 0;
        for (int i = 44; i + 1 < wav.size(); i += 2)
            peak = qMax(peak, qAbs(qFromLittleEndian<qint16>(wav.constData() + i)));
        QVERIFY(peak > 5000);

        QCOMPARE(fetched.size(), 1);
        QCOMPARE(fetched.first().at(0).toString(), recordingSid);
        QCOMPARE(all.size(), 1);
        QCOMPARE(m_server->fetchCount(recordingSid), 1);
        QVERIFY(m_server->allFetched());
    }

    void unknownRecordingIs404()
    {
        m_server->addRecording(recordingSid, 2);
        QCOMPARE(get(wavUrl(QStringLiteral("REffffffffffffffffffffffffffffffff"))).status, 404);
        // Another account's path, with this account's credentials.
        QString otherAccount = wavUrl();
        otherAccount.replace(accountSid, QStringLiteral("AC99999999999999999999999999999999"));
        QCOMPARE(get(otherAccount).status, 404);
        QCOMPARE(get(m_server->recordingUrl(recordingSid) + QStringLiteral(".mp3")).status, 404);
        QCOMPARE(m_server->fetchCount(recordingSid), 0);
    }

    void failsTheFirstNDownloads()
    {
        m_server->setFailFirst(2);
        m_server->addRecording(recordingSid, 1);
        QCOMPARE(get(wavUrl(), QByteArray()).status, 401); // unauthenticated: not counted
        QCOMPARE(get(wavUrl()).status, 500);
        QCOMPARE(get(wavUrl()).status, 500);
        QCOMPARE(m_server->fetchCount(recordingSid), 0);
        const Answer third = get(wavUrl());
        QCOMPARE(third.status, 200);
        QCOMPARE(third.body, Wav::tone(1));
        QCOMPARE(get(wavUrl()).status, 200);
        QCOMPARE(m_server->fetchCount(recordingSid), 2);
    }

    void waitsForEveryRecording()
    {
        const QString other = QStringLiteral("REabcdefabcdefabcdefabcdefabcdefab");
        m_server->addRecording(recordingSid, 1);
        m_server->addRecording(other, 2);
        QSignalSpy all(m_server.get(), &MediaServer::everyRecordingFetched);
        QCOMPARE(m_server->unfetchedRecordings().size(), 2);
        QCOMPARE(get(wavUrl()).status, 200);
        QCOMPARE(all.size(), 0);
        QCOMPARE(m_server->unfetchedRecordings(), QStringList{other});
        QVERIFY(!m_server->allFetched());
        QCOMPARE(get(wavUrl(other)).status, 200);
        QCOMPARE(all.size(), 1);
        QVERIFY(m_server->allFetched());
        QCOMPARE(get(wavUrl(other)).status, 200); // fetched again: nothing newly complete
        QCOMPARE(all.size(), 1);
        m_server->addRecording(other, 3); // a new take of it waits to be fetched
        QVERIFY(!m_server->allFetched());
    }

    void deleteRemovesTheRecording()
    {
        m_server->addRecording(recordingSid, 1);
        const QString json = m_server->recordingUrl(recordingSid) + QStringLiteral(".json");
        QCOMPARE(request("DELETE", json, QByteArray()).status, 401);
        QVERIFY(!m_server->allFetched());
        QCOMPARE(request("DELETE", json, basic(accountSid, authToken)).status, 204);
        QVERIFY(m_server->allFetched()); // deleted by the service: evidently stored
        QCOMPARE(get(wavUrl()).status, 404);
    }
};

QTEST_GUILESS_MAIN(TestMediaServer)
#include "TestMediaServer.moc"
