#include "db/CallAnnotations.h"
#include "db/CallReader.h"
#include "db/Database.h"
#include "ServiceHarness.h"
#include "Wav.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

// A team moving off one machine: a SQLite call log, voicemails included, copied by
// `switchboard-service migrate` into the shared database (PostgreSQL when the tests have a
// server, otherwise another SQLite file), where the service then carries on.
class TestMigrateCommand final : public QObject
{
    Q_OBJECT

    static int migrate(const QString &from, const QString &to, QString *output)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QStringLiteral(SWITCHBOARD_SERVICE_BINARY),
                      {QStringLiteral("migrate"), QStringLiteral("--from"), from,
                       QStringLiteral("--to"), to});
        process.waitForFinished(60000);
        *output = QString::fromUtf8(process.readAll());
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }

private Q_SLOTS:
    void copiesTheLogWithItsVoicemails()
    {
        // The old machine: a SQLite log written by the real service.
        ServiceHarness old;
        old.setDatabaseUrl(QStringLiteral("sqlite:") + old.folder() + QStringLiteral("/old.db"));
        QVERIFY(old.startService());
        QCOMPARE(old.runSim({QStringLiteral("--press"), QStringLiteral("2"),
                             QStringLiteral("--voicemail-seconds"), QStringLiteral("3")})
                     .exitCode,
                 0);
        QCOMPARE(old.runSim({QStringLiteral("--press"), QStringLiteral("1"),
                             QStringLiteral("--answer"), QStringLiteral("talk:12")})
                     .exitCode,
                 0);
        QCOMPARE(old.runSim({QStringLiteral("--hangup-in-menu")}).exitCode, 0);
        QVERIFY(old.waitForDownloads());
        old.stopService();
        QString voicemailCall;
        for (const QJsonValue &call : QJsonDocument::fromJson(old.exportLog()).array()) {
            if (!call[QStringLiteral("voicemail")].isNull())
                voicemailCall = call[QStringLiteral("call_sid")].toString();
        }
        QVERIFY(!voicemailCall.isEmpty());
        // What the team did with it moves with it.
        {
            QString error;
            Database log(*DatabaseUrl::parse(old.databaseUrl(), &error), QStringLiteral("team"));
            QVERIFY(log.open(&error));
            CallAnnotations team(log);
            QVERIFY(team.setHeard(voicemailCall, QStringLiteral("Alice"), true));
            QVERIFY(team.markDone(voicemailCall, QStringLiteral("Bob"), QStringLiteral("Called")));
            QVERIFY(team.addTag(voicemailCall, QStringLiteral("quote"), QStringLiteral("Bob")));
            QVERIFY(team.addNote(voicemailCall, QStringLiteral("Alice"), QStringLiteral("Wants")));
        }
        const QJsonArray before = QJsonDocument::fromJson(old.exportLog()).array();
        QCOMPARE(before.size(), 3);

        // The new home.
        ServiceHarness shared;
        if (!ServiceHarness::usesPostgres())
            shared.setDatabaseUrl(QStringLiteral("sqlite:") + shared.folder() +
                                  QStringLiteral("/shared.db"));
        QString output;
        QCOMPARE(migrate(old.databaseUrl(), shared.databaseUrl(), &output), 0);
        QVERIFY2(output.contains(QLatin1String("3 calls")) &&
                     output.contains(QLatin1String("verified")),
                 qPrintable(output));
        QCOMPARE(QJsonDocument::fromJson(shared.exportLog()).array(), before);

        QString error;
        Database db(*DatabaseUrl::parse(shared.databaseUrl(), &error), QStringLiteral("migrated"));
        QVERIFY(db.open(&error));
        CallReader reader(db);
        const auto handled = CallAnnotations(db).read(voicemailCall);
        QVERIFY(handled);
        QCOMPARE(handled->heardByNames(), QStringList{QStringLiteral("Alice")});
        QCOMPARE(handled->done->by, QStringLiteral("Bob"));
        QCOMPARE(handled->done->note, QStringLiteral("Called"));
        QCOMPARE(handled->tags, QStringList{QStringLiteral("quote")});
        QCOMPARE(handled->notes.size(), 1);
        QCOMPARE(handled->notes.at(0).text, QStringLiteral("Wants"));
        QCOMPARE(reader.voicemailAudio(voicemailCall), Wav::tone(3));
        QVERIFY(!reader.timeline(voicemailCall).isEmpty());

        // Migrating again into a database that holds calls is refused, and changes nothing.
        QVERIFY(migrate(old.databaseUrl(), shared.databaseUrl(), &output) != 0);
        QVERIFY2(output.contains(QLatin1String("already holds calls")), qPrintable(output));

        // The service carries on in the new database: a new call lands after the old ones.
        QVERIFY(shared.startService());
        QCOMPARE(shared
                     .runSim({QStringLiteral("--press"), QStringLiteral("2"),
                              QStringLiteral("--voicemail-seconds"), QStringLiteral("2")})
                     .exitCode,
                 0);
        QVERIFY(shared.waitForDownloads());
        const QJsonArray after = QJsonDocument::fromJson(shared.exportLog()).array();
        QCOMPARE(after.size(), 4);
        qint64 newest = 0, oldest = std::numeric_limits<qint64>::max();
        for (const QJsonValue &call : after) {
            const auto record = reader.call(call[QStringLiteral("call_sid")].toString());
            QVERIFY(record);
            const bool migrated =
                std::any_of(before.cbegin(), before.cend(), [&](const QJsonValue &old) {
                    return old[QStringLiteral("call_sid")] == call[QStringLiteral("call_sid")];
                });
            if (migrated)
                newest = std::max(newest, record->revision);
            else
                oldest = std::min(oldest, record->revision);
        }
        QVERIFY2(oldest > newest, "a new call must get a revision after every migrated one");
    }

    void refusesAMissingSource()
    {
        QString output;
        QVERIFY(migrate(QStringLiteral("sqlite:/nonexistent/calls.db"),
                        QStringLiteral("sqlite:/tmp/never-written.db"), &output) != 0);
        QVERIFY2(output.contains(QLatin1String("no call log")), qPrintable(output));
    }
};

QTEST_GUILESS_MAIN(TestMigrateCommand)
#include "TestMigrateCommand.moc"
