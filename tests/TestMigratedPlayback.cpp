#include "backend/CallLog.h"
#include "db/CallReader.h"
#include "gui/player/VoicemailPlayer.h"
#include "ServiceHarness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

// A team moving off one machine: the SQLite log, voicemails included, goes to PostgreSQL with
// `switchboard-service migrate`, and a desktop on PostgreSQL plays a migrated voicemail.
class TestMigratedPlayback final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!ServiceHarness::usesPostgres())
            QFAIL("needs the test PostgreSQL server (SWITCHBOARD_TEST_POSTGRES): run it with "
                  "`ctest -R TestMigratedPlayback_postgres`, which starts the server and sets it");
    }

    void migratedVoicemailPlays()
    {
        ServiceHarness old;
        old.setDatabaseUrl(QStringLiteral("sqlite:") + old.folder() + QStringLiteral("/old.db"));
        QVERIFY2(old.startService(), qPrintable(old.serviceOutput()));
        QCOMPARE(old.runSim({QStringLiteral("--press"), QStringLiteral("2"),
                             QStringLiteral("--voicemail-seconds"), QStringLiteral("2")})
                     .exitCode,
                 0);
        QVERIFY(old.waitForDownloads());
        old.stopService();
        const QString callSid = QJsonDocument::fromJson(old.exportLog())
                                    .array()
                                    .first()[QStringLiteral("call_sid")]
                                    .toString();

        ServiceHarness shared; // a fresh PostgreSQL database
        QProcess migrate;
        migrate.setProcessChannelMode(QProcess::MergedChannels);
        migrate.start(QStringLiteral(SWITCHBOARD_SERVICE_BINARY),
                      {QStringLiteral("migrate"), QStringLiteral("--from"), old.databaseUrl(),
                       QStringLiteral("--to"), shared.databaseUrl()});
        QVERIFY(migrate.waitForFinished(60000));
        QVERIFY2(migrate.exitCode() == 0, migrate.readAll().constData());

        CallLog callLog;
        callLog.open(shared.databaseUrl());
        QTRY_VERIFY_WITH_TIMEOUT(callLog.isAvailable(), 10000);
        QString contentType;
        const QByteArray audio = callLog.reader()->voicemailAudio(callSid, &contentType);
        QVERIFY(!audio.isEmpty());

        VoicemailPlayer player;
        QSignalSpy finished(&player, &VoicemailPlayer::playbackFinished);
        QSignalSpy errors(&player, &VoicemailPlayer::errorOccurred);
        player.setVoicemail(callSid, audio, contentType, 2);
        player.play();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
        QCOMPARE(errors.count(), 0);
    }
};

QTEST_MAIN(TestMigratedPlayback)
#include "TestMigratedPlayback.moc"
