#include "db/CallReader.h"
#include "db/Database.h"
#include "ServiceHarness.h"
#include "twilio/RequestSignature.h"
#include "Wav.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSqlQuery>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

// The real service binary on a loopback port with a real SQLite file, driven by the real
// simulator through every branch of the call flow; checked the way a user would: through
// `switchboard-service export` and the database the desktop app reads.
class TestServiceEndToEnd final : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServiceHarness> m_harness;

    // Places one call and returns it as `export` shows it.
    QJsonObject placeCall(const QStringList &simArgs)
    {
        const ServiceHarness::SimResult sim = m_harness->runSim(simArgs);
        if (sim.exitCode != 0)
            qWarning().noquote() << sim.output << m_harness->serviceOutput();
        [&] { QCOMPARE(sim.exitCode, 0); }();
        [&] { QVERIFY(m_harness->waitForDownloads()); }();
        [&] {
            QVERIFY2(!m_harness->serviceOutput().contains(ServiceHarness::authToken),
                     "the auth token must never be logged");
        }();
        const QJsonArray calls = exportedCalls();
        [&] { QCOMPARE(calls.size(), 1); }();
        return calls.isEmpty() ? QJsonObject() : calls.first().toObject();
    }

    QJsonArray exportedCalls() { return QJsonDocument::fromJson(m_harness->exportLog()).array(); }

    std::unique_ptr<Database> openLog()
    {
        QString error;
        static int connections = 0;
        auto db = std::make_unique<Database>(*DatabaseUrl::parse(m_harness->databaseUrl(), &error),
                                             QStringLiteral("e2e-reader-%1").arg(++connections));
        if (!db->open(&error))
            qWarning() << error;
        return db;
    }

    // How many times the call reached the menu webhook (a key press, or silence).
    qsizetype menuWebhooks(const QJsonObject &call)
    {
        auto db = openLog();
        CallReader reader(*db);
        const auto timeline = reader.timeline(call[QStringLiteral("call_sid")].toString());
        return std::count_if(timeline.cbegin(), timeline.cend(), [](const CallEvent &event) {
            return event.kind == WebhookKind::Menu;
        });
    }

    int countRows(const QString &table)
    {
        auto db = openLog();
        QSqlQuery query(db->connection());
        return query.exec(QStringLiteral("SELECT COUNT(*) FROM ") + table) && query.next()
                   ? query.value(0).toInt()
                   : -1;
    }

    int post(const QString &path, const FormData &params, const QByteArray &signature)
    {
        QNetworkAccessManager network;
        QNetworkRequest request(QUrl(m_harness->serviceUrl() + path));
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded"));
        if (!signature.isNull())
            request.setRawHeader("X-Twilio-Signature", signature);
        QNetworkReply *reply = network.post(request, params.encode());
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        reply->deleteLater();
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }

    static FormData incomingCallParams(const QString &accountSid)
    {
        return {{QStringLiteral("AccountSid"), accountSid},
                {QStringLiteral("CallSid"), QStringLiteral("CAffffffffffffffffffffffffffffffff")},
                {QStringLiteral("CallStatus"), QStringLiteral("ringing")},
                {QStringLiteral("From"), QStringLiteral("+14155550100")},
                {QStringLiteral("To"), QStringLiteral("+14155550199")}};
    }

private Q_SLOTS:
    void init()
    {
        m_harness = std::make_unique<ServiceHarness>();
        QVERIFY2(m_harness->startService(), qPrintable(m_harness->serviceOutput()));
    }

    void cleanup() { m_harness.reset(); }

    void pressOneAndTheStaffAnswers()
    {
        const QJsonObject call = placeCall(
            {QStringLiteral("--press"), QStringLiteral("1"), QStringLiteral("--answer"),
             QStringLiteral("talk:30"), QStringLiteral("--caller-name"), QStringLiteral("Jane Doe"),
             QStringLiteral("--from-city"), QStringLiteral("Oakland")});
        QCOMPARE(call[QStringLiteral("outcome")].toString(), QStringLiteral("answered"));
        QCOMPARE(call[QStringLiteral("status")].toString(), QStringLiteral("completed"));
        QCOMPARE(call[QStringLiteral("menu_choice")].toString(), QStringLiteral("forward"));
        QCOMPARE(call[QStringLiteral("forwarded_to")].toString(), ServiceHarness::forwardTo);
        QCOMPARE(call[QStringLiteral("dial_status")].toString(), QStringLiteral("completed"));
        QCOMPARE(call[QStringLiteral("talk_duration_s")].toInt(), 30);
        QVERIFY(call[QStringLiteral("duration_s")].toInt() >= 30);
        QCOMPARE(call[QStringLiteral("caller_name")].toString(), QStringLiteral("Jane Doe"));
        QCOMPARE(call[QStringLiteral("from_city")].toString(), QStringLiteral("Oakland"));
        QVERIFY(call[QStringLiteral("call_sid")].toString().startsWith(QLatin1String("CA")));
        QVERIFY(!call[QStringLiteral("answered_at")].isNull());
        QVERIFY(!call[QStringLiteral("ended_at")].isNull());
        QVERIFY(call[QStringLiteral("voicemail")].isNull());
    }

    void pressOneNobodyAnswersThenVoicemail()
    {
        const QJsonObject call =
            placeCall({QStringLiteral("--press"), QStringLiteral("1"), QStringLiteral("--answer"),
                       QStringLiteral("no-answer"), QStringLiteral("--voicemail-seconds"),
                       QStringLiteral("6")});
        QCOMPARE(call[QStringLiteral("outcome")].toString(), QStringLiteral("voicemail"));
        QCOMPARE(call[QStringLiteral("dial_status")].toString(), QStringLiteral("no-answer"));
        QVERIFY(call[QStringLiteral("answered_at")].isNull());
        const QJsonObject voicemail = call[QStringLiteral("voicemail")].toObject();
        QCOMPARE(voicemail[QStringLiteral("duration_s")].toInt(), 6);
        QCOMPARE(voicemail[QStringLiteral("download_state")].toString(),
                 QStringLiteral("downloaded"));
    }

    void pressOneBusyThenVoicemail()
    {
        const QJsonObject call = placeCall(
            {QStringLiteral("--press"), QStringLiteral("1"), QStringLiteral("--answer"),
             QStringLiteral("busy"), QStringLiteral("--voicemail-seconds"), QStringLiteral("3")});
        QCOMPARE(call[QStringLiteral("outcome")].toString(), QStringLiteral("voicemail"));
        QCOMPARE(call[QStringLiteral("dial_status")].toString(), QStringLiteral("busy"));
    }

    void pressTwoStoresTheAudioByteForByte()
    {
        const QJsonObject call =
            placeCall({QStringLiteral("--press"), QStringLiteral("2"),
                       QStringLiteral("--voicemail-seconds"), QStringLiteral("12")});
        QCOMPARE(call[QStringLiteral("outcome")].toString(), QStringLiteral("voicemail"));
        QCOMPARE(call[QStringLiteral("menu_choice")].toString(), QStringLiteral("voicemail"));
        const QJsonObject voicemail = call[QStringLiteral("voicemail")].toObject();
        QCOMPARE(voicemail[QStringLiteral("download_state")].toString(),
                 QStringLiteral("downloaded"));
        QCOMPARE(voicemail[QStringLiteral("duration_s")].toInt(), 12);

        const QByteArray served = Wav::tone(12);
        auto db = openLog();
        CallReader reader(*db);
        const QByteArray stored =
            reader.voicemailAudio(call[QStringLiteral("call_sid")].toString());
        QCOMPARE(stored.size(), served.size());
        QVERIFY(stored == served);
        QCOMPARE(voicemail[QStringLiteral("bytes")].toInteger(), served.size());
        QCOMPARE(voicemail[QStringLiteral("sha256")].toString(),
                 QString::fromLatin1(
                     QCryptographicHash::hash(served, QCryptographicHash::Sha256).toHex()));
    }

    void invalidKeyThenTwo()
    {
        const QJsonObject call =
            placeCall({QStringLiteral("--press"), QStringLiteral("9,2"),
                       QStringLiteral("--voicemail-seconds"), QStringLiteral("4")});
        QCOMPARE(call[QStringLiteral("outcome")].toString(), QStringLiteral("voicemail"));
        QCOMPARE(call[QStringLiteral("menu_choice")].toString(), QStringLiteral("voicemail"));
        const auto menuEvents = menuWebhooks(call);
        QCOMPARE(menuEvents, 2);
    }

    void silenceUntilVoicemail()
    {
        const QJsonObject call =
            placeCall({QStringLiteral("--voicemail-seconds"), QStringLiteral("5")});
        QCOMPARE(call[QStringLiteral("outcome")].toString(), QStringLiteral("voicemail"));
        QVERIFY(call[QStringLiteral("menu_choice")].isNull());
        const auto menuEvents = menuWebhooks(call);
        QCOMPARE(menuEvents, 3); // the menu played three times (the default), then voicemail
    }

    void hangUpInTheMenuIsAbandoned()
    {
        const QJsonObject call = placeCall({QStringLiteral("--hangup-in-menu")});
        QCOMPARE(call[QStringLiteral("outcome")].toString(), QStringLiteral("abandoned"));
        QCOMPARE(call[QStringLiteral("status")].toString(), QStringLiteral("completed"));
        QVERIFY(call[QStringLiteral("menu_choice")].isNull());
        QVERIFY(!call[QStringLiteral("ended_at")].isNull());
    }

    void forgedOrMissingSignatureIsRefusedAndWritesNothing()
    {
        const FormData params = incomingCallParams(ServiceHarness::accountSid);
        const QString url = m_harness->serviceUrl() + QStringLiteral("/twilio/voice");
        QCOMPARE(post(QStringLiteral("/twilio/voice"), params, QByteArray()), 403);
        QCOMPARE(post(QStringLiteral("/twilio/voice"), params,
                      RequestSignature::compute("wrong-token", url, params)),
                 403);
        FormData tampered = params;
        tampered.set(QStringLiteral("From"), QStringLiteral("+19995550100"));
        QCOMPARE(post(QStringLiteral("/twilio/voice"), tampered,
                      RequestSignature::compute(ServiceHarness::authToken.toUtf8(), url, params)),
                 403);
        const FormData otherAccount =
            incomingCallParams(QStringLiteral("AC99999999999999999999999999999999"));
        QCOMPARE(
            post(QStringLiteral("/twilio/voice"), otherAccount,
                 RequestSignature::compute(ServiceHarness::authToken.toUtf8(), url, otherAccount)),
            403);
        QCOMPARE(countRows(QStringLiteral("calls")), 0);
        QCOMPARE(countRows(QStringLiteral("call_events")), 0);

        // The same request, correctly signed, is accepted: the refusals above were for cause.
        QCOMPARE(post(QStringLiteral("/twilio/voice"), params,
                      RequestSignature::compute(ServiceHarness::authToken.toUtf8(), url, params)),
                 200);
        QCOMPARE(countRows(QStringLiteral("calls")), 1);
    }

    void duplicateAndOutOfOrderCallbacks()
    {
        const QJsonObject call = placeCall(
            {QStringLiteral("--press"), QStringLiteral("2"), QStringLiteral("--voicemail-seconds"),
             QStringLiteral("3"), QStringLiteral("--duplicate-callbacks"),
             QStringLiteral("--late-status"), QStringLiteral("ringing")});
        QCOMPARE(call[QStringLiteral("status")].toString(), QStringLiteral("completed"));
        QCOMPARE(call[QStringLiteral("outcome")].toString(), QStringLiteral("voicemail"));
        QVERIFY(!call[QStringLiteral("ended_at")].isNull());
        auto db = openLog();
        QSqlQuery query(db->connection());
        QVERIFY(query.exec(QStringLiteral("SELECT kind, COUNT(*) FROM call_events GROUP BY kind")));
        QHash<QString, int> events;
        while (query.next())
            events.insert(query.value(0).toString(), query.value(1).toInt());
        QCOMPARE(events.value(QStringLiteral("recording-status")), 1); // sent twice, kept once
        QCOMPARE(events.value(QStringLiteral("status")), 2); // completed, then the late ringing
        QCOMPARE(countRows(QStringLiteral("voicemails")), 1);
    }

    void downloadFailsTwiceThenSucceeds()
    {
        const QJsonObject call = placeCall(
            {QStringLiteral("--press"), QStringLiteral("2"), QStringLiteral("--voicemail-seconds"),
             QStringLiteral("4"), QStringLiteral("--fail-downloads"), QStringLiteral("2")});
        QCOMPARE(call[QStringLiteral("voicemail")]
                     .toObject()[QStringLiteral("download_state")]
                     .toString(),
                 QStringLiteral("downloaded"));
        auto db = openLog();
        CallReader reader(*db);
        const auto record = reader.call(call[QStringLiteral("call_sid")].toString());
        QVERIFY(record && record->voicemail);
        QCOMPARE(record->voicemail->downloadAttempts, 3);
        QCOMPARE(reader.voicemailAudio(record->callSid), Wav::tone(4));
    }

    void healthzAnswers()
    {
        QNetworkAccessManager network;
        QNetworkReply *reply = network.get(
            QNetworkRequest(QUrl(m_harness->serviceUrl() + QStringLiteral("/healthz"))));
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        delete reply;
    }
};

QTEST_GUILESS_MAIN(TestServiceEndToEnd)
#include "TestServiceEndToEnd.moc"
