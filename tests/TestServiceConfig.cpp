#include "db/Database.h"
#include "ServiceConfig.h"
#include "ServiceHarness.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
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

    // Loads in this process, as main() does, with the harness's credentials.
    std::optional<ServiceConfig> load(const QStringList &arguments, QString *error)
    {
        qputenv("TWILIO_ACCOUNT_SID", ServiceHarness::accountSid.toUtf8());
        qputenv("TWILIO_AUTH_TOKEN", ServiceHarness::authToken.toUtf8());
        bool helpShown = false;
        return ServiceConfig::load(QStringList{QStringLiteral("switchboard-service")} + arguments,
                                   error, &helpShown);
    }

    // A setting's value as the service holds it, written as the README writes it.
    static QString held(const ServiceConfig &config, const QString &name)
    {
        const auto &flow = config.callFlow;
        const QHash<QString, QString> values{
            {QStringLiteral("listen"),
             QStringLiteral("%1:%2").arg(config.listenAddress.toString()).arg(config.listenPort)},
            {QStringLiteral("database"), config.database.path},
            {QStringLiteral("public-url"), flow.publicUrl.toString()},
            {QStringLiteral("forward-to"), flow.forwardTo},
            {QStringLiteral("twilio-api"), config.twilioApi.toString()},
            {QStringLiteral("greeting"), flow.greeting},
            {QStringLiteral("voice"), flow.voice},
            {QStringLiteral("language"), flow.language},
            {QStringLiteral("ring-timeout"), QString::number(flow.ringTimeoutS)},
            {QStringLiteral("voicemail-max"), QString::number(flow.voicemailMaxS)},
            {QStringLiteral("menu-repeats"), QString::number(flow.menuRepeats)},
            {QStringLiteral("download-retry-ms"), QString::number(config.downloadRetryMs)},
            {QStringLiteral("download-attempts"), QString::number(config.downloadAttempts)},
            {QStringLiteral("format"), config.exportFormat},
            {QStringLiteral("from"), config.migrateFrom.path},
            {QStringLiteral("to"), config.migrateTo.path},
            {QStringLiteral("journal"), config.journalPath},
            {QStringLiteral("database-timeout-ms"), QString::number(config.databaseTimeoutMs)},
            {QStringLiteral("sqlite-sync"), config.sqliteSync == Database::SqliteSync::Full
                                                ? QStringLiteral("full")
                                                : QStringLiteral("normal")},
            {QStringLiteral("request-timeout-ms"), QString::number(config.requestTimeoutMs)},
            {QStringLiteral("idle-timeout-ms"), QString::number(config.idleTimeoutMs)},
            {QStringLiteral("max-connections"), QString::number(config.maxConnections)},
            {QStringLiteral("max-connections-per-address"),
             QString::number(config.maxConnectionsPerAddress)},
            {QStringLiteral("http-threads"), QString::number(config.httpThreads)},
            {QStringLiteral("max-pending-answers"), QString::number(config.maxPendingAnswers)},
            {QStringLiteral("metrics-token"), QString::fromUtf8(config.metricsToken)},
        };
        QStringList proxies;
        for (const QHostAddress &proxy : config.trustedProxies)
            proxies.append(proxy.toString());
        return name == QLatin1String("trusted-proxy") ? proxies.join(QLatin1Char(','))
                                                      : values.value(name, QStringLiteral("?"));
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

    // Every setting the README documents reaches the service from a flag, from its environment
    // variable and from the INI file.
    void everySettingIsReadFromEachSource_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        const QString path = m_dir.filePath(QStringLiteral("other.db"));
        const QString journal = m_dir.filePath(QStringLiteral("other.journal"));
        const struct
        {
            const char *command, *name, *variable;
            QString value, expected;
        } rows[] = {
            {"run", "listen", "SWITCHBOARD_LISTEN", "127.0.0.2:9090", "127.0.0.2:9090"},
            {"run", "database", "SWITCHBOARD_DATABASE", "sqlite:" + path, path},
            {"run", "public-url", "SWITCHBOARD_PUBLIC_URL", "https://switchboard.example.com",
             "https://switchboard.example.com"},
            {"run", "forward-to", "SWITCHBOARD_FORWARD_TO", "+15550100999", "+15550100999"},
            {"run", "twilio-api", "SWITCHBOARD_TWILIO_API", "http://127.0.0.1:8090",
             "http://127.0.0.1:8090"},
            {"run", "greeting", "SWITCHBOARD_GREETING", "Hello, press 1.", "Hello, press 1."},
            {"run", "voice", "SWITCHBOARD_VOICE", "Polly.Amy", "Polly.Amy"},
            {"run", "language", "SWITCHBOARD_LANGUAGE", "en-GB", "en-GB"},
            {"run", "ring-timeout", "SWITCHBOARD_RING_TIMEOUT", "25", "25"},
            {"run", "voicemail-max", "SWITCHBOARD_VOICEMAIL_MAX", "90", "90"},
            {"run", "menu-repeats", "SWITCHBOARD_MENU_REPEATS", "2", "2"},
            {"run", "download-retry-ms", "SWITCHBOARD_DOWNLOAD_RETRY_MS", "700", "700"},
            {"run", "download-attempts", "SWITCHBOARD_DOWNLOAD_ATTEMPTS", "4", "4"},
            {"run", "trusted-proxy", "SWITCHBOARD_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.2",
             "10.0.0.1,10.0.0.2"},
            {"run", "journal", "SWITCHBOARD_JOURNAL", journal, journal},
            {"run", "database-timeout-ms", "SWITCHBOARD_DATABASE_TIMEOUT_MS", "700", "700"},
            {"run", "sqlite-sync", "SWITCHBOARD_SQLITE_SYNC", "normal", "normal"},
            {"run", "request-timeout-ms", "SWITCHBOARD_REQUEST_TIMEOUT_MS", "700", "700"},
            {"run", "idle-timeout-ms", "SWITCHBOARD_IDLE_TIMEOUT_MS", "700", "700"},
            {"run", "max-connections", "SWITCHBOARD_MAX_CONNECTIONS", "50", "50"},
            {"run", "max-connections-per-address", "SWITCHBOARD_MAX_CONNECTIONS_PER_ADDRESS", "7",
             "7"},
            {"run", "http-threads", "SWITCHBOARD_HTTP_THREADS", "5", "5"},
            {"run", "metrics-token", "SWITCHBOARD_METRICS_TOKEN", "m-token", "m-token"},
            {"export", "format", "SWITCHBOARD_EXPORT_FORMAT", "csv", "csv"},
            {"migrate", "from", "SWITCHBOARD_MIGRATE_FROM", "sqlite:" + path, path},
            {"migrate", "to", "SWITCHBOARD_MIGRATE_TO", "sqlite:" + path, path},
        };
        for (const auto &row : rows)
            QTest::newRow(row.name)
                << QString::fromLatin1(row.command) << QString::fromLatin1(row.name)
                << QString::fromLatin1(row.variable) << row.value << row.expected;
    }

    void everySettingIsReadFromEachSource()
    {
        QFETCH(QString, command);
        QFETCH(QString, name);
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        // The other settings a command needs, unless they are the one under test.
        const QString database =
            QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("calls.db"));
        const QList<std::pair<QString, QString>> needed{
            {QStringLiteral("listen"), QStringLiteral("127.0.0.1:8080")},
            {QStringLiteral("database"), database},
            {QStringLiteral("forward-to"), QStringLiteral("+15550100200")},
            {QStringLiteral("from"), database},
            {QStringLiteral("to"), database},
        };
        QStringList base{command};
        for (const auto &[setting, text] : needed) {
            if (setting != name)
                base += {QStringLiteral("--") + setting, text};
        }
        const QString ini =
            writeFile(QStringLiteral("setting.ini"),
                      (name + QLatin1Char('=') + value + QLatin1Char('\n')).toUtf8(),
                      QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        const QString empty = writeFile(QStringLiteral("empty.ini"), QByteArray(),
                                        QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QString error;
        const auto fallback = load(base + QStringList{QStringLiteral("--config"), empty}, &error);
        // Without it a required setting (forward-to, from, to) stops the command, naming it.
        if (fallback)
            QVERIFY2(held(*fallback, name) != expected, "pick a value that is not the default");
        else
            QVERIFY2(error.startsWith(QStringLiteral("--") + name + QLatin1Char(':')),
                     qPrintable(error));

        const auto fromFlag = load(base + QStringList{QStringLiteral("--") + name, value}, &error);
        QVERIFY2(fromFlag, qPrintable(error));
        QCOMPARE(held(*fromFlag, name), expected);

        qputenv(variable.toLatin1().constData(), value.toUtf8());
        const auto fromEnvironment = load(base, &error);
        qunsetenv(variable.toLatin1().constData());
        QVERIFY2(fromEnvironment, qPrintable(error));
        QCOMPARE(held(*fromEnvironment, name), expected);

        const auto fromFile = load(base + QStringList{QStringLiteral("--config"), ini}, &error);
        QVERIFY2(fromFile, qPrintable(error));
        QCOMPARE(held(*fromFile, name), expected);
    }

    // A setting set nowhere holds the default that --help and the README state.
    void defaultsAreWhatHelpShows_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("documented");
        const char *rows[][2] = {
            {"listen", "127.0.0.1:8080"},
            {"twilio-api", "https://api.twilio.com"},
            {"greeting", "Thank you for calling. To speak to someone, press 1. To leave a "
                         "message, press 2."},
            {"voice", "Polly.Joanna"},
            {"language", "en-US"},
            {"ring-timeout", "20"},
            {"voicemail-max", "120"},
            {"menu-repeats", "3"},
            {"download-retry-ms", "5000"},
            {"download-attempts", "6"},
            {"format", "json"},
            {"database-timeout-ms", "5000"},
            {"sqlite-sync", "full"},
            {"request-timeout-ms", "10000"},
            {"idle-timeout-ms", "30000"},
            {"max-connections", "512"},
            {"max-connections-per-address", "128"},
            {"http-threads", "2"},
            {"max-pending-answers", "512"},
        };
        for (const auto &row : rows)
            QTest::newRow(row[0]) << QString::fromLatin1(row[0]) << QString::fromUtf8(row[1]);
    }

    void defaultsAreWhatHelpShows()
    {
        QFETCH(QString, name);
        QFETCH(QString, documented);
        QString error;
        const auto config = load(valid().mid(2), &error); // everything but --listen
        QVERIFY2(config, qPrintable(error));
        QCOMPARE(held(*config, name), documented);

        QProcess service;
        service.start(QStringLiteral(SWITCHBOARD_SERVICE_BINARY), {QStringLiteral("--help")});
        QVERIFY(service.waitForFinished(5000));
        // One entry per option: "  --name <value>  description…", continued on indented lines.
        const QStringList entries = QString::fromUtf8(service.readAllStandardOutput())
                                        .split(QRegularExpression(QStringLiteral("\n  (?=-)")));
        const QString flag = QStringLiteral("--%1 <").arg(name);
        const auto entry = std::find_if(entries.begin(), entries.end(),
                                        [&](const QString &text) { return text.startsWith(flag); });
        QVERIFY2(entry != entries.end(), qPrintable(flag));
        QVERIFY2(entry->simplified().endsWith(QStringLiteral("(default: %1)").arg(documented)),
                 qPrintable(*entry));
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
