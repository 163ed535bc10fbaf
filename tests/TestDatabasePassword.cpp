// The desktop app on a PostgreSQL role that must give a password (scram-sha-256), with the
// password kept in a real keychain: run under env/with-keyring.sh (a private GNOME Keyring, a
// throwaway $HOME, so no ~/.pgpass) with the postgres fixture (SWITCHBOARD_TEST_POSTGRES):
// `ctest -R TestDatabasePassword_postgres` sets both up. The user saves the password in the
// settings dialog and the feed shows the log's calls from a URL without it, the counters count
// them and a voicemail fetched from Twilio is stored, each through a connection of its own;
// without the keychain entry the log stays closed with a clear message that never shows the
// password.

#include "AppTestData.h"
#include "backend/AppSettings.h"
#include "backend/CallLog.h"
#include "backend/CredentialStore.h"
#include "backend/DatabasePasswordStore.h"
#include "db/CallFeedQuery.h"
#include "db/CallReader.h"
#include "gui/common/StatusBanner.h"
#include "gui/details/DetailsPane.h"
#include "gui/feed/CallFeedModel.h"
#include "gui/MainWindow.h"
#include "gui/settings/SettingsDialog.h"
#include "support/KeyringGuard.h"

#include <functional>
#include <QAction>
#include <QApplication>
#include <QDialogButtonBox>
#include <QHttpServer>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>
#include <QUuid>

using namespace Switchboard;
using namespace Switchboard::Testing;

namespace {

const char postgresVariable[] = "SWITCHBOARD_TEST_POSTGRES";

// What the keychain answered to one request, with a fresh store as another process would.
struct KeychainAnswer
{
    QString signal;
    QString password;
};

KeychainAnswer askKeychain(const std::function<void(DatabasePasswordStore &)> &request)
{
    DatabasePasswordStore store;
    KeychainAnswer answer;
    QEventLoop loop;
    QObject::connect(&store, &DatabasePasswordStore::loaded, &loop,
                     [&](const QString &, const QString &password) {
                         answer = {QStringLiteral("loaded"), password};
                         loop.quit();
                     });
    for (const auto signal : {&DatabasePasswordStore::saved, &DatabasePasswordStore::erased})
        QObject::connect(&store, signal, &loop, [&] {
            answer.signal = QStringLiteral("done");
            loop.quit();
        });
    QObject::connect(&store, &DatabasePasswordStore::failed, &loop,
                     [&](const QString &, const QString &message) {
                         answer = {QStringLiteral("failed"), message};
                         loop.quit();
                     });
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    request(store);
    loop.exec();
    return answer;
}

} // namespace

class TestDatabasePassword final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!qEnvironmentVariableIsSet(postgresVariable))
            QFAIL("refused: needs SWITCHBOARD_TEST_POSTGRES (ctest sets it, with the postgres "
                  "fixture)");
        QVERIFY2(Testing::onThrowawayBus(), Testing::kThrowawayBusRefusal);
        // The keychain or nothing: no password from the environment.
        qunsetenv("PGPASSWORD");
        qunsetenv("PGPASSFILE");
        QVERIFY(m_dir.isValid());

        QString error;
        const auto admin = DatabaseUrl::parse(qEnvironmentVariable(postgresVariable), &error);
        QVERIFY2(admin, qPrintable(error));
        m_role = QStringLiteral("switchboard_pw_%1").arg(QCoreApplication::applicationPid());
        m_password = QStringLiteral("pw-") + QUuid::createUuid().toString(QUuid::Id128).left(24);
        m_url = *admin;
        m_url.user = m_role;
        m_url.databaseName = m_role;
        m_connection = m_url.toDisplayString(); // postgresql://role@127.0.0.1:25432/role

        m_admin = std::make_unique<Database>(*admin, QStringLiteral("test-admin"));
        QVERIFY2(m_admin->open(&error), qPrintable(error));
        QVERIFY(adminExec(
            QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD '%2'").arg(m_role, m_password)));
        QVERIFY(adminExec(QStringLiteral("CREATE DATABASE %1 OWNER %1").arg(m_role)));

        // This role alone must give a password on the loopback address; the other tests' trust
        // for `switchboard` stays as it is.
        QSqlQuery query(m_admin->connection());
        QVERIFY(query.exec(QStringLiteral("SHOW hba_file")) && query.next());
        m_hbaFile = query.value(0).toString();
        query.finish();
        m_hbaOriginal = readFile(m_hbaFile);
        QVERIFY2(!m_hbaOriginal.isEmpty(), qPrintable(m_hbaFile));
        QVERIFY(writeFile(
            m_hbaFile,
            QStringLiteral("host all %1 127.0.0.1/32 scram-sha-256\n").arg(m_role).toUtf8() +
                m_hbaOriginal));
        QVERIFY(adminExec(QStringLiteral("SELECT pg_reload_conf()")));
        // The reload is asynchronous: wait until a connection without the password is refused.
        QTRY_VERIFY_WITH_TIMEOUT(!canConnect(m_url), 10000);

        // The role's own log, with calls in it, written with the password as the service would.
        DatabaseUrl withPassword = m_url;
        withPassword.password = m_password;
        CallLogWriter writer(withPassword);
        QVERIFY(writer.isOpen());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(writer.answered(sid(1), now.addSecs(-300), QStringLiteral("+15035550101"),
                                QStringLiteral("Grace Hopper")));
        QVERIFY(writer.voicemail(sid(2), now.addSecs(-200), QStringLiteral("+15035550102")));
        QVERIFY(writer.missed(sid(3), now.addSecs(-100), QStringLiteral("+15035550103")));

        // A clean keychain, whatever an earlier run left.
        QCOMPARE(askKeychain([this](auto &store) { store.erase(m_connection); }).signal,
                 QStringLiteral("done"));
    }

    void cleanupTestCase()
    {
        if (!m_admin)
            return;
        if (!m_hbaOriginal.isEmpty()) {
            writeFile(m_hbaFile, m_hbaOriginal);
            adminExec(QStringLiteral("SELECT pg_reload_conf()"));
        }
        adminExec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_role));
        adminExec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(m_role));
    }

    void withoutKeychainEntryTheLogStaysClosed()
    {
        MainWindow *window = openWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->banner()->isVisible(), 10000);
        QVERIFY(!window->callLog()->isAvailable());
        const QString message = window->banner()->message();
        qInfo("banner: %s",
              qPrintable(QString(message).replace(QLatin1Char('\n'), QLatin1Char(' '))));
        QVERIFY2(message.contains(QLatin1String("no password supplied")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("enter the database password in Settings")),
                 qPrintable(message));
        QVERIFY2(message.contains(m_connection), qPrintable(message)); // which log
        QCOMPARE(window->model()->rowCount(), 0);
        verifyPasswordNowhere(window);
    }

    void passwordSavedInSettingsOpensTheLog()
    {
        MainWindow *window = openWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->banner()->isVisible(), 10000);

        // File > Settings…: the dialog is modal, so it is filled in from inside its own loop.
        auto *action = window->findChild<QAction *>(QStringLiteral("settingsAction"));
        QVERIFY(action);
        bool entered = false;
        QTimer::singleShot(0, this, [this, &entered] {
            auto *dialog = qobject_cast<SettingsDialog *>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            enterPassword(dialog, m_password);
            entered = !QTest::currentTestFailed();
            if (!entered)
                dialog->reject();
        });
        action->trigger(); // returns when the dialog closes
        QVERIFY2(entered, "the settings dialog did not take the password");

        // The log opens with the keychain's password: no password in the URL, none in a file.
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 3, 10000);
        QVERIFY(window->callLog()->isAvailable());
        QVERIFY(window->banner()->isHidden());
        QCOMPARE(m_settings->databaseUrl(), m_connection);
        QCOMPARE(askKeychain([this](auto &store) { store.load(m_connection); }).password,
                 m_password);
        verifyPasswordNowhere(window);

        // The next start finds it too.
        m_window.reset();
        window = openWindow();
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 3, 10000);
        QVERIFY(window->banner()->isHidden());
    }

    // The counters bar counts on a thread of its own, with a connection of its own: that one
    // needs the keychain's password too.
    void countersAreCountedWithTheKeychainPassword()
    {
        MainWindow *window = openWindow(); // the keychain holds the password since the last test
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 3, 10000);
        DatabaseUrl withPassword = m_url;
        withPassword.password = m_password;
        Database database(withPassword, QStringLiteral("test-counters"));
        QString error;
        QVERIFY2(database.open(&error), qPrintable(error));
        const auto expected = CallFeedQuery(database).counters(QDate::currentDate().startOfDay());
        QVERIFY(expected);
        QTRY_COMPARE_WITH_TIMEOUT(counter(window, "callsToday"),
                                  QLocale().toString(expected->callsToday), 10000);
        QCOMPARE(counter(window, "answeredToday"), QLocale().toString(expected->answeredToday));
        QCOMPARE(counter(window, "missedToday"), QLocale().toString(expected->missedToday));
        QVERIFY(window->banner()->isHidden());
    }

    // A voicemail the service could not download: the user fetches it from Twilio in the app,
    // which stores it through a short-lived connection of its own, with the keychain's password.
    void fetchedVoicemailIsStoredWithTheKeychainPassword()
    {
        const QByteArray wav = CallLogWriter::wav();
        const QString accountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
        const QString authToken =
            QStringLiteral("token-") + QUuid::createUuid().toString(QUuid::Id128);
        QHttpServer twilio;
        int requests = 0;
        twilio.route(
            QStringLiteral("/2010-04-01/Accounts/<arg>/Recordings/<arg>"),
            [&](const QString &account, const QString &, const QHttpServerRequest &request) {
                ++requests;
                if (request.value("Authorization") !=
                    "Basic " + (account + QLatin1Char(':') + authToken).toUtf8().toBase64())
                    return QHttpServerResponse(QHttpServerResponder::StatusCode::Unauthorized);
                return QHttpServerResponse("audio/x-wav", wav);
            });
        auto *tcp = new QTcpServer(&twilio);
        QVERIFY(tcp->listen(QHostAddress::LocalHost));
        twilio.bind(tcp);
        const QString api = QStringLiteral("http://127.0.0.1:%1").arg(tcp->serverPort());
        const QString recordingUrl = api + QStringLiteral("/2010-04-01/Accounts/%1/Recordings/RE%2")
                                               .arg(accountSid, sid(4).mid(2));

        DatabaseUrl withPassword = m_url;
        withPassword.password = m_password;
        {
            CallLogWriter writer(withPassword, QStringLiteral("test-voicemail"));
            QVERIFY(writer.isOpen());
            const QDateTime at = QDateTime::currentDateTimeUtc().addSecs(-50);
            QVERIFY(writer.ring(sid(4), at, QStringLiteral("+15035550104")));
            QVERIFY(writer.press(sid(4), at.addSecs(5), QStringLiteral("2")));
            QVERIFY(writer.webhook(
                WebhookKind::Recording, sid(4), at.addSecs(30),
                {{QStringLiteral("RecordingSid"), QStringLiteral("RE") + sid(4).mid(2)},
                 {QStringLiteral("RecordingUrl"), recordingUrl},
                 {QStringLiteral("RecordingDuration"), QStringLiteral("1")},
                 {QStringLiteral("CallStatus"), QStringLiteral("in-progress")}}));
        }
        QSignalSpy saved(&m_credentials, &CredentialStore::saved);
        m_credentials.save({accountSid, authToken});
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 10000);

        MainWindow *window = openWindow();
        m_settings->setTwilioApiUrl(api);
        QTRY_VERIFY_WITH_TIMEOUT(window->model()->indexOfCall(sid(4)).isValid(), 10000);
        // What the details pane's Fetch button asks for.
        Q_EMIT window->detailsPane()->fetchRequested(sid(4), recordingUrl);

        Database database(withPassword, QStringLiteral("test-fetched"));
        QString error;
        QVERIFY2(database.open(&error), qPrintable(error));
        CallReader reader(database);
        const auto downloaded = [&reader] {
            const auto call = reader.call(sid(4));
            return call && call->voicemail &&
                   call->voicemail->downloadState == DownloadState::Downloaded;
        };
        QTRY_VERIFY_WITH_TIMEOUT(downloaded(), 15000);
        QCOMPARE(requests, 1);
        QCOMPARE(reader.voicemailAudio(sid(4)), wav);
        verifyPasswordNowhere(window);

        QSignalSpy erased(&m_credentials, &CredentialStore::erased);
        m_credentials.erase();
        QTRY_COMPARE_WITH_TIMEOUT(erased.count(), 1, 10000);
    }

    void eachConnectionHasItsOwnPassword()
    {
        DatabaseUrl other = m_url;
        other.databaseName = QStringLiteral("elsewhere");
        const QString otherConnection = other.toDisplayString();
        QCOMPARE(DatabasePasswordStore::connectionOf(
                     QStringLiteral("postgres://%1@127.0.0.1:%2/%1").arg(m_role).arg(m_url.port)),
                 m_connection);
        QCOMPARE(askKeychain([&](auto &store) {
                     store.save(otherConnection, QStringLiteral("another-password"));
                 }).signal,
                 QStringLiteral("done"));
        QCOMPARE(askKeychain([this](auto &store) { store.load(m_connection); }).password,
                 m_password);
        QCOMPARE(askKeychain([&](auto &store) { store.load(otherConnection); }).password,
                 QStringLiteral("another-password"));
        QCOMPARE(askKeychain([&](auto &store) { store.erase(otherConnection); }).signal,
                 QStringLiteral("done"));
    }

    void passwordInTheUrlWins()
    {
        // The keychain holds the right password; the URL's wrong one is the one used.
        const QString wrong = QStringLiteral("wrong-") + QUuid::createUuid().toString(QUuid::Id128);
        DatabaseUrl withWrong = m_url;
        withWrong.password = wrong;
        QUrl url(withWrong.toDisplayString());
        url.setPassword(wrong);
        MainWindow *window = openWindow(url.toString());
        QTRY_VERIFY_WITH_TIMEOUT(window->banner()->isVisible(), 10000);
        const QString message = window->banner()->message();
        QVERIFY2(message.contains(QLatin1String("password authentication failed")),
                 qPrintable(message));
        QVERIFY(!message.contains(wrong));
        QVERIFY(!windowTitleOrStatus(window).contains(wrong));
        verifyPasswordNowhere(window);
    }

    void clearingThePasswordInSettingsErasesIt()
    {
        m_window.reset();
        m_settings =
            std::make_unique<AppSettings>(m_dir.filePath(QStringLiteral("settings.ini")), nullptr);
        CredentialStore credentials;
        SettingsDialog dialog(m_settings.get(), &credentials);
        QSignalSpy changed(&dialog, &SettingsDialog::databasePasswordChanged);
        dialog.show();
        auto *edit = dialog.findChild<QLineEdit *>(QStringLiteral("databasePasswordEdit"));
        QVERIFY(edit && edit->isVisible());
        QCOMPARE(edit->echoMode(), QLineEdit::Password);
        QTRY_COMPARE_WITH_TIMEOUT(edit->text(), m_password, 10000); // the keychain's
        edit->clear();
        saveButton(&dialog)->click();
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 10000);
        QCOMPARE(changed.count(), 1); // same URL: the window reopens the log for the change
        const KeychainAnswer after = askKeychain([this](auto &store) { store.load(m_connection); });
        QCOMPARE(after.signal, QStringLiteral("loaded"));
        QCOMPARE(after.password, QString());

        MainWindow *window = openWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->banner()->isVisible(), 10000);
        QVERIFY(!window->callLog()->isAvailable());
    }

private:
    static QString sid(int i) { return QStringLiteral("CA%1").arg(i, 32, 10, QLatin1Char('0')); }

    static QByteArray readFile(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }
    static bool writeFile(const QString &path, const QByteArray &data)
    {
        QFile file(path);
        return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
               file.write(data) == data.size();
    }
    static QPushButton *saveButton(QDialog *dialog)
    {
        return dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save);
    }
    static bool canConnect(const DatabaseUrl &url)
    {
        Database probe(url, QStringLiteral("test-probe"));
        QString error;
        return probe.open(&error);
    }
    static QString counter(MainWindow *window, const char *name)
    {
        return window->findChild<QLabel *>(QString::fromLatin1(name))->text();
    }
    static QString windowTitleOrStatus(MainWindow *window)
    {
        QStringList texts{window->windowTitle()};
        for (const QLabel *label : window->findChildren<QLabel *>())
            texts << label->text();
        return texts.join(QLatin1Char('\n'));
    }

    bool adminExec(const QString &sql)
    {
        QSqlQuery query(m_admin->connection());
        if (query.exec(sql))
            return true;
        qWarning("%s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
        return false;
    }

    // A new window as at the app's start, on the role's log (or `url`), settings in a file.
    MainWindow *openWindow(const QString &url = {})
    {
        m_window.reset();
        m_settings =
            std::make_unique<AppSettings>(m_dir.filePath(QStringLiteral("settings.ini")), nullptr);
        if (url.isEmpty())
            m_settings->setDatabaseUrl(m_connection);
        else
            m_settings->setDatabaseUrlOverride(url); // as --database: never saved
        m_window = std::make_unique<MainWindow>(m_settings.get(), &m_credentials);
        m_window->callLog()->setRetryInterval(500);
        m_window->show();
        m_window->openDatabase();
        return m_window.get();
    }

    // In the dialog: the password row shows for a PostgreSQL URL; type it and save.
    void enterPassword(SettingsDialog *dialog, const QString &password)
    {
        auto *url = dialog->findChild<QLineEdit *>(QStringLiteral("databaseEdit"));
        auto *edit = dialog->findChild<QLineEdit *>(QStringLiteral("databasePasswordEdit"));
        QVERIFY(url && edit);
        QCOMPARE(url->text(), m_connection);
        QVERIFY(edit->isVisible());
        QCOMPARE(edit->echoMode(), QLineEdit::Password);
        QTRY_VERIFY_WITH_TIMEOUT(edit->isEnabled(), 10000); // the keychain answered: no entry
        QCOMPARE(edit->text(), QString());
        QTest::keyClicks(edit, password);
        saveButton(dialog)->click();
        QTRY_COMPARE_WITH_TIMEOUT(dialog->result(), int(QDialog::Accepted), 10000);
    }

    // The password is in the keychain only: not in the settings file, the window or the log's
    // error (the URL the log was opened with may be another's).
    void verifyPasswordNowhere(MainWindow *window)
    {
        // A QSettings of the same file in this process sees what is not written out yet.
        const QSettings saved(m_dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
        for (const QString &key : saved.allKeys())
            QVERIFY2(!saved.value(key).toByteArray().contains(m_password.toUtf8()),
                     qPrintable(key));
        QVERIFY(!readFile(saved.fileName()).contains(m_password.toUtf8()));
        QVERIFY(!windowTitleOrStatus(window).contains(m_password));
        QVERIFY(!window->banner()->message().contains(m_password));
        QVERIFY(!window->callLog()->errorMessage().contains(m_password));
    }

    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_admin;
    DatabaseUrl m_url; // the role's log, without the password
    QString m_role;
    QString m_password;
    QString m_connection;
    QString m_hbaFile;
    QByteArray m_hbaOriginal;
    CredentialStore m_credentials;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
};

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestDatabasePassword test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestDatabasePassword.moc"
