#include "core/FlowDefinition.h"
#include "db/Database.h"
#include "db/FlowStore.h"
#include "db/Migrations.h"
#include "DocumentedFlow.h"
#include "FlowCommandRun.h"
#include "ServiceHarness.h"

#include <pwd.h>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QTest>
#include <unistd.h>

using namespace Switchboard;
using Switchboard::Testing::documentedExampleFlow;
using Switchboard::Testing::FlowCommandRun;
using Switchboard::Testing::runFlowCommand;
using Switchboard::Testing::ServiceHarness;

namespace {

const QByteArray kExample = documentedExampleFlow();

QString osUser()
{
    const passwd *user = ::getpwuid(::geteuid());
    return user ? QString::fromLocal8Bit(user->pw_name) : QString();
}

} // namespace

// `switchboard-service flow show | set | history` as a user runs them, on the harness's
// database (a SQLite file, or PostgreSQL in TestFlowCommand_postgres), and the service's first
// start on a database without a flow.
class TestFlowCommand final : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServiceHarness> m_harness;

    FlowCommandRun flow(const QStringList &args, const QString &sudoUser = {})
    {
        QProcessEnvironment environment = ServiceHarness::credentialsEnvironment();
        environment.remove(QStringLiteral("SUDO_USER"));
        if (!sudoUser.isEmpty())
            environment.insert(QStringLiteral("SUDO_USER"), sudoUser);
        return runFlowCommand(args, m_harness->databaseUrl(), environment);
    }

    QString writeFile(const QString &name, const QByteArray &content)
    {
        const QString path = m_harness->folder() + QLatin1Char('/') + name;
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) < 0)
            qWarning("cannot write %s", qPrintable(path));
        return path;
    }

    FlowCommandRun set(const QByteArray &json)
    {
        return flow({QStringLiteral("set"), writeFile(QStringLiteral("flow.json"), json)});
    }

    std::unique_ptr<Database> openDatabase()
    {
        QString error;
        auto db = std::make_unique<Database>(*DatabaseUrl::parse(m_harness->databaseUrl(), &error),
                                             QStringLiteral("test-%1").arg(quintptr(this)));
        if (!db->open(&error))
            qWarning("%s", qPrintable(error));
        return db;
    }

    // The service started on the harness's database; what it said when it did not start.
    bool startService(const QStringList &args = {})
    {
        if (m_harness->startService(args))
            return true;
        qWarning("the service did not start: %s", qPrintable(m_harness->serviceOutput()));
        return false;
    }

    // The lines `flow history` prints, newest first.
    QStringList historyLines()
    {
        const FlowCommandRun run = flow({QStringLiteral("history")});
        if (run.exitCode != 0)
            return {QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)};
        return QString::fromUtf8(run.out).split(u'\n', Qt::SkipEmptyParts);
    }

private Q_SLOTS:
    void init() { m_harness = std::make_unique<ServiceHarness>(); }
    void cleanup() { m_harness.reset(); }

    void setShowAndHistory()
    {
        FlowCommandRun run = set(kExample);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(QString::fromUtf8(run.out).contains(
                     QStringLiteral("stored call flow revision 1 by ") + osUser()),
                 run.out.constData());

        // show: the JSON on stdout, as set; its revision, time and author on stderr.
        run = flow({QStringLiteral("show")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(run.out).object(),
                 QJsonDocument::fromJson(kExample).object());
        QVERIFY2(run.err.startsWith(QStringLiteral("revision 1, ")) &&
                     run.err.contains(QStringLiteral(", by ") + osUser()),
                 qPrintable(run.err));
        const QDateTime createdAt =
            QDateTime::fromString(run.err.section(QStringLiteral(", "), 1, 1), Qt::ISODate);
        QVERIFY2(createdAt.isValid() && createdAt.timeSpec() == Qt::UTC, qPrintable(run.err));
        QVERIFY(qAbs(createdAt.secsTo(QDateTime::currentDateTimeUtc())) < 3600);

        // What show printed is a file set takes back: a second revision.
        QJsonObject changed = QJsonDocument::fromJson(run.out).object();
        changed.insert(QStringLiteral("ring"), QStringLiteral("sequential"));
        run = set(QJsonDocument(changed).toJson());
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.out.contains("revision 2"), run.out.constData());
        QCOMPARE(QJsonDocument::fromJson(flow({QStringLiteral("show")}).out).object(), changed);

        const QStringList history = historyLines();
        QCOMPARE(history.size(), 2);
        QVERIFY2(history.at(0).startsWith(QStringLiteral("revision 2, ")) &&
                     history.at(0).contains(QStringLiteral("by ") + osUser()) &&
                     history.at(0).contains(QStringLiteral("sequential")),
                 qPrintable(history.at(0)));
        QVERIFY2(history.at(1).startsWith(QStringLiteral("revision 1, ")) &&
                     history.at(1).contains(QStringLiteral("simultaneous")) &&
                     history.at(1).contains(QStringLiteral("hours in America/New_York")),
                 qPrintable(history.at(1)));
    }

    // The example the documentation points to, stored as a user would: `flow set` on the file
    // itself. It is the issue's example: two members, Bob away.
    void setsTheDocumentedExample()
    {
        const FlowCommandRun run =
            flow({QStringLiteral("set"), QStringLiteral(SWITCHBOARD_EXAMPLE_FLOW)});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QCOMPARE(QJsonDocument::fromJson(flow({QStringLiteral("show")}).out).object(),
                 QJsonDocument::fromJson(kExample).object());
        const QString line = historyLines().constFirst();
        QVERIFY2(line.contains(QStringLiteral(": 2 member(s), 1 active, simultaneous, 20 s, "
                                              "screening, hours in America/New_York, 1 blocked, "
                                              "transcribed")),
                 qPrintable(line));
    }

    // `sudo -u switchboard switchboard-service flow set ...`: the author is who ran sudo.
    void authorIsWhoRanSudo()
    {
        const FlowCommandRun run =
            flow({QStringLiteral("set"), writeFile(QStringLiteral("flow.json"), kExample)},
                 QStringLiteral("dana"));
        QCOMPARE(run.exitCode, 0);
        const QString author = QStringLiteral("dana (as %1)").arg(osUser());
        QVERIFY2(QString::fromUtf8(run.out).contains(QStringLiteral("by ") + author),
                 run.out.constData());
        QVERIFY2(historyLines().constFirst().contains(QStringLiteral(", by ") + author),
                 qPrintable(historyLines().constFirst()));
    }

    // The author is bounded like everything else stored.
    void longAuthorIsCut()
    {
        const QString longName(FlowStore::kMaxAuthorLength + 50, u'x');
        QCOMPARE(flow({QStringLiteral("set"), writeFile(QStringLiteral("flow.json"), kExample)},
                      longName)
                     .exitCode,
                 0);
        const QString line = historyLines().constFirst();
        QVERIFY2(line.contains(QStringLiteral(", by ") +
                               longName.left(FlowStore::kMaxAuthorLength) + QStringLiteral(": ")),
                 qPrintable(line));
    }

    void refusesBadInputAndStoresNothing_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        const auto edited = [](const char *key, const QJsonValue &value) {
            QJsonObject object = QJsonDocument::fromJson(kExample).object();
            object.insert(QLatin1String(key), value);
            return QJsonDocument(object).toJson();
        };
        QJsonObject hours =
            QJsonDocument::fromJson(kExample).object()[QStringLiteral("hours")].toObject();
        hours.insert(QStringLiteral("timezone"), QStringLiteral("Europe/Atlantis"));
        QJsonObject overlapping = hours;
        overlapping.insert(QStringLiteral("timezone"), QStringLiteral("Europe/Paris"));
        overlapping.insert(
            QStringLiteral("weekly"),
            QJsonObject{
                {QStringLiteral("tue"),
                 QJsonArray{QJsonArray{QStringLiteral("09:00"), QStringLiteral("13:00")},
                            QJsonArray{QStringLiteral("12:00"), QStringLiteral("17:00")}}}});
        QJsonObject inverted = overlapping;
        inverted.insert(
            QStringLiteral("weekly"),
            QJsonObject{{QStringLiteral("mon"), QJsonArray{QJsonArray{QStringLiteral("17:00"),
                                                                      QStringLiteral("09:00")}}}});
        QJsonArray eleven;
        for (int i = 0; i < 11; ++i)
            eleven.append(
                QJsonObject{{QStringLiteral("name"), QStringLiteral("M%1").arg(i)},
                            {QStringLiteral("number"),
                             QStringLiteral("+155501003%1").arg(i, 2, 10, QLatin1Char('0'))}});

        QTest::newRow("number")
            << edited("members", QJsonArray{QJsonObject{
                                     {QStringLiteral("name"), QStringLiteral("Alice")},
                                     {QStringLiteral("number"), QStringLiteral("0555 0100")}}})
            << QStringLiteral("members[0].number: \"0555 0100\" is not an E.164 number");
        QTest::newRow("time zone")
            << edited("hours", hours)
            << QStringLiteral("hours.timezone: \"Europe/Atlantis\" is not a known time zone");
        QTest::newRow("overlap")
            << edited("hours", overlapping)
            << QStringLiteral("hours.weekly.tue[1]: 12:00-17:00 overlaps hours.weekly.tue[0]");
        QTest::newRow("inverted hours")
            << edited("hours", inverted)
            << QStringLiteral("hours.weekly.mon[0]: closes at 09:00, not after it opens at 17:00");
        QTest::newRow("unknown key")
            << edited("voicemail", true) << QStringLiteral("voicemail: unknown key");
        QTest::newRow("eleven at once")
            << edited("members", eleven)
            << QStringLiteral("members: 11 active members would ring at once");
        QTest::newRow("not JSON") << QByteArray("greeting = Hello")
                                  << QStringLiteral("the flow: not JSON");
        QTest::newRow("too large") << QByteArray(FlowDefinition::kMaxJsonBytes + 10, ' ')
                                   << QStringLiteral("the flow: %1 bytes of JSON, at most %2")
                                          .arg(FlowDefinition::kMaxJsonBytes + 1)
                                          .arg(FlowDefinition::kMaxJsonBytes);
    }

    void refusesBadInputAndStoresNothing()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        QCOMPARE(set(kExample).exitCode, 0);

        const QString path = writeFile(QStringLiteral("bad.json"), json);
        const FlowCommandRun run = flow({QStringLiteral("set"), path});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("flow set: %1: %2").arg(path, message)),
                 qPrintable(run.err));
        QVERIFY(run.out.isEmpty());
        QCOMPARE(historyLines().size(), 1);
        QCOMPARE(QJsonDocument::fromJson(flow({QStringLiteral("show")}).out).object(),
                 QJsonDocument::fromJson(kExample).object());
    }

    void setNeedsAReadableFile()
    {
        const FlowCommandRun run =
            flow({QStringLiteral("set"), m_harness->folder() + QStringLiteral("/none.json")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("cannot read")), qPrintable(run.err));
        const FlowCommandRun usage = flow({QStringLiteral("set")});
        QCOMPARE(usage.exitCode, 2);
        QVERIFY2(usage.err.contains(QStringLiteral("flow set FILE.json")), qPrintable(usage.err));
    }

    void showWithoutAFlowSaysSo()
    {
        QVERIFY(startService()); // the schema, with revision 1 from the flags
        m_harness->stopService();
        auto db = openDatabase();
        QSqlQuery query(db->connection());
        QVERIFY(query.exec(QStringLiteral("DELETE FROM call_flow_revisions")));
        const FlowCommandRun run = flow({QStringLiteral("show")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("holds no call flow yet")), qPrintable(run.err));
        QVERIFY(run.out.isEmpty());
    }

    void firstStartCreatesTheFlowFromTheFlags()
    {
        QVERIFY(startService({QStringLiteral("--greeting"),
                              QStringLiteral("Hello from the flags. Press 1."),
                              QStringLiteral("--ring-timeout"), QStringLiteral("25")}));
        QVERIFY2(m_harness->serviceOutput().contains(
                     QStringLiteral("created revision 1 from the flags")),
                 qPrintable(m_harness->serviceOutput()));
        const FlowCommandRun run = flow({QStringLiteral("show")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject stored = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(stored[QStringLiteral("greeting")].toString(),
                 QStringLiteral("Hello from the flags. Press 1."));
        QCOMPARE(stored[QStringLiteral("ring_timeout_s")].toInt(), 25);
        const QJsonObject staff{{QStringLiteral("name"), QStringLiteral("Staff phone")},
                                {QStringLiteral("number"), ServiceHarness::forwardTo}};
        QCOMPARE(stored[QStringLiteral("members")].toArray(), QJsonArray{staff});
        QCOMPARE(stored[QStringLiteral("ring")].toString(), QStringLiteral("simultaneous"));
        QVERIFY(!stored.contains(QStringLiteral("hours")));
        QVERIFY2(run.err.contains(QStringLiteral("(flags at first start)")), qPrintable(run.err));

        // The next start creates nothing more, and names the flags the flow replaces.
        m_harness->stopService();
        QVERIFY(startService({QStringLiteral("--ring-timeout"), QStringLiteral("30")}));
        QCOMPARE(historyLines().size(), 1);
        QVERIFY2(m_harness->serviceOutput().contains(
                     QStringLiteral("(revision 1) rules: ignoring --forward-to, --ring-timeout")),
                 qPrintable(m_harness->serviceOutput()));
    }

    // The flags go through the same checks as a file: a greeting longer than a flow's is
    // refused at the first start, naming it, and nothing is stored.
    void firstStartRefusesFlagsNoFlowTakes()
    {
        QVERIFY(!m_harness->startService(
            {QStringLiteral("--greeting"), QString(FlowDefinition::kMaxGreetingLength + 1, u'a')}));
        QVERIFY2(m_harness->serviceOutput().contains(
                     QStringLiteral("the flags make no valid call flow: greeting: 1001 characters, "
                                    "at most 1000")),
                 qPrintable(m_harness->serviceOutput()));
        QVERIFY(startService());
        QVERIFY2(historyLines().constFirst().contains(QStringLiteral("(flags at first start)")),
                 qPrintable(historyLines().join(u'\n')));
        QCOMPARE(historyLines().size(), 1);
    }

    void laterStartsFollowTheDatabase()
    {
        QVERIFY(startService());
        m_harness->stopService();
        QJsonObject object = QJsonDocument::fromJson(kExample).object();
        object.remove(QStringLiteral("hours"));
        object.insert(QStringLiteral("greeting"), QStringLiteral("Welcome to the database flow."));
        QCOMPARE(set(QJsonDocument(object).toJson()).exitCode, 0);

        QVERIFY(startService(
            {QStringLiteral("--greeting"), QStringLiteral("Old greeting from a flag")}));
        QVERIFY2(m_harness->serviceOutput().contains(
                     QStringLiteral("(revision 2) rules: ignoring --forward-to, --greeting")),
                 qPrintable(m_harness->serviceOutput()));
        const auto sim = m_harness->runSim({QStringLiteral("--press"), QStringLiteral("1"),
                                            QStringLiteral("--answer"), QStringLiteral("talk:3")});
        QCOMPARE(sim.exitCode, 0);
        QVERIFY2(sim.output.contains(QStringLiteral("Welcome to the database flow.")),
                 qPrintable(sim.output));
        QVERIFY(!sim.output.contains(QStringLiteral("Old greeting")));
        const QJsonArray calls = QJsonDocument::fromJson(m_harness->exportLog()).array();
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls.at(0)[QStringLiteral("forwarded_to")].toString(),
                 QStringLiteral("+15550100201")); // Alice, the first active member
    }

    void corruptRowIsNamedNotFollowed()
    {
        QCOMPARE(set(kExample).exitCode, 0);
        auto db = openDatabase();
        QSqlQuery query(db->connection());
        query.prepare(QStringLiteral("INSERT INTO call_flow_revisions (id, created_at, author, "
                                     "flow) VALUES (?, ?, ?, ?)"));
        query.bindValue(0, 2);
        query.bindValue(1, QDateTime::currentMSecsSinceEpoch());
        query.bindValue(2, QStringLiteral("mallory\x1b[2J"));
        query.bindValue(3, QStringLiteral(R"({"members": [{"name": "X", "number": "+1 555"}]})"));
        QVERIFY(query.exec());

        FlowCommandRun run = flow({QStringLiteral("show")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral(
                     "revision 2 is corrupt: members[0].number: \"+1 555\" is not an E.164")),
                 qPrintable(run.err));
        QStringList history = historyLines();
        QCOMPARE(history.size(), 2);
        QVERIFY2(
            history.at(0).contains(QStringLiteral("by mallory\\x1b[2J: revision 2 is corrupt")),
            qPrintable(history.at(0)));

        // A flow longer than any flow may be is not even read.
        query.bindValue(0, 3);
        query.bindValue(2, QStringLiteral("mallory"));
        query.bindValue(3, QString(FlowDefinition::kMaxJsonBytes + 1, u' '));
        QVERIFY(query.exec());
        run = flow({QStringLiteral("show")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("revision 3 is corrupt: its flow is %1 characters")
                                      .arg(FlowDefinition::kMaxJsonBytes + 1)),
                 qPrintable(run.err));

        // The service still starts, says why, and answers with its flags.
        QVERIFY(startService());
        QVERIFY2(m_harness->serviceOutput().contains(
                     QStringLiteral("the call flow in the database is unusable (revision 3 is "
                                    "corrupt")),
                 qPrintable(m_harness->serviceOutput()));
        QCOMPARE(m_harness->runSim({QStringLiteral("--hangup-in-menu")}).exitCode, 0);

        // A good revision set after it rules again.
        QCOMPARE(set(kExample).exitCode, 0);
        QVERIFY(historyLines().constFirst().startsWith(QStringLiteral("revision 4, ")));
    }

    void otherReadersHearOfANewRevision()
    {
        QCOMPARE(set(kExample).exitCode, 0);
        auto db = openDatabase();
        if (ServiceHarness::usesPostgres()) {
            QSqlDriver *driver = db->connection().driver();
            QSignalSpy notified(driver, &QSqlDriver::notification);
            QVERIFY(driver->subscribeToNotification(QStringLiteral("switchboard_flow")));
            QCOMPARE(set(kExample).exitCode, 0);
            QTRY_VERIFY_WITH_TIMEOUT(!notified.isEmpty(), 10000);
            QCOMPARE(notified.constFirst().at(0).toString(), QStringLiteral("switchboard_flow"));
            QCOMPARE(notified.constFirst().at(2).toString(), QStringLiteral("2"));
            // A refused file sends nothing: the next notice is the next good revision's.
            QCOMPARE(
                flow({QStringLiteral("set"), writeFile(QStringLiteral("bad.json"), "[]")}).exitCode,
                2);
            QCOMPARE(set(kExample).exitCode, 0);
            QTRY_VERIFY_WITH_TIMEOUT(notified.size() >= 2, 10000);
            QCOMPARE(notified.size(), 2);
            QCOMPARE(notified.at(1).at(2).toString(), QStringLiteral("3"));
        } else {
            QString error;
            const auto before = db->commitsByOthers(&error);
            QVERIFY2(before, qPrintable(error));
            QCOMPARE(set(kExample).exitCode, 0);
            const auto after = db->commitsByOthers(&error);
            QVERIFY2(after && *after != *before, qPrintable(error));
        }
    }

    // A call log of the schema before the call flow (version 3), with a call in it: the
    // service's start migrates it, keeps the call, and creates the flow from the flags.
    void migrationFromTodaysSchemaKeepsTheCallLog()
    {
        {
            auto db = openDatabase();
            QString error;
            QVERIFY2(Migrations::apply(*db, &error, 3), qPrintable(error));
            QSqlQuery insert(db->connection());
            QVERIFY(insert.exec(QStringLiteral(
                "INSERT INTO calls (call_sid, account_sid, from_number, started_at, status, "
                "outcome, revision) VALUES ('CA0123456789abcdef0123456789abcdef', "
                "'AC0123456789abcdef0123456789abcdef', '+14155550100', 1764079200000, "
                "'completed', 'abandoned', 1)")));
        }
        const FlowCommandRun before = flow({QStringLiteral("show")});
        QCOMPARE(before.exitCode, 1);
        QVERIFY2(before.err.contains(QStringLiteral("start the service once to migrate it")),
                 qPrintable(before.err));

        QVERIFY(startService());
        const QJsonArray calls = QJsonDocument::fromJson(m_harness->exportLog()).array();
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls.at(0)[QStringLiteral("from")].toString(), QStringLiteral("+14155550100"));
        const FlowCommandRun after = flow({QStringLiteral("show")});
        QCOMPARE(after.exitCode, 0);
        QVERIFY2(after.err.startsWith(QStringLiteral("revision 1, ")), qPrintable(after.err));
    }
};

QTEST_GUILESS_MAIN(TestFlowCommand)
#include "TestFlowCommand.moc"
