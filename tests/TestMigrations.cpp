#include "db/Database.h"
#include "db/Migrations.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard;

class TestMigrations final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

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
        QCOMPARE(rows.value(0).toInt(), Migrations::latestVersion());
    }

    void olderSchemaIsMigratedKeepingItsCalls()
    {
        QString error;
        Database db(url(QStringLiteral("old.db")), QStringLiteral("old"));
        QVERIFY(db.open(&error));
        QVERIFY2(Migrations::apply(db, &error, 1), qPrintable(error));
        QCOMPARE(Migrations::currentVersion(db, &error), 1);
        QVERIFY(!db.connection().tables().contains(QStringLiteral("voicemails")));
        QSqlQuery insert(db.connection());
        QVERIFY(insert.exec(QStringLiteral(
            "INSERT INTO calls (call_sid, account_sid, from_number, started_at, status, outcome, "
            "revision)"
            " VALUES ('CA0123456789abcdef0123456789abcdef', 'AC0123456789abcdef0123456789abcdef',"
            " '+14155550100', 1764079200000, 'completed', 'abandoned', 1)")));

        QVERIFY2(Migrations::apply(db, &error), qPrintable(error));
        QCOMPARE(Migrations::currentVersion(db, &error), Migrations::latestVersion());
        QSqlQuery kept(db.connection());
        QVERIFY(kept.exec(QStringLiteral("SELECT from_number, outcome FROM calls")) && kept.next());
        QCOMPARE(kept.value(0).toString(), QStringLiteral("+14155550100"));
        QCOMPARE(kept.value(1).toString(), QStringLiteral("abandoned"));
        QVERIFY(db.connection().tables().contains(QStringLiteral("voicemails")));
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
