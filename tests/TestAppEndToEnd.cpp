// The desktop app as a user meets it: the real main window on a call log that the real service
// fills while the real simulator places calls. Each call shows up within a second; a voicemail,
// selected and played, plays for real to its end (PulseAudio null sink, env/with-audio.sh) and
// is then heard in the database, for every desktop.

#include "core/AppSettings.h"
#include "core/CredentialStore.h"
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
#include <QHash>
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

        // While the simulator calls, note when each call reaches the database and the feed.
        QProcess *sim = harness.startSim(
            {QStringLiteral("--calls"), QStringLiteral("3"), QStringLiteral("--press"),
             QStringLiteral("2"), QStringLiteral("--voicemail-seconds"), QStringLiteral("2")});
        QHash<QString, qint64> inDatabase;
        QHash<QString, qint64> inFeed;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 90000) {
            QTest::qWait(10);
            reader.forEachCall([&](const CallRecord &call) {
                if (!inDatabase.contains(call.callSid))
                    inDatabase.insert(call.callSid, clock.elapsed());
                return true;
            });
            for (auto it = inDatabase.cbegin(); it != inDatabase.cend(); ++it) {
                if (!inFeed.contains(it.key()) && window.model()->indexOfCall(it.key()).isValid())
                    inFeed.insert(it.key(), clock.elapsed());
            }
            if (sim->state() == QProcess::NotRunning && inFeed.size() == inDatabase.size())
                break;
        }
        QVERIFY2(sim->exitCode() == 0, sim->readAll().constData());
        QCOMPARE(inDatabase.size(), 3);
        for (auto it = inDatabase.cbegin(); it != inDatabase.cend(); ++it) {
            const qint64 delay = inFeed.value(it.key(), -1) - it.value();
            qInfo("%s reached the feed %lld ms after the database", qPrintable(it.key()), delay);
            QVERIFY2(inFeed.contains(it.key()) && delay <= 1000, qPrintable(it.key()));
        }

        // Select a downloaded voicemail and press play.
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
        clock.start();
        QTest::mouseClick(play, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).value(0).toString()));
        // Two seconds of voicemail take two seconds through a real sink.
        QVERIFY2(clock.elapsed() >= 1700, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(finished.first().first().toString(), callSid);

        QTRY_VERIFY_WITH_TIMEOUT(reader.call(callSid)->voicemail->isHeard(), 5000);
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
