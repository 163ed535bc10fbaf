#include "db/CallAnnotations.h"
#include "db/CallFeedQuery.h"
#include "db/CallReader.h"
#include "db/Database.h"
#include "db/Migrations.h"
#include "ServiceHarness.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

class TestMigrations final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<ServiceHarness> m_harness; // the database of a test that runs on both engines

    DatabaseUrl url(const QString &name) const { return DatabaseUrl::sqlite(m_dir.filePath(name)); }

private Q_SLOTS:
    void freshDatabaseGetsLatestSchema()
    {
        Database db(url(QStringLiteral("fresh.db")), QStringLiteral("fresh"));
        QString error;
        QVERIFY2(db.openAndMigrate(&error), qPrintable(error));
        QCOMPARE(Migrations::currentVersion(db, &error), Migrations::latestVersion());
        const QStringList tables = db.connection().tables();
        for (const char *table : {"calls", "call_events", "voicemails", "schema_migrations"})
            QVERIFY2(tables.contains(QLatin1String(table)), table);
        QSqlQuery mode(db.connection());
        QVERIFY(mode.exec(QStringLiteral("PRAGMA journal_mode")) && mode.next());
        QCOMPARE(mode.value(0).toString(), QStringLiteral("wal"));
    }

    void migratingTwiceChangesNothing()
    {
        QString error;
        {
            Database db(url(QStringLiteral("twice.db")), QStringLiteral("twice1"));
            QVERIFY(db.openAndMigrate(&error));
        }
        Database db(url(QStringLiteral("twice.db")), QStringLiteral("twice2"));
        QVERIFY2(db.openAndMigrate(&error), qPrintable(error));
        QSqlQuery rows(db.connection());
        QVERIFY(rows.exec(QStringLiteral("SELECT COUNT(*) FROM schema_migrations")) && rows.next());
        QCOMPARE(rows.value(0).toInt(), Migrations::versions().size());
    }

    // Both engines (TestMigrations_postgres runs the tests that take their database from here);
    // null, with a warning saying why, when it cannot be made.
    std::unique_ptr<Database> databaseAt(int version)
    {
        m_harness = std::make_unique<ServiceHarness>();
        QString error;
        const auto url = DatabaseUrl::parse(m_harness->databaseUrl(), &error);
        auto db = url ? std::make_unique<Database>(*url, QStringLiteral("old")) : nullptr;
        if (db && db->open(&error) && Migrations::apply(*db, &error, version) &&
            Migrations::currentVersion(*db, &error) == version)
            return db;
        qWarning("cannot create a database of version %d: %s", version, qPrintable(error));
        return nullptr;
    }

    void olderSchemaIsMigratedKeepingItsCalls()
    {
        const auto db = databaseAt(1);
        QVERIFY(db);
        QVERIFY(!db->connection().tables().contains(QStringLiteral("voicemails")));
        QSqlQuery insert(db->connection());
        QVERIFY(insert.exec(QStringLiteral(
            "INSERT INTO calls (call_sid, account_sid, from_number, started_at, status, outcome, "
            "revision)"
            " VALUES ('CA0123456789abcdef0123456789abcdef', 'AC0123456789abcdef0123456789abcdef',"
            " '+14155550100', 1764079200000, 'completed', 'abandoned', 1)")));

        QString error;
        QVERIFY2(Migrations::apply(*db, &error), qPrintable(error));
        QCOMPARE(Migrations::currentVersion(*db, &error), Migrations::latestVersion());
        QSqlQuery kept(db->connection());
        QVERIFY(kept.exec(QStringLiteral("SELECT from_number, outcome FROM calls")) && kept.next());
        QCOMPARE(kept.value(0).toString(), QStringLiteral("+14155550100"));
        QCOMPARE(kept.value(1).toString(), QStringLiteral("abandoned"));
        QVERIFY(db->connection().tables().contains(QStringLiteral("voicemails")));
    }

    // Version 3 finds a retried webhook by its call and digest: the events written before keep
    // their order, and a webhook retried across the upgrade still goes in once.
    void eventsSurviveTheMoveToOneIndexPerCall()
    {
        const auto db = databaseAt(2);
        QVERIFY(db);
        QSqlQuery query(db->connection());
        const auto addEvent = [&query](const char *sid, const char *digest) {
            query.prepare(QStringLiteral(
                "INSERT INTO call_events (call_sid, received_at, kind, call_status, digest,"
                " params) VALUES (?, 1764079200000, 'voice', 'ringing', ?, 'From=%2B1415')"));
            query.addBindValue(QString::fromLatin1(sid));
            query.addBindValue(QString::fromLatin1(digest));
            return query.exec();
        };
        QVERIFY(addEvent("CA01", "d1"));
        QVERIFY(addEvent("CA02", "d2"));
        QVERIFY(addEvent("CA01", "d3"));
        const auto events = [&query] {
            QStringList rows;
            if (!query.exec(QStringLiteral(
                    "SELECT id, call_sid, digest, params FROM call_events ORDER BY id")))
                return QStringList{query.lastError().text()};
            while (query.next())
                rows << QStringLiteral("%1 %2 %3 %4")
                            .arg(query.value(0).toString(), query.value(1).toString(),
                                 query.value(2).toString(), query.value(3).toString());
            return rows;
        };
        const QStringList before = events();
        QCOMPARE(before.size(), 3);

        QString error;
        QVERIFY2(Migrations::apply(*db, &error), qPrintable(error));
        QCOMPARE(Migrations::currentVersion(*db, &error), Migrations::latestVersion());
        QCOMPARE(events(), before);
        QVERIFY2(!query.exec(QStringLiteral(
                     "INSERT INTO call_events (call_sid, received_at, kind, digest, params)"
                     " VALUES ('CA01', 1, 'status', 'd1', '')")),
                 "a second event with a call's digest was accepted");
        // The same digest in another call is another webhook; new events follow the old ones.
        QVERIFY(query.exec(
            QStringLiteral("INSERT INTO call_events (call_sid, received_at, kind, digest, params)"
                           " VALUES ('CA02', 1, 'status', 'd1', '')")));
        QVERIFY(query.exec(QStringLiteral("SELECT MAX(id) FROM call_events")) && query.next());
        const qint64 lastBefore = before.constLast().section(u' ', 0, 0).toLongLong();
        QVERIFY2(query.value(0).toLongLong() > lastBefore, qPrintable(query.value(0).toString()));
    }

    // Version 5 adds call routing to today's log: its calls read as before, with no route,
    // nobody named, no reason; a transcription kept on a voicemail moves to its call.
    void routingColumnsJoinTodaysLog()
    {
        const auto db = databaseAt(4);
        QVERIFY(db);
        QSqlQuery query(db->connection());
        QVERIFY2(query.exec(QStringLiteral(
                     "INSERT INTO calls (call_sid, account_sid, from_number, started_at, status,"
                     " menu_choice, forwarded_to, dial_status, talk_duration_s, outcome, revision)"
                     " VALUES ('CA01', 'AC01', '+14155550100', 1764079200000, 'completed',"
                     " 'forward', '+15550100200', 'completed', 30, 'answered', 1),"
                     " ('CA02', 'AC01', '+14155550101', 1764079300000, 'completed', 'voicemail',"
                     " '', '', NULL, 'voicemail', 2)")),
                 qPrintable(query.lastError().text()));
        QVERIFY2(query.exec(QStringLiteral(
                     "INSERT INTO voicemails (call_sid, recording_sid, recording_url, duration_s,"
                     " created_at, transcription) VALUES ('CA02', 'RE02', 'https://x.test/r', 9,"
                     " 1764079300000, 'Please call back')")),
                 qPrintable(query.lastError().text()));

        QString error;
        QVERIFY2(Migrations::apply(*db, &error), qPrintable(error));
        QCOMPARE(Migrations::currentVersion(*db, &error), Migrations::latestVersion());
        CallReader reader(*db);
        const auto answered = reader.call(QStringLiteral("CA01"));
        QVERIFY(answered);
        QCOMPARE(answered->outcome(), Outcome::Answered);
        QVERIFY(answered->route.isEmpty());
        QVERIFY(!answered->answeredBy());
        QCOMPARE(answered->reason(), CallReason::None);
        const auto voicemail = reader.call(QStringLiteral("CA02"));
        QVERIFY(voicemail && voicemail->voicemailTranscription());
        QCOMPARE(voicemail->voicemailTranscription()->text, QStringLiteral("Please call back"));
        QVERIFY(query.exec(QStringLiteral("SELECT answered_by_name, reason FROM calls"
                                          " WHERE call_sid = 'CA01'")) &&
                query.next());
        QCOMPARE(query.value(0).toString(), QString());
        QCOMPARE(query.value(1).toString(), QString());
    }

    // Schema 7: the one shared heard_at, written before names were kept, stays heard (by
    // nobody in particular, so by everyone) rather than every old voicemail coming back unheard.
    void heardVoicemailsStayHeardPerPerson()
    {
        const auto db = databaseAt(5);
        QVERIFY(db);
        QSqlQuery query(db->connection());
        QVERIFY2(query.exec(QStringLiteral(
                     "INSERT INTO calls (call_sid, account_sid, started_at, status, outcome,"
                     " revision) VALUES ('CA01', 'AC01', 1764079200000, 'completed', 'voicemail',"
                     " 1), ('CA02', 'AC01', 1764079300000, 'completed', 'voicemail', 2)")),
                 qPrintable(query.lastError().text()));
        QVERIFY2(query.exec(QStringLiteral(
                     "INSERT INTO voicemails (call_sid, recording_sid, recording_url, created_at,"
                     " heard_at) VALUES ('CA01', 'RE01', 'https://x.test/1', 1764079200000,"
                     " 1764079260000), ('CA02', 'RE02', 'https://x.test/2', 1764079300000, NULL)")),
                 qPrintable(query.lastError().text()));

        QString error;
        QVERIFY2(Migrations::apply(*db, &error), qPrintable(error));
        CallAnnotations annotations(*db);
        const auto heard = annotations.read(QStringLiteral("CA01"));
        QVERIFY(heard);
        QCOMPARE(heard->heard.size(), 1);
        QCOMPARE(heard->heard.at(0).by, QString());
        QCOMPARE(heard->heard.at(0).at.toMSecsSinceEpoch(), 1764079260000);
        QVERIFY(heard->isHeardBy(QStringLiteral("Alice")));
        QVERIFY(annotations.read(QStringLiteral("CA02"))->heard.isEmpty());
        CallFeedQuery feed(*db);
        QCOMPARE(feed.counters(QDateTime::fromMSecsSinceEpoch(0), QStringLiteral("Alice"))
                     ->unheardVoicemails,
                 1);
    }

    void newerDatabaseIsRefused()
    {
        QString error;
        {
            Database db(url(QStringLiteral("newer.db")), QStringLiteral("newer1"));
            QVERIFY(db.openAndMigrate(&error));
            QSqlQuery future(db.connection());
            QVERIFY(future.exec(
                QStringLiteral("INSERT INTO schema_migrations VALUES (%1, 0, 'from the future')")
                    .arg(Migrations::latestVersion() + 1)));
        }
        Database db(url(QStringLiteral("newer.db")), QStringLiteral("newer2"));
        QVERIFY(!db.openAndMigrate(&error));
        QVERIFY2(error.contains(QLatin1String("newer than this program")), qPrintable(error));
    }

    void unwritableLocationIsAClearError()
    {
        Database db(DatabaseUrl::sqlite(QStringLiteral("/proc/switchboard/calls.db")),
                    QStringLiteral("proc"));
        QString error;
        QVERIFY(!db.openAndMigrate(&error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMigrations)
#include "TestMigrations.moc"
