#include "db/CallAnnotations.h"
#include "db/CallReader.h"
#include "db/Database.h"
#include "ServiceHarness.h"
#include "Wav.h"

#include <QFile>
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

    // What `flow ARGS --database URL` prints, both streams (show names the revision, its time
    // and author on stderr), after its exit code.
    static QString flow(const QStringList &args, const QString &database)
    {
        QProcess process;
        process.setProcessEnvironment(ServiceHarness::credentialsEnvironment());
        process.start(QStringLiteral(SWITCHBOARD_SERVICE_BINARY),
                      QStringList{QStringLiteral("flow")} + args +
                          QStringList{QStringLiteral("--database"), database});
        process.waitForFinished(30000);
        return QStringLiteral("exit %1\n").arg(process.exitCode()) +
               QString::fromUtf8(process.readAllStandardError()) +
               QString::fromUtf8(process.readAllStandardOutput());
    }

    static QString setFlow(ServiceHarness &harness, const QString &greeting)
    {
        const QString path = harness.folder() + QStringLiteral("/flow.json");
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return QStringLiteral("cannot write ") + path;
        file.write(
            QJsonDocument(
                QJsonObject{{QStringLiteral("greeting"), greeting},
                            {QStringLiteral("members"),
                             QJsonArray{QJsonObject{
                                 {QStringLiteral("name"), QStringLiteral("Alice")},
                                 {QStringLiteral("number"), QStringLiteral("+15550100201")}}}},
                            {QStringLiteral("ring"), QStringLiteral("sequential")}})
                .toJson());
        file.close();
        return flow({QStringLiteral("set"), path}, harness.databaseUrl());
    }

    static QString show(const QString &database)
    {
        return flow({QStringLiteral("show")}, database);
    }
    static QString history(const QString &database)
    {
        return flow({QStringLiteral("history")}, database);
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

    // The call flow moves with the log, every revision with its number, time and author: the
    // service on the new database answers with the team's flow, not one made from its flags.
    void copiesTheCallFlowRevisions()
    {
        ServiceHarness old;
        old.setDatabaseUrl(QStringLiteral("sqlite:") + old.folder() + QStringLiteral("/old.db"));
        QVERIFY(old.startService()); // revision 1, from the flags
        QCOMPARE(old.runSim({QStringLiteral("--hangup-in-menu")}).exitCode, 0);
        old.stopService();
        QVERIFY(setFlow(old, QStringLiteral("Acme, press 1.")).startsWith(QLatin1String("exit 0")));
        QVERIFY(setFlow(old, QStringLiteral("Acme, new hours. Press 1."))
                    .startsWith(QLatin1String("exit 0")));
        const QString shownBefore = show(old.databaseUrl());
        const QString historyBefore = history(old.databaseUrl());
        QVERIFY2(shownBefore.startsWith(QLatin1String("exit 0\nrevision 3, ")) &&
                     shownBefore.contains(QLatin1String("Acme, new hours. Press 1.")),
                 qPrintable(shownBefore));
        QCOMPARE(historyBefore.count(QLatin1String("revision ")), 3);

        ServiceHarness shared;
        if (!ServiceHarness::usesPostgres())
            shared.setDatabaseUrl(QStringLiteral("sqlite:") + shared.folder() +
                                  QStringLiteral("/shared.db"));
        QString output;
        QCOMPARE(migrate(old.databaseUrl(), shared.databaseUrl(), &output), 0);
        QCOMPARE(show(shared.databaseUrl()), shownBefore);
        QCOMPARE(history(shared.databaseUrl()), historyBefore);
        QVERIFY2(output.contains(QLatin1String("3 call flow revisions")), qPrintable(output));

        // The service on the new database keeps the team's flow: no revision from its flags.
        QVERIFY(shared.startService());
        shared.stopService();
        QCOMPARE(history(shared.databaseUrl()), historyBefore);

        // And back again, into a file.
        ServiceHarness back;
        const QString backUrl =
            QStringLiteral("sqlite:") + back.folder() + QStringLiteral("/back.db");
        QCOMPARE(migrate(shared.databaseUrl(), backUrl, &output), 0);
        QCOMPARE(show(backUrl), shownBefore);
        QCOMPARE(history(backUrl), historyBefore);
    }

    // A database that has a flow already (a service started on it once, or `flow set`) would
    // mix two flows' revisions: refused, and its flow stays as it was.
    void refusesATargetThatHoldsAFlow()
    {
        ServiceHarness old;
        old.setDatabaseUrl(QStringLiteral("sqlite:") + old.folder() + QStringLiteral("/old.db"));
        QVERIFY(
            setFlow(old, QStringLiteral("Old flow. Press 1.")).startsWith(QLatin1String("exit 0")));
        ServiceHarness target;
        QVERIFY(setFlow(target, QStringLiteral("New flow. Press 1."))
                    .startsWith(QLatin1String("exit 0")));
        const QString historyBefore = history(target.databaseUrl());
        QString output;
        QVERIFY(migrate(old.databaseUrl(), target.databaseUrl(), &output) != 0);
        QVERIFY2(output.contains(QLatin1String("already holds call flow revisions")),
                 qPrintable(output));
        QCOMPARE(history(target.databaseUrl()), historyBefore);
        QVERIFY(show(target.databaseUrl()).contains(QLatin1String("New flow. Press 1.")));
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
