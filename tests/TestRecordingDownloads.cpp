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

namespace {

struct LeftVoicemail
{
    QString callSid;
    QString recordingSid;
};

// A call that leaves a two-second voicemail: its first webhook and its <Record> action, with no
// recording status callback after them. `digit` tells the calls apart.
LeftVoicemail leaveVoicemailWithoutStatusCallback(ServiceHarness &harness, MediaServer &media,
                                                  QChar digit)
{
    const LeftVoicemail voicemail{QStringLiteral("CA") + QString(32, digit),
                                  QStringLiteral("RE") + QString(32, digit)};
    const QString recordingUrl = media.addRecording(voicemail.recordingSid, 2);
    FormData call{{QStringLiteral("AccountSid"), ServiceHarness::accountSid},
                  {QStringLiteral("CallSid"), voicemail.callSid},
                  {QStringLiteral("CallStatus"), QStringLiteral("ringing")},
                  {QStringLiteral("From"), QStringLiteral("+14155550100")},
                  {QStringLiteral("To"), QStringLiteral("+14155550199")}};
    if (harness.postWebhook(QStringLiteral("/twilio/voice"), call).status != 200)
        return {};
    FormData action = call;
    action.set(QStringLiteral("CallStatus"), QStringLiteral("completed"));
    action.set(QStringLiteral("RecordingUrl"), recordingUrl);
    action.set(QStringLiteral("RecordingSid"), voicemail.recordingSid);
    action.set(QStringLiteral("RecordingDuration"), QStringLiteral("2"));
    if (harness.postWebhook(QStringLiteral("/twilio/recording"), action).status != 200)
        return {};
    return voicemail;
}

} // namespace

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
        QElapsedTimer waited;
        waited.start();
        const LeftVoicemail voicemail =
            leaveVoicemailWithoutStatusCallback(harness, media, QLatin1Char('7'));
        QVERIFY(!voicemail.callSid.isEmpty());
        // No /twilio/recording-status follows. Bounded well below the minute it used to take.
        QTRY_VERIFY_WITH_TIMEOUT(media.fetchCount(voicemail.recordingSid) > 0,
                                 (VoicemailStore::kStatusCallbackGraceSeconds + 20) * 1000);
        const qint64 fetchedMs = waited.elapsed();
        QVERIFY(harness.waitForDownloads(20000));
        qInfo("fetched %lld ms after the <Record> action, with no status callback", fetchedMs);
        QString error;
        auto db = harness.openDatabase(QStringLiteral("downloads-reader"),
                                       ServiceHarness::Schema::AsItIs, &error);
        QVERIFY2(db, qPrintable(error));
        CallReader reader(*db);
        QCOMPARE(reader.call(voicemail.callSid)->voicemail->downloadState,
                 DownloadState::Downloaded);
        QCOMPARE(reader.voicemailAudio(voicemail.callSid), Wav::tone(2));
        ReliabilityLog::record(
            QStringLiteral("fault"),
            QStringLiteral("a voicemail's recording status callback never arriving (refused at "
                           "a cap or cut; Twilio does not send it again)"),
            QStringLiteral("fetched %1 ms after the Record verb's action webhook and stored "
                           "byte for byte")
                .arg(fetchedMs));
    }

    // One timer serves every voicemail waiting out the grace: when it fires for the first, the
    // second is not due yet, and the timer must be set again for it (else it waits for the
    // next periodic sweep).
    void laterVoicemailsWithoutStatusCallbackAreEachFetchedAfterTheirGrace()
    {
        ServiceHarness harness;
        MediaServer media(ServiceHarness::accountSid, ServiceHarness::authToken.toUtf8());
        QVERIFY(media.listen(QHostAddress::LocalHost, harness.mediaPort()));
        QVERIFY(harness.startService());
        const LeftVoicemail first =
            leaveVoicemailWithoutStatusCallback(harness, media, QLatin1Char('1'));
        QVERIFY(!first.callSid.isEmpty());
        // The second's grace then ends about halfway between two of the periodic sweeps
        // (every 15 s from the start), which cannot stand in for the timer.
        QTest::qWait(7000);
        QElapsedTimer waited;
        waited.start();
        const LeftVoicemail second =
            leaveVoicemailWithoutStatusCallback(harness, media, QLatin1Char('2'));
        QVERIFY(!second.callSid.isEmpty());
        const int graceMs = VoicemailStore::kStatusCallbackGraceSeconds * 1000;
        QTRY_VERIFY_WITH_TIMEOUT(media.fetchCount(first.recordingSid) > 0, graceMs);
        QTRY_VERIFY_WITH_TIMEOUT(media.fetchCount(second.recordingSid) > 0, graceMs + 20000);
        const qint64 fetchedMs = waited.elapsed();
        qInfo("the second fetched %lld ms after its <Record> action", fetchedMs);
        QVERIFY2(fetchedMs < graceMs + 5000, "the second voicemail waited past its own grace");
        QVERIFY(harness.waitForDownloads(20000));
    }
};

QTEST_GUILESS_MAIN(TestRecordingDownloads)
#include "TestRecordingDownloads.moc"
