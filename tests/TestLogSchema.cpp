// A desktop never changes the shared call log: only the service creates and migrates it. The
// real main window (offscreen) meets a path with a typo, a database the service never set up,
// a log older than the app (the service not upgraded yet) and a newer one (this desktop not
// upgraded). Each time the window names the log and what to do, and the log stays as it was:
// no folder, no file, no table, the same schema version (on SQLite the same bytes).
// Run through ctest: TestLogSchema on SQLite, TestLogSchema_postgres on the test server.

#include "backend/AppSettings.h"
#include "backend/CallLog.h"
#include "backend/CredentialStore.h"
#include "db/Database.h"
#include "db/Migrations.h"
#include "gui/common/StatusBanner.h"
#include "gui/MainWindow.h"
#include "ServiceHarness.h"

#include <QApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

namespace {

// What a banner says, as the user reads it (its label is rich text, the message escaped).
QString plainText(const QString &html)
{
    QTextDocument document;
    document.setHtml(html);
    return document.toPlainText().simplified();
}

DatabaseUrl urlOf(const QString &text)
{
    return DatabaseUrl::parse(text, nullptr).value();
}

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex();
}

} // namespace

class TestLogSchema final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void cleanup()
    {
        m_window.reset();
        m_settings.reset();
    }

    void missingLogIsNamedAndNotCreated()
    {
        QString url;
        QString named;
        if (ServiceHarness::usesPostgres()) {
            auto typo = urlOf(qEnvironmentVariable("SWITCHBOARD_TEST_POSTGRES"));
            typo.databaseName =
                QStringLiteral("switchboard_typo_%1").arg(QCoreApplication::applicationPid());
            url = named = typo.toDisplayString();
        } else {
            // Markup in the path must show as typed, not be interpreted.
            named = m_dir.filePath(QStringLiteral("a/path/with/a/<i>typo</i>/calls.db"));
            url = QStringLiteral("sqlite:") + named;
        }
        MainWindow *window = openWindow(url);
        QTRY_VERIFY_WITH_TIMEOUT(window->banner()->isVisible(), 10000);
        QVERIFY(retryAFewTimes(window));
        const QString message = plainText(window->banner()->message());
        qInfo("banner: %s", qPrintable(message));
        QVERIFY2(message.contains(named), qPrintable(message));
        if (ServiceHarness::usesPostgres()) {
            QVERIFY2(message.contains(QLatin1String("does not exist")), qPrintable(message));
            QVERIFY(!databaseExists(url));
        } else {
            QVERIFY2(message.contains(QLatin1String("There is no call log at")),
                     qPrintable(message));
            QVERIFY2(message.contains(QLatin1String("switchboard-service")), qPrintable(message));
            QVERIFY2(!QFileInfo::exists(m_dir.filePath(QStringLiteral("a"))),
                     "the app created the log's folders");
        }
        QVERIFY(!window->callLog()->isAvailable());
        QVERIFY(!window->isShowingEmptyState()); // not "No calls yet": there is no log
    }

    void serviceCreatesAMissingLogTheAppThenShows()
    {
        const QString path = m_dir.filePath(QStringLiteral("later/calls.db"));
        MainWindow *window = openWindow(QStringLiteral("sqlite:") + path);
        QTRY_VERIFY_WITH_TIMEOUT(window->banner()->isVisible(), 10000);
        QVERIFY(!QFileInfo::exists(path));

        ServiceHarness harness;
        harness.setDatabaseUrl(QStringLiteral("sqlite:") + path);
        QVERIFY2(harness.startService(), qPrintable(harness.serviceOutput()));
        QTRY_VERIFY_WITH_TIMEOUT(window->callLog()->isAvailable(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(window->banner()->isHidden(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(window->isShowingEmptyState(), 10000); // now "No calls yet"
    }

    void unsetDatabaseIsNotSetUp()
    {
        ServiceHarness harness; // on PostgreSQL an empty database of its own
        if (!ServiceHarness::usesPostgres()) {
            QFile empty(harness.databasePath());
            QVERIFY(empty.open(QIODevice::WriteOnly)); // an empty file is an empty SQLite one
        }
        const QString before = fingerprint(harness.databaseUrl());
        const QString message = bannerAfterRetries(harness.databaseUrl());
        QVERIFY2(message.contains(QLatin1String("holds no call log yet")) &&
                     message.contains(QLatin1String("start switchboard-service")),
                 qPrintable(message));
        QVERIFY2(message.contains(urlOf(harness.databaseUrl()).toDisplayString()),
                 qPrintable(message));
        QCOMPARE(fingerprint(harness.databaseUrl()), before);
        QCOMPARE(schemaVersion(harness.databaseUrl()), 0);

        // The service sets the log up; the app, still retrying, then shows it.
        QVERIFY2(harness.startService(), qPrintable(harness.serviceOutput()));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->callLog()->isAvailable(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->banner()->isHidden(), 10000);
    }

    void olderLogIsLeftToTheService()
    {
        ServiceHarness harness;
        const int older = Migrations::versions().at(Migrations::versions().size() - 2);
        createLog(harness.databaseUrl(), older);
        const QString before = fingerprint(harness.databaseUrl());
        const QString message = bannerAfterRetries(harness.databaseUrl());
        QVERIFY2(
            message.contains(QStringLiteral("has schema version %1, older than this app's (%2)")
                                 .arg(older)
                                 .arg(Migrations::latestVersion())),
            qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("upgrade switchboard-service and start it")),
                 qPrintable(message));
        QVERIFY2(message.contains(urlOf(harness.databaseUrl()).toDisplayString()),
                 qPrintable(message));
        QCOMPARE(schemaVersion(harness.databaseUrl()), older); // while the window is open too
        m_window.reset();
        QCOMPARE(fingerprint(harness.databaseUrl()), before);
        QCOMPARE(schemaVersion(harness.databaseUrl()), older);
    }

    void newerLogIsLeftAsItIs()
    {
        ServiceHarness harness;
        const int newer = Migrations::latestVersion() + 1;
        createLog(harness.databaseUrl(), Migrations::latestVersion());
        {
            // As a newer service would have recorded its migration.
            Database database(urlOf(harness.databaseUrl()), QStringLiteral("newer"));
            QString error;
            QVERIFY2(database.open(&error), qPrintable(error));
            QSqlQuery query(database.connection());
            query.prepare(QStringLiteral("INSERT INTO schema_migrations (version, applied_at, "
                                         "description) VALUES (?, 0, 'from the future')"));
            query.addBindValue(newer);
            QVERIFY(query.exec());
        }
        const QString before = fingerprint(harness.databaseUrl());
        const QString message = bannerAfterRetries(harness.databaseUrl());
        QVERIFY2(
            message.contains(QStringLiteral("has schema version %1, newer than this app reads (%2)")
                                 .arg(newer)
                                 .arg(Migrations::latestVersion())),
            qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("upgrade this app")), qPrintable(message));
        m_window.reset();
        QCOMPARE(fingerprint(harness.databaseUrl()), before);
        QCOMPARE(schemaVersion(harness.databaseUrl()), newer);
    }

private:
    MainWindow *openWindow(const QString &url)
    {
        m_window.reset();
        m_settings =
            std::make_unique<AppSettings>(m_dir.filePath(QStringLiteral("settings.ini")), nullptr);
        m_settings->setDatabaseUrlOverride(url);
        m_window = std::make_unique<MainWindow>(m_settings.get(), &m_credentials);
        m_window->callLog()->setRetryInterval(200);
        m_window->show();
        m_window->openDatabase();
        return m_window.get();
    }

    // Opens the window on the log and returns its banner's text once the app has retried a few
    // times; empty when no banner showed or the retries did not come.
    QString bannerAfterRetries(const QString &url)
    {
        MainWindow *window = openWindow(url);
        if (!QTest::qWaitFor([window] { return window->banner()->isVisible(); }, 10000) ||
            !retryAFewTimes(window))
            return {};
        const QString message = plainText(window->banner()->message());
        qInfo("banner: %s", qPrintable(message));
        return message;
    }

    // The app retries a log it cannot open (every 200 ms here): each attempt changes nothing.
    static bool retryAFewTimes(MainWindow *window)
    {
        QSignalSpy attempts(window->callLog(), &CallLog::attemptFailed);
        return QTest::qWaitFor([&attempts] { return attempts.count() >= 3; }, 20000);
    }

    static void createLog(const QString &url, int version)
    {
        Database database(urlOf(url), QStringLiteral("fixture"));
        QString error;
        QVERIFY2(database.open(&error), qPrintable(error));
        QVERIFY2(Migrations::apply(database, &error, version), qPrintable(error));
        QCOMPARE(Migrations::currentVersion(database, &error), version);
    }

    static int schemaVersion(const QString &url)
    {
        Database database(urlOf(url), QStringLiteral("probe"));
        QString error;
        if (!database.open(&error))
            return -1;
        return Migrations::currentVersion(database, &error);
    }

    // The log as it is: on SQLite the file's bytes; on PostgreSQL every table, column and
    // index of the database, and the recorded migrations.
    static QString fingerprint(const QString &url)
    {
        const auto parsed = urlOf(url);
        if (parsed.engine == DatabaseUrl::Engine::Sqlite)
            return QString::fromLatin1(fileHash(parsed.path));
        Database database(parsed, QStringLiteral("fingerprint"));
        QString error;
        if (!database.open(&error))
            return error;
        QStringList parts;
        QSqlQuery query(database.connection());
        query.exec(QStringLiteral("SELECT table_name || '.' || column_name || ':' || data_type "
                                  "FROM information_schema.columns WHERE table_schema = 'public' "
                                  "ORDER BY 1"));
        while (query.next())
            parts << query.value(0).toString();
        query.exec(QStringLiteral("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' "
                                  "ORDER BY 1"));
        while (query.next())
            parts << query.value(0).toString();
        if (database.connection().tables().contains(QStringLiteral("schema_migrations"))) {
            query.exec(
                QStringLiteral("SELECT version, applied_at FROM schema_migrations ORDER BY 1"));
            while (query.next())
                parts << query.value(0).toString() + QLatin1Char('@') + query.value(1).toString();
        }
        return parts.join(QLatin1Char('\n'));
    }

    static bool databaseExists(const QString &url)
    {
        const auto server = urlOf(qEnvironmentVariable("SWITCHBOARD_TEST_POSTGRES"));
        Database admin(server, QStringLiteral("admin"));
        QString error;
        if (!admin.open(&error))
            return true; // cannot tell: fail the check
        QSqlQuery query(admin.connection());
        query.prepare(QStringLiteral("SELECT 1 FROM pg_database WHERE datname = ?"));
        query.addBindValue(urlOf(url).databaseName);
        return !query.exec() || query.next();
    }

    QTemporaryDir m_dir;
    CredentialStore m_credentials;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
};

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestLogSchema test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestLogSchema.moc"
