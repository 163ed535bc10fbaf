// The voicemail downloads' statements (VoicemailStore) on a real log of either engine
// (SWITCHBOARD_TEST_POSTGRES picks PostgreSQL): the calls come in through CallWriter as the
// service records them, and a connection of the test's own reads what the store committed.

#include "AppTestData.h"
#include "db/CallReader.h"
#include "db/Database.h"
#include "db/VoicemailStore.h"
#include "support/ServiceHarness.h"

#include <QCryptographicHash>
#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Testing;

namespace {

const QString kCall = QStringLiteral("CA00000000000000000000000000000001");

} // namespace

class TestVoicemailStore final : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServiceHarness> m_harness; // a database of its own for each test
    std::unique_ptr<CallLogWriter> m_log;
    std::unique_ptr<Database> m_db;

    VoicemailStore &store() { return m_log->voicemails(); }
    qint64 revision() { return CallReader(*m_db).call(kCall)->revision; }

    // Twilio's status callback: the recording's media is ready.
    bool recordingReady(const QDateTime &at)
    {
        return m_log->webhook(
            WebhookKind::RecordingStatus, kCall, at,
            {{QStringLiteral("RecordingSid"), QStringLiteral("RE") + kCall.mid(2)},
             {QStringLiteral("RecordingUrl"),
              QStringLiteral("https://api.twilio.test/rec/") + kCall},
             {QStringLiteral("RecordingDuration"), QStringLiteral("20")},
             {QStringLiteral("RecordingStatus"), QStringLiteral("completed")}});
    }

private Q_SLOTS:
    void init()
    {
        m_harness = std::make_unique<ServiceHarness>();
        QString error;
        m_db = m_harness->openDatabase(QStringLiteral("reader"), ServiceHarness::Schema::Migrated,
                                       &error);
        QVERIFY2(m_db, qPrintable(error));
        m_log = std::make_unique<CallLogWriter>(m_db->url());
        QVERIFY(m_log->isOpen());
    }

    void cleanup()
    {
        m_log.reset();
        m_db.reset();
        m_harness.reset();
    }

    void downloadLifecycle()
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(m_log->record(kCall, now, 20));
        // Media is not ready until Twilio says so.
        QVERIFY(store().claimDueDownloads(now, 10, 60).isEmpty());

        QVERIFY(recordingReady(now));
        const auto due = store().claimDueDownloads(now.addMSecs(1), 10, 60);
        QCOMPARE(due.size(), 1);
        QCOMPARE(due.first().callSid, kCall);
        QCOMPARE(due.first().recordingSid, QStringLiteral("RE") + kCall.mid(2));
        QCOMPARE(due.first().recordingUrl, QStringLiteral("https://api.twilio.test/rec/") + kCall);
        QCOMPARE(due.first().attempts, 0);
        QVERIFY(store().claimDueDownloads(now.addMSecs(2), 10, 60).isEmpty()); // claimed once

        QVERIFY(store().recordDownloadFailure(kCall, QStringLiteral("HTTP 500"), now.addSecs(5),
                                              false));
        QCOMPARE(CallReader(*m_db).call(kCall)->voicemail->downloadState, DownloadState::Pending);
        QVERIFY(store().claimDueDownloads(now.addSecs(1), 10, 60).isEmpty());
        const auto retry = store().claimDueDownloads(now.addSecs(6), 10, 60);
        QCOMPARE(retry.size(), 1);
        QCOMPARE(retry.first().attempts, 1);

        const QByteArray audio("RIFF....WAVEfmt fake audio");
        QVERIFY(store().storeAudio(kCall, audio, QStringLiteral("audio/x-wav")));
        CallReader reader(*m_db);
        const auto call = reader.call(kCall);
        QCOMPARE(call->voicemail->downloadState, DownloadState::Downloaded);
        QCOMPARE(call->voicemail->downloadAttempts, 2);
        QCOMPARE(call->voicemail->bytes, audio.size());
        QCOMPARE(call->voicemail->sha256,
                 QString::fromLatin1(
                     QCryptographicHash::hash(audio, QCryptographicHash::Sha256).toHex()));
        QCOMPARE(reader.voicemailAudio(kCall), audio);
        QVERIFY(store().claimDueDownloads(now.addDays(1), 10, 60).isEmpty());
    }

    // A recording whose status callback never came is tried kStatusCallbackGraceSeconds after
    // its <Record> action; a claim whose instance never answered (its lease ran out) is taken
    // again; a download given up on is not.
    void claimsFallDueWithoutTheStatusCallbackAndAfterTheLease()
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(m_log->record(kCall, now, 20));
        const int grace = VoicemailStore::kStatusCallbackGraceSeconds;
        QVERIFY(store().claimDueDownloads(now.addSecs(grace - 2), 10, 60).isEmpty());
        const QDateTime claimed = now.addSecs(grace + 2);
        QCOMPARE(store().claimDueDownloads(claimed, 10, 60).size(), 1);

        QVERIFY(store().claimDueDownloads(claimed.addSecs(59), 10, 60).isEmpty());
        QCOMPARE(store().claimDueDownloads(claimed.addSecs(60), 10, 60).size(), 1);

        QVERIFY(store().recordDownloadFailure(kCall, QStringLiteral("HTTP 404"), now, true));
        QCOMPARE(CallReader(*m_db).call(kCall)->voicemail->downloadState, DownloadState::Failed);
        QCOMPARE(CallReader(*m_db).call(kCall)->voicemail->lastError, QStringLiteral("HTTP 404"));
        QVERIFY(store().claimDueDownloads(now.addDays(1), 10, 60).isEmpty());
    }

    // Storing audio, a failed download: each changes the call's voicemail and moves its
    // revision on, so that desktops read the call again (one statement on PostgreSQL).
    // Without a voicemail: nothing.
    void voicemailChangeNeedsAVoicemail()
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(m_log->ring(kCall, now, QStringLiteral("+14155550100")));
        const qint64 ringing = revision();
        QVERIFY(!store().storeAudio(kCall, "RIFF", QStringLiteral("audio/x-wav")));
        QVERIFY(store().lastError().contains(QStringLiteral("has no voicemail")));
        QVERIFY(!store().recordDownloadFailure(kCall, QStringLiteral("HTTP 500"), now, true));
        QCOMPARE(revision(), ringing);

        QVERIFY(m_log->record(kCall, now.addSecs(30), 20));
        const qint64 withVoicemail = revision();
        QVERIFY2(store().recordDownloadFailure(kCall, QStringLiteral("HTTP 500"), now, false),
                 qPrintable(store().lastError()));
        const qint64 failed = revision();
        QVERIFY(failed > withVoicemail);
        QVERIFY2(store().storeAudio(kCall, "RIFF", QStringLiteral("audio/x-wav")),
                 qPrintable(store().lastError()));
        QVERIFY(revision() > failed);
        QCOMPARE(CallReader(*m_db).call(kCall)->voicemail->downloadState,
                 DownloadState::Downloaded);
    }
};

QTEST_GUILESS_MAIN(TestVoicemailStore)
#include "TestVoicemailStore.moc"
