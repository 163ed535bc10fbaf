#include "db/Database.h"
#include "ServiceConfig.h"
#include "ServiceHarness.h"

#include <QFile>
#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using Switchboard::Database;
using Switchboard::ServiceConfig;
using Switchboard::Testing::ServiceHarness;

// Bad configuration stops the service at start with one line naming the setting; good
// configuration comes from flags, the environment and an INI file, in that order.
class TestServiceConfig final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    struct Run
    {
        int exitCode = -1;
        QString output;
        bool started = false; // still running after a moment: it accepted the configuration
    };

    Run run(const QStringList &args,
            const QProcessEnvironment &environment = ServiceHarness::credentialsEnvironment())
    {
        QProcess service;
        service.setProcessEnvironment(environment);
        service.setProcessChannelMode(QProcess::MergedChannels);
        service.start(QStringLiteral(SWITCHBOARD_SERVICE_BINARY), args);
        Run result;
        if (!service.waitForFinished(1500)) {
            result.started = true;
            service.terminate();
            service.waitForFinished(5000);
        }
        result.exitCode = service.exitCode();
        result.output = QString::fromUtf8(service.readAll());
        return result;
    }

    QStringList valid() const
    {
        return {QStringLiteral("--listen"),
                QStringLiteral("127.0.0.1:%1").arg(ServiceHarness::freePort()),
                QStringLiteral("--database"),
                QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("calls.db")),
                QStringLiteral("--forward-to"),
                QStringLiteral("+15550100200")};
    }

    QString writeFile(const QString &name, const QByteArray &content,
                      QFileDevice::Permissions permissions)
    {
        QFile file(m_dir.filePath(name));
        file.open(QIODevice::WriteOnly | QIODevice::Truncate);
        file.write(content);
        file.close();
        file.setPermissions(permissions);
        return file.fileName();
    }

private Q_SLOTS:
    void validConfigurationStarts()
    {
        const Run result = run(valid());
        QVERIFY2(result.started, qPrintable(result.output));
        QVERIFY(result.output.contains(QLatin1String("listening on")));
    }

    void badConfigurationIsOneClearLine_data()
    {
        QTest::addColumn<QStringList>("override");
        QTest::addColumn<QString>("names");
        QTest::newRow("forward-to")
            << QStringList{QStringLiteral("--forward-to"), QStringLiteral("555-0100")}
            << QStringLiteral("--forward-to");
        QTest::newRow("database scheme")
            << QStringList{QStringLiteral("--database"), QStringLiteral("mysql://db/calls")}
            << QStringLiteral("--database");
        QTest::newRow("relative sqlite")
            << QStringList{QStringLiteral("--database"), QStringLiteral("sqlite:calls.db")}
            << QStringLiteral("--database");
        QTest::newRow("database not writable")
            << QStringList{QStringLiteral("--database"),
                           QStringLiteral("sqlite:/proc/switchboard/calls.db")}
            << QStringLiteral("--database");
        QTest::newRow("public-url")
            << QStringList{QStringLiteral("--public-url"), QStringLiteral("not a url")}
            << QStringLiteral("--public-url");
        QTest::newRow("twilio-api")
            << QStringList{QStringLiteral("--twilio-api"), QStringLiteral("ftp://api")}
            << QStringLiteral("--twilio-api");
        QTest::newRow("listen") << QStringList{QStringLiteral("--listen"),
                                               QStringLiteral("everywhere")}
                                << QStringLiteral("--listen");
        QTest::newRow("sqlite-sync")
            << QStringList{QStringLiteral("--sqlite-sync"), QStringLiteral("off")}
            << QStringLiteral("--sqlite-sync");
        QTest::newRow("ring-timeout")
            << QStringList{QStringLiteral("--ring-timeout"), QStringLiteral("-4")}
            << QStringLiteral("--ring-timeout");
        QTest::newRow("max-connections-per-address")
            << QStringList{QStringLiteral("--max-connections-per-address"), QStringLiteral("0")}
            << QStringLiteral("--max-connections-per-address");
    }

    void badConfigurationIsOneClearLine()
    {
        QFETCH(QStringList, override);
        QFETCH(QString, names);
        const Run result = run(valid() + override); // a repeated flag: the last one wins
        QVERIFY(!result.started);
        QVERIFY(result.exitCode != 0);
        QCOMPARE(result.output.trimmed().count(QLatin1Char('\n')), 0);
        QVERIFY2(result.output.contains(names), qPrintable(result.output));
    }

    void missingCredentialsAreNamed()
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("TWILIO_AUTH_TOKEN"));
        environment.remove(QStringLiteral("TWILIO_ACCOUNT_SID"));
        Run result = run(valid(), environment);
        QVERIFY(!result.started && result.exitCode != 0);
        QVERIFY2(result.output.contains(QLatin1String("TWILIO_AUTH_TOKEN")),
                 qPrintable(result.output));

        environment.insert(QStringLiteral("TWILIO_AUTH_TOKEN"), QStringLiteral("secret"));
        environment.insert(QStringLiteral("TWILIO_ACCOUNT_SID"), QStringLiteral("AC123"));
        result = run(valid(), environment);
        QVERIFY(!result.started && result.exitCode != 0);
        QVERIFY2(result.output.contains(QLatin1String("TWILIO_ACCOUNT_SID")),
                 qPrintable(result.output));
    }

    void tokenFileMustBePrivate()
    {
        const QByteArray content = "TWILIO_ACCOUNT_SID=" + ServiceHarness::accountSid.toUtf8() +
                                   "\nTWILIO_AUTH_TOKEN=file-secret-token\n";
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("TWILIO_AUTH_TOKEN"));
        environment.remove(QStringLiteral("TWILIO_ACCOUNT_SID"));

        const QString open = writeFile(QStringLiteral("open.token"), content,
                                       QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                           QFileDevice::ReadGroup | QFileDevice::ReadOther);
        Run result =
            run(valid() + QStringList{QStringLiteral("--auth-token-file"), open}, environment);
        QVERIFY(!result.started && result.exitCode != 0);
        QVERIFY2(result.output.contains(QLatin1String("--auth-token-file")) &&
                     result.output.contains(QLatin1String("chmod 600")),
                 qPrintable(result.output));
        QVERIFY(!result.output.contains(QLatin1String("file-secret-token")));

        const QString closed = writeFile(QStringLiteral("closed.token"), content,
                                         QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        result =
            run(valid() + QStringList{QStringLiteral("--auth-token-file"), closed}, environment);
        QVERIFY2(result.started, qPrintable(result.output));
        QVERIFY(!result.output.contains(QLatin1String("file-secret-token")));
    }

    void flagsWinOverEnvironmentOverFile()
    {
        const QString ini =
            writeFile(QStringLiteral("service.ini"),
                      "forward-to=+15550100300\nring-timeout=not-a-number\nvoicemail-max=60\n",
                      QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QStringList args{QStringLiteral("--config"),
                         ini,
                         QStringLiteral("--listen"),
                         QStringLiteral("127.0.0.1:%1").arg(ServiceHarness::freePort()),
                         QStringLiteral("--database"),
                         QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("ini.db"))};
        // The file's bad ring-timeout is what stops it...
        Run result = run(args);
        QVERIFY(!result.started);
        QVERIFY2(result.output.contains(QLatin1String("--ring-timeout")),
                 qPrintable(result.output));
        // ...unless the environment says otherwise,
        QProcessEnvironment environment = ServiceHarness::credentialsEnvironment();
        environment.insert(QStringLiteral("SWITCHBOARD_RING_TIMEOUT"), QStringLiteral("15"));
        result = run(args, environment);
        QVERIFY2(result.started, qPrintable(result.output));
        // ...and a flag beats the environment.
        result = run(args + QStringList{QStringLiteral("--ring-timeout"), QStringLiteral("0")},
                     environment);
        QVERIFY(!result.started);
    }

    void sqliteSyncReachesTheConnection_data()
    {
        QTest::addColumn<QStringList>("flags");
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<int>("synchronous"); // as SQLite reports it: 1 NORMAL, 2 FULL
        QTest::newRow("default") << QStringList{} << QString() << QByteArray() << 2;
        QTest::newRow("flag normal")
            << QStringList{QStringLiteral("--sqlite-sync"), QStringLiteral("normal")} << QString()
            << QByteArray() << 1;
        QTest::newRow("environment normal")
            << QStringList{} << QStringLiteral("normal") << QByteArray() << 1;
        QTest::newRow("file normal")
            << QStringList{} << QString() << QByteArray("sqlite-sync=normal\n") << 1;
        QTest::newRow("flag full over environment normal")
            << QStringList{QStringLiteral("--sqlite-sync"), QStringLiteral("full")}
            << QStringLiteral("normal") << QByteArray() << 2;
    }

    void sqliteSyncReachesTheConnection()
    {
        QFETCH(QStringList, flags);
        QFETCH(QString, variable);
        QFETCH(QByteArray, file);
        QFETCH(int, synchronous);
        QStringList arguments =
            QStringList{QStringLiteral("switchboard-service")} + valid() + flags;
        if (!file.isEmpty())
            arguments += {QStringLiteral("--config"),
                          writeFile(QStringLiteral("sync.ini"), file,
                                    QFileDevice::ReadOwner | QFileDevice::WriteOwner)};
        qputenv("TWILIO_ACCOUNT_SID", ServiceHarness::accountSid.toUtf8());
        qputenv("TWILIO_AUTH_TOKEN", ServiceHarness::authToken.toUtf8());
        if (variable.isEmpty())
            qunsetenv("SWITCHBOARD_SQLITE_SYNC");
        else
            qputenv("SWITCHBOARD_SQLITE_SYNC", variable.toUtf8());
        QString error;
        bool helpShown = false;
        const auto config = ServiceConfig::load(arguments, &error, &helpShown);
        qunsetenv("SWITCHBOARD_SQLITE_SYNC");
        QVERIFY2(config, qPrintable(error));

        // The setting as the service's writers apply it, on a real SQLite file.
        Database db(config->database, QStringLiteral("sync-check"));
        db.setSqliteSync(config->sqliteSync);
        QVERIFY2(db.open(&error), qPrintable(error));
        QSqlQuery query(db.connection());
        QVERIFY(query.exec(QStringLiteral("PRAGMA synchronous")) && query.next());
        QCOMPARE(query.value(0).toInt(), synchronous);
    }

    void helpListsEverySetting()
    {
        QProcess service;
        service.start(QStringLiteral(SWITCHBOARD_SERVICE_BINARY), {QStringLiteral("--help")});
        service.waitForFinished(5000);
        const QString help = QString::fromUtf8(service.readAllStandardOutput());
        for (const char *setting :
             {"--listen", "--database", "--public-url", "--forward-to", "--twilio-api",
              "--auth-token-file", "SWITCHBOARD_LISTEN", "SWITCHBOARD_DATABASE",
              "SWITCHBOARD_PUBLIC_URL", "SWITCHBOARD_FORWARD_TO", "--config", "--sqlite-sync",
              "SWITCHBOARD_SQLITE_SYNC"})
            QVERIFY2(help.contains(QLatin1String(setting)), setting);
        QCOMPARE(service.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestServiceConfig)
#include "TestServiceConfig.moc"
