#include "db/CallReader.h"
#include "db/Database.h"
#include "db/VoicemailStore.h"
#include "MediaServer.h"
#include "ReliabilityLog.h"
#include "ServiceHarness.h"
#include "Wav.h"

#include <QElapsedTimer>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ReliabilityLog;
using Switchboard::Testing::ServiceHarness;

// How the service brings voicemails in, against the real binary and a recording host of this
// process's own ("Twilio's").
class TestRecordingDownloads final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Twilio sends a recording status callback once: refused at a cap or cut under load, it
    // never comes. The voicemail the <Record> action left is fetched all the same, a few
    // seconds later, not left pending (it used to wait a minute, then for the next look).
    void voicemailWhoseStatusCallbackNeverCameIsFetched()
    {
        ServiceHarness harness;
        MediaServer media(ServiceHarness::accountSid, ServiceHarness::authToken.toUtf8());
        QVERIFY(media.listen(QHostAddress::LocalHost, harness.mediaPort()));
        QVERIFY(harness.startService());
        const QString callSid = QStringLiteral("CA") + QString(32, QLatin1Char('7'));
        const QString recordingSid = QStringLiteral("RE") + QString(32, QLatin1Char('7'));
        const QString recordingUrl = media.addRecording(recordingSid, 2);
        FormData call{{QStringLiteral("AccountSid"), ServiceHarness::accountSid},
                      {QStringLiteral("CallSid"), callSid},
                      {QStringLiteral("CallStatus"), QStringLiteral("ringing")},
                      {QStringLiteral("From"), QStringLiteral("+14155550100")},
                      {QStringLiteral("To"), QStringLiteral("+14155550199")}};
        QCOMPARE(harness.postWebhook(QStringLiteral("/twilio/voice"), call).status, 200);
        FormData action{{QStringLiteral("AccountSid"), ServiceHarness::accountSid},
                        {QStringLiteral("CallSid"), callSid},
                        {QStringLiteral("CallStatus"), QStringLiteral("completed")},
                        {QStringLiteral("From"), QStringLiteral("+14155550100")},
                        {QStringLiteral("To"), QStringLiteral("+14155550199")},
                        {QStringLiteral("RecordingUrl"), recordingUrl},
                        {QStringLiteral("RecordingSid"), recordingSid},
                        {QStringLiteral("RecordingDuration"), QStringLiteral("2")}};
        QElapsedTimer waited;
        waited.start();
        QCOMPARE(harness.postWebhook(QStringLiteral("/twilio/recording"), action).status, 200);
        // No /twilio/recording-status follows. Bounded well below the minute it used to take.
        QTRY_VERIFY_WITH_TIMEOUT(media.fetchCount(recordingSid) > 0,
                                 (VoicemailStore::kStatusCallbackGraceSeconds + 20) * 1000);
        const qint64 fetchedMs = waited.elapsed();
        QVERIFY(harness.waitForDownloads(20000));
        qInfo("fetched %lld ms after the <Record> action, with no status callback", fetchedMs);
        QString error;
        auto db = harness.openDatabase(QStringLiteral("downloads-reader"),
                                       ServiceHarness::Schema::AsItIs, &error);
        QVERIFY2(db, qPrintable(error));
        CallReader reader(*db);
        QCOMPARE(reader.call(callSid)->voicemail->downloadState, DownloadState::Downloaded);
        QCOMPARE(reader.voicemailAudio(callSid), Wav::tone(2));
        ReliabilityLog::record(
            QStringLiteral("fault"),
            QStringLiteral("a voicemail's recording status callback never arriving (refused at "
                           "a cap or cut; Twilio does not send it again)"),
            QStringLiteral("fetched %1 ms after the Record verb's action webhook and stored "
                           "byte for byte")
                .arg(fetchedMs));
    }
};

QTEST_GUILESS_MAIN(TestRecordingDownloads)
#include "TestRecordingDownloads.moc"
