// Real playback: a voicemail stored in a real SQLite call log, read by the details pane on a
// thread, played by VoicemailPlayer through Qt Multimedia's backend into a PulseAudio null
// sink. Run under env/with-audio.sh (ctest does); on PostgreSQL too (SWITCHBOARD_TEST_POSTGRES).

#include "backend/CallLog.h"
#include "db/CallReader.h"
#include "db/VoicemailStore.h"
#include "gui/details/DetailsPane.h"
#include "gui/player/VoicemailPlayer.h"
#include "ProcessStatus.h"
#include "ServiceHarness.h"
#include "VoicemailFixture.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

namespace {

const QString kOversizedCallSid = QStringLiteral("CA00000000000000000000000000000002");

// PulseAudio's view of the player's stream: "yes" once paused at the sink, "no" while it plays.
QString sinkInputCorked()
{
    QProcess pactl;
    pactl.start(QStringLiteral("pactl"), {QStringLiteral("list"), QStringLiteral("sink-inputs")});
    if (!pactl.waitForFinished(5000))
        return {};
    const QString streams = QString::fromUtf8(pactl.readAllStandardOutput());
    const qsizetype at = streams.indexOf(QLatin1String("Corked: "));
    return at < 0 ? QString() : streams.mid(at + 8).section(QLatin1Char('\n'), 0, 0).trimmed();
}

} // namespace

using namespace Switchboard;
using namespace Switchboard::Testing;

class TestVoicemailPlayback final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Without its PulseAudio the test would prove nothing about playback: it must not pass.
        QVERIFY2(!qEnvironmentVariableIsEmpty("SWITCHBOARD_TEST_PULSE"),
                 "no audio sink: run through ctest, or under tests/env/with-audio.sh");
        QVERIFY(m_dir.isValid());
        // A fresh database: a SQLite file, or one on the test PostgreSQL server.
        m_harness = std::make_unique<ServiceHarness>();
        m_logUrl = m_harness->databaseUrl();
        QString error;
        const auto log = DatabaseUrl::parse(m_logUrl, &error);
        QVERIFY2(log, qPrintable(error));
        m_database = std::make_unique<Database>(*log, QStringLiteral("test"));
        QVERIFY2(m_database->openAndMigrate(&error), qPrintable(error));
        CallWriter writer(*m_database);
        const QString url =
            QStringLiteral("https://api.twilio.com/2010-04-01/Accounts/%1/Recordings/%2")
                .arg(voicemailAccountSid, voicemailRecordingSid);
        QVERIFY(recordVoicemailCall(writer, url, 2));
        m_wav = makeWav(2000);
        VoicemailStore voicemails(*m_database);
        QVERIFY(voicemails.storeAudio(voicemailCallSid, m_wav, QStringLiteral("audio/x-wav")));
    }

    void playsToTheEnd()
    {
        CallLog log;
        log.open(m_logUrl);
        QTRY_VERIFY2_WITH_TIMEOUT(log.isAvailable(), qPrintable(log.errorMessage()), 10000);
        DetailsPane pane(&log);
        pane.resize(400, 700);
        pane.show();
        VoicemailPlayer &player = *pane.player();
        QSignalSpy started(&player, &VoicemailPlayer::playbackStarted);
        QSignalSpy finished(&player, &VoicemailPlayer::playbackFinished);
        QSignalSpy errors(&player, &VoicemailPlayer::errorOccurred);
        auto *button = player.findChild<QToolButton *>(QStringLiteral("playButton"));
        auto *slider = player.findChild<QSlider *>(QStringLiteral("seekSlider"));
        auto *time = player.findChild<QLabel *>(QStringLiteral("timeLabel"));
        QVERIFY(button && slider && time);

        // The pane reads the audio on a thread: selecting the call does not wait for it.
        pane.setCall(CallReader(*m_database).call(voicemailCallSid));
        QCOMPARE(player.callSid(), voicemailCallSid);
        QVERIFY2(!button->isVisible(), "the audio was read before setCall() returned");
        QTRY_VERIFY_WITH_TIMEOUT(button->isVisible() && button->isEnabled(), 10000);
        QCOMPARE(player.audio(), m_wav);
        QCOMPARE(player.contentType(), QStringLiteral("audio/x-wav"));
        QCOMPARE(time->text(), QStringLiteral("0:00 / 0:02"));

        // Play: it starts, and the position advances in real time.
        QTest::mouseClick(button, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 10000);
        QCOMPARE(started.first().first().toString(), voicemailCallSid);
        QVERIFY(player.isPlaying());
        QTRY_VERIFY_WITH_TIMEOUT(slider->value() >= 400, 10000);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).value(0).toString()));
        verifyAudioReachesTheSink();
        QTRY_COMPARE_WITH_TIMEOUT(sinkInputCorked(), QStringLiteral("no"), 10000);

        // Pause: once PulseAudio has the stream corked, no audio flows and the position holds.
        QTest::mouseClick(button, Qt::LeftButton);
        QTRY_VERIFY(!player.isPlaying());
        QTRY_COMPARE_WITH_TIMEOUT(sinkInputCorked(), QStringLiteral("yes"), 10000);
        const int pausedAt = slider->value();
        QCOMPARE(sinkInputCorked(), QStringLiteral("yes")); // a round trip to the sink later
        QCoreApplication::processEvents();
        QVERIFY2(qAbs(slider->value() - pausedAt) < 60,
                 qPrintable(QStringLiteral("%1 → %2").arg(pausedAt).arg(slider->value())));
        QCOMPARE(finished.count(), 0);

        // Seek near the end while paused, then play: only the rest plays, from where it was
        // sought to (a restart from the beginning would pass through the early positions).
        slider->setValue(1750);
        QTRY_VERIFY(time->text().startsWith(QLatin1String("0:02")));
        int earliest = slider->value();
        // Until the end: then the player rewinds, ready to play again.
        const auto track = connect(slider, &QSlider::valueChanged, this, [&](int value) {
            if (finished.isEmpty())
                earliest = qMin(earliest, value);
        });
        player.play();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        disconnect(track);
        QVERIFY2(earliest >= 1700, qPrintable(QString::number(earliest)));
        QCOMPARE(finished.first().first().toString(), voicemailCallSid);
        QCOMPARE(started.count(), 2);

        // Once more from the start: EndOfMedia comes after the whole two seconds, so it played
        // through a real clocked sink rather than being decoded and dropped.
        QTRY_VERIFY(!player.isPlaying());
        slider->setValue(0);
        QElapsedTimer clock;
        clock.start();
        QTest::mouseClick(button, Qt::LeftButton);
        // (Qt 6.4's GStreamer backend, replaying after the end, used to stall here part way.)
        const auto where = [&] {
            return QStringLiteral("at %1 ms, %2")
                .arg(slider->value())
                .arg(player.isPlaying() ? QStringLiteral("playing")
                                        : QStringLiteral("not playing"));
        };
        QTRY_VERIFY2_WITH_TIMEOUT(finished.count() == 2, qPrintable(where()), 15000);
        // A lower bound only: a loaded machine makes it longer, never shorter.
        QVERIFY2(clock.elapsed() >= 1700, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(started.count(), 3);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).value(0).toString()));
    }

    void showsWhyItCannotPlay()
    {
        VoicemailPlayer player;
        player.show();
        auto *reason = player.findChild<QLabel *>(QStringLiteral("unavailableLabel"));
        auto *button = player.findChild<QToolButton *>(QStringLiteral("playButton"));
        QVERIFY(reason && button);
        player.showUnavailable(voicemailCallSid, QStringLiteral("Downloading…"));
        QVERIFY(reason->isVisible());
        QVERIFY(!button->isVisible());
        QCOMPARE(reason->text(), QStringLiteral("Downloading…"));
        player.setVoicemail(voicemailCallSid, m_wav, QStringLiteral("audio/x-wav"), 2);
        QVERIFY(button->isVisible());
        QVERIFY(button->isEnabled());
        player.setVoicemail(voicemailCallSid, {}, QString(), 2);
        QVERIFY(reason->isVisible());
        // Bytes that are no audio end in a reason or an error, not a hang or a crash.
        QSignalSpy errors(&player, &VoicemailPlayer::errorOccurred);
        player.setVoicemail(voicemailCallSid, QByteArray(4096, 'x'), QStringLiteral("audio/x-wav"),
                            2);
        player.play();
        QTRY_VERIFY_WITH_TIMEOUT(reason->isVisible() || !errors.isEmpty(), 5000);
        qInfo("undecodable audio: %s / %s", qPrintable(reason->text()),
              qPrintable(errors.value(0).value(0).toString()));
        player.clear();
        QCOMPARE(player.callSid(), QString());
        QVERIFY(!button->isEnabled());

        // One byte over the cap: refused, with the reason, and not kept.
        QByteArray oversized = m_wav;
        oversized.resize(VoicemailPlayer::maxAudioBytes() + 1, '\0');
        player.setVoicemail(voicemailCallSid, oversized, QStringLiteral("audio/x-wav"), 2);
        QVERIFY(reason->isVisible());
        QCOMPARE(reason->text(), VoicemailPlayer::tooLargeMessage(oversized.size()));
        QVERIFY(player.audio().isEmpty());
        player.play();
        QVERIFY(!player.isPlaying());
    }

    // A recording over the cap in the call log is refused by its size: its bytes are never
    // read into the app, and the player says why.
    void refusesAnOversizedVoicemail()
    {
        const qint64 cap = VoicemailPlayer::maxAudioBytes();
        QCOMPARE(cap, qint64(50 * 1024 * 1024)); // RecordingDownload's, the service's limit
        {
            CallWriter writer(*m_database);
            QVERIFY(recordVoicemailCall(writer, QStringLiteral("https://api.twilio.com/x"), 2,
                                        kOversizedCallSid,
                                        QStringLiteral("RE00000000000000000000000000000002")));
            QByteArray oversized = makeWav(1000);
            oversized.resize(cap + 1, '\0');
            VoicemailStore voicemails(*m_database);
            QVERIFY(
                voicemails.storeAudio(kOversizedCallSid, oversized, QStringLiteral("audio/x-wav")));
        }
        CallLog log;
        log.open(m_logUrl);
        QTRY_VERIFY2_WITH_TIMEOUT(log.isAvailable(), qPrintable(log.errorMessage()), 10000);
        DetailsPane pane(&log);
        pane.resize(400, 700);
        pane.show();
        auto *reason = pane.findChild<QLabel *>(QStringLiteral("unavailableLabel"));
        auto *button = pane.findChild<QToolButton *>(QStringLiteral("playButton"));
        auto *save = pane.findChild<QPushButton *>(QStringLiteral("saveAudioButton"));
        QVERIFY(reason && button && save);
        const std::optional<CallRecord> call = CallReader(*m_database).call(kOversizedCallSid);
        QVERIFY(call && call->voicemail);
        QCOMPARE(call->voicemail->bytes, cap + 1);

        const qint64 before = residentKiB();
        pane.setCall(call);
        const QString expected = VoicemailPlayer::tooLargeMessage(cap + 1);
        QTRY_COMPARE_WITH_TIMEOUT(reason->text(), expected, 10000);
        QVERIFY(reason->isVisible());
        QCOMPARE(reason->textFormat(), Qt::PlainText);
        QVERIFY(!button->isVisible());
        QVERIFY(!save->isEnabled());
        QVERIFY(pane.player()->audio().isEmpty());
        const qint64 after = residentKiB();
        qInfo("VmRSS %lld KiB before, %lld KiB after refusing a %lld-byte recording", before, after,
              cap + 1);
        QVERIFY2(after - before < cap / 1024 / 2, qPrintable(QString::number(after - before)));
        QString error;
        QVERIFY(!pane.saveAudio(m_dir.filePath(QStringLiteral("oversized.wav")), &error));
    }

private:
    // With with-audio.sh's PulseAudio, the player must show up as a stream into the null sink.
    static void verifyAudioReachesTheSink()
    {
        QProcess pactl;
        pactl.start(QStringLiteral("pactl"),
                    {QStringLiteral("list"), QStringLiteral("sink-inputs")});
        QVERIFY(pactl.waitForFinished(5000));
        const QString streams = QString::fromUtf8(pactl.readAllStandardOutput());
        QVERIFY2(streams.contains(QLatin1String("Sink Input #")), "no stream reached PulseAudio");
    }

    QTemporaryDir m_dir;
    std::unique_ptr<Testing::ServiceHarness> m_harness;
    QString m_logUrl;
    std::unique_ptr<Database> m_database;
    QByteArray m_wav;
};

int main(int argc, char **argv)
{
    // Headless: the widgets need a platform, not a screen.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestVoicemailPlayback test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestVoicemailPlayback.moc"
