// The desktop app as a user meets it: the real main window on a call log that the real service
// fills while the real simulator places calls. Each call shows up in the feed (how fast:
// bench/bench-feed); a voicemail, selected and played, plays for real to its end (PulseAudio
// null sink, env/with-audio.sh) and is then heard in the database, for every desktop.

#include "backend/AppSettings.h"
#include "backend/CredentialStore.h"
#include "db/CallReader.h"
#include "db/Database.h"
#include "gui/details/DetailsPane.h"
#include "gui/feed/CallFeedModel.h"
#include "gui/feed/FeedView.h"
#include "gui/MainWindow.h"
#include "gui/player/VoicemailPlayer.h"
#include "ServiceHarness.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

class TestAppEndToEnd final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void callsAppearAndAVoicemailPlays()
    {
        ServiceHarness harness;
        QVERIFY2(harness.startService(), qPrintable(harness.serviceOutput()));
        AppSettings settings(harness.folder() + QStringLiteral("/app.ini"), nullptr);
        settings.setDatabaseUrl(harness.databaseUrl());
        CredentialStore credentials;
        MainWindow window(&settings, &credentials);
        window.resize(1200, 700);
        window.show();
        window.openDatabase();

        Database database(*DatabaseUrl::parse(harness.databaseUrl(), nullptr),
                          QStringLiteral("e2e"));
        QString error;
        QVERIFY2(database.open(&error), qPrintable(error));
        CallReader reader(database);

        // The simulator calls; every call it placed reaches the database, then the feed.
        QProcess *sim = harness.startSim(
            {QStringLiteral("--calls"), QStringLiteral("3"), QStringLiteral("--press"),
             QStringLiteral("2"), QStringLiteral("--voicemail-seconds"), QStringLiteral("2")});
        QVERIFY(sim);
        QTRY_VERIFY_WITH_TIMEOUT(sim->state() == QProcess::NotRunning, 90000);
        QVERIFY2(sim->exitCode() == 0, sim->readAll().constData());
        QStringList callSids;
        reader.forEachCall([&callSids](const CallRecord &call) {
            callSids << call.callSid;
            return true;
        });
        QCOMPARE(callSids.size(), 3);
        for (const QString &sid : std::as_const(callSids))
            QTRY_VERIFY2_WITH_TIMEOUT(window.model()->indexOfCall(sid).isValid(), qPrintable(sid),
                                      10000);

        // Select a downloaded voicemail and press play.
        QVERIFY2(harness.waitForDownloads(30000), qPrintable(harness.serviceOutput()));
        QString callSid;
        reader.forEachCall([&](const CallRecord &call) {
            if (call.voicemail && call.voicemail->downloadState == DownloadState::Downloaded)
                callSid = call.callSid;
            return callSid.isEmpty();
        });
        QVERIFY2(!callSid.isEmpty(), "the service downloaded no voicemail");
        QVERIFY(!reader.call(callSid)->voicemail->isHeard());
        const QModelIndex index = window.model()->indexOfCall(callSid);
        QVERIFY(index.isValid());
        window.view()->setCurrentIndex(index);
        VoicemailPlayer *player = window.detailsPane()->player();
        QTRY_COMPARE(player->callSid(), callSid);
        auto *play = player->findChild<QToolButton *>(QStringLiteral("playButton"));
        QTRY_VERIFY(play->isVisible() && play->isEnabled());
        QSignalSpy started(player, &VoicemailPlayer::playbackStarted);
        QSignalSpy finished(player, &VoicemailPlayer::playbackFinished);
        QSignalSpy errors(player, &VoicemailPlayer::errorOccurred);
        QElapsedTimer clock;
        clock.start();
        QTest::mouseClick(play, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).value(0).toString()));
        // Two seconds of voicemail take two seconds through a real sink (a lower bound: a slow
        // machine cannot fail it).
        QVERIFY2(clock.elapsed() >= 1700, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(finished.first().first().toString(), callSid);

        QTRY_VERIFY_WITH_TIMEOUT(reader.call(callSid)->voicemail->isHeard(), 10000);
    }
};

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestAppEndToEnd test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestAppEndToEnd.moc"
