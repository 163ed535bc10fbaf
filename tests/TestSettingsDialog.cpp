// The settings dialog against a real keychain (withKeyring, under env/with-keyring.sh) and
// without one (noKeyring, under env/without-keyring.sh).

#include "backend/AppSettings.h"
#include "backend/CredentialStore.h"
#include "backend/DatabasePasswordStore.h"
#include "gui/settings/SettingsDialog.h"
#include "support/KeyringGuard.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard;

class TestSettingsDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(Testing::onThrowawayBus(), Testing::kThrowawayBusRefusal); }

    void init()
    {
        QVERIFY(m_dir.isValid());
        m_settings =
            std::make_unique<AppSettings>(m_dir.filePath(QStringLiteral("settings.ini")), nullptr);
    }

    void noKeyring()
    {
        CredentialStore credentials;
        SettingsDialog dialog(m_settings.get(), &credentials);
        dialog.show();
        auto *status = dialog.findChild<QLabel *>(QStringLiteral("keyringStatus"));
        auto *sid = dialog.findChild<QLineEdit *>(QStringLiteral("accountSidEdit"));
        QVERIFY(status && sid);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("No keyring is available")),
                                 10000);
        QVERIFY(!sid->isEnabled());

        // The database setting is saved all the same.
        const QString path = m_dir.filePath(QStringLiteral("elsewhere.db"));
        dialog.findChild<QLineEdit *>(QStringLiteral("databaseEdit"))->setText(path);
        QSignalSpy changed(m_settings.get(), &AppSettings::databaseUrlChanged);
        saveButton(dialog)->click();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(m_settings->databaseUrl(), QStringLiteral("sqlite:") + path);
        QCOMPARE(changed.count(), 1);

        // A PostgreSQL URL: the password field says where else the password can come from, a
        // password in the URL is refused (it has nowhere safe to go), the URL alone is saved.
        SettingsDialog postgres(m_settings.get(), &credentials);
        postgres.show();
        auto *database = postgres.findChild<QLineEdit *>(QStringLiteral("databaseEdit"));
        auto *password = postgres.findChild<QLineEdit *>(QStringLiteral("databasePasswordEdit"));
        auto *passwordStatus =
            postgres.findChild<QLabel *>(QStringLiteral("databasePasswordStatus"));
        QVERIFY(password && passwordStatus);
        QVERIFY(!password->isVisible()); // SQLite has no password
        database->setText(QStringLiteral("postgresql://alice:typed-secret@db.example.com/calls"));
        QTRY_VERIFY_WITH_TIMEOUT(password->isVisible(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(passwordStatus->text().contains(QStringLiteral("~/.pgpass")),
                                 10000);
        QVERIFY2(passwordStatus->text().contains(QStringLiteral("No keyring is available")),
                 qPrintable(passwordStatus->text()));
        QVERIFY(!password->isEnabled());
        saveButton(postgres)->click();
        QVERIFY(postgres.isVisible());
        QVERIFY(!passwordStatus->text().contains(QStringLiteral("typed-secret")));
        QCOMPARE(m_settings->databaseUrl(), QStringLiteral("sqlite:") + path);
        database->setText(QStringLiteral("postgresql://alice@db.example.com/calls"));
        saveButton(postgres)->click();
        QTRY_COMPARE_WITH_TIMEOUT(postgres.result(), int(QDialog::Accepted), 10000);
        QCOMPARE(m_settings->databaseUrl(),
                 QStringLiteral("postgresql://alice@db.example.com/calls"));
    }

    void withKeyring()
    {
        CredentialStore credentials;
        SettingsDialog dialog(m_settings.get(), &credentials);
        dialog.show();
        auto *sid = dialog.findChild<QLineEdit *>(QStringLiteral("accountSidEdit"));
        auto *token = dialog.findChild<QLineEdit *>(QStringLiteral("authTokenEdit"));
        auto *status = dialog.findChild<QLabel *>(QStringLiteral("keyringStatus"));
        QVERIFY(sid && token && status);
        QTRY_VERIFY_WITH_TIMEOUT(sid->isEnabled(), 10000);
        QCOMPARE(token->echoMode(), QLineEdit::Password);

        // A malformed Account SID keeps the dialog open with a reason.
        QTest::keyClicks(sid, QStringLiteral("AC1234"));
        QTest::keyClicks(token, QStringLiteral("secret-token"));
        saveButton(dialog)->click();
        QVERIFY(dialog.isVisible());
        QVERIFY2(status->text().contains(QStringLiteral("32 hexadecimal")),
                 qPrintable(status->text()));

        // The validator keeps out what cannot be part of a SID.
        sid->clear();
        QTest::keyClicks(sid, QStringLiteral("ACzz0123456789abcdef0123456789abcdef"));
        QCOMPARE(sid->text(), QStringLiteral("AC0123456789abcdef0123456789abcdef"));
        saveButton(dialog)->click();
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 10000);
        QVERIFY(!dialog.isVisible());

        // What a fresh store reads is what was typed.
        CredentialStore reader;
        QSignalSpy loaded(&reader, &CredentialStore::loaded);
        reader.load();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        const auto stored = loaded.first().first().value<TwilioCredentials>();
        QCOMPARE(stored.accountSid, QStringLiteral("AC0123456789abcdef0123456789abcdef"));
        QCOMPARE(stored.authToken, QStringLiteral("secret-token"));
        QVERIFY(!QFile(m_dir.filePath(QStringLiteral("settings.ini"))).exists() ||
                !readAll(m_dir.filePath(QStringLiteral("settings.ini"))).contains("secret-token"));

        // Emptying both fields forgets them.
        SettingsDialog again(m_settings.get(), &credentials);
        again.show();
        auto *sid2 = again.findChild<QLineEdit *>(QStringLiteral("accountSidEdit"));
        QTRY_COMPARE_WITH_TIMEOUT(sid2->text(), stored.accountSid, 10000);
        sid2->clear();
        again.findChild<QLineEdit *>(QStringLiteral("authTokenEdit"))->clear();
        saveButton(again)->click();
        QTRY_COMPARE_WITH_TIMEOUT(again.result(), int(QDialog::Accepted), 10000);
        reader.load();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 10000);
        QVERIFY(!loaded.last().first().value<TwilioCredentials>().isComplete());

        // A password typed into a PostgreSQL URL goes to the keychain, under that connection;
        // the settings keep the URL without it.
        SettingsDialog postgres(m_settings.get(), &credentials);
        postgres.show();
        auto *password = postgres.findChild<QLineEdit *>(QStringLiteral("databasePasswordEdit"));
        QVERIFY(password && !password->isVisible()); // SQLite has no password
        postgres.findChild<QLineEdit *>(QStringLiteral("databaseEdit"))
            ->setText(QStringLiteral("postgresql://alice:typed-secret@db.example.com/calls"));
        saveButton(postgres)->click();
        QTRY_COMPARE_WITH_TIMEOUT(postgres.result(), int(QDialog::Accepted), 10000);
        QCOMPARE(m_settings->databaseUrl(),
                 QStringLiteral("postgresql://alice@db.example.com/calls"));
        QVERIFY(!readAll(m_dir.filePath(QStringLiteral("settings.ini"))).contains("typed-secret"));
        const QString connection = QStringLiteral("postgresql://alice@db.example.com:5432/calls");
        QCOMPARE(DatabasePasswordStore::connectionOf(m_settings->databaseUrl()), connection);
        DatabasePasswordStore passwords;
        QSignalSpy passwordLoaded(&passwords, &DatabasePasswordStore::loaded);
        passwords.load(connection);
        QTRY_COMPARE_WITH_TIMEOUT(passwordLoaded.count(), 1, 10000);
        QCOMPARE(passwordLoaded.first().at(1).toString(), QStringLiteral("typed-secret"));

        // Opened again: the field shows it (hidden), and emptying it erases it.
        SettingsDialog again2(m_settings.get(), &credentials);
        QSignalSpy passwordChanged(&again2, &SettingsDialog::databasePasswordChanged);
        again2.show();
        auto *password2 = again2.findChild<QLineEdit *>(QStringLiteral("databasePasswordEdit"));
        QVERIFY(password2->isVisible());
        QCOMPARE(password2->echoMode(), QLineEdit::Password);
        QCOMPARE(again2.findChild<QLineEdit *>(QStringLiteral("databaseEdit"))->text(),
                 QStringLiteral("postgresql://alice@db.example.com/calls"));
        QTRY_COMPARE_WITH_TIMEOUT(password2->text(), QStringLiteral("typed-secret"), 10000);
        password2->clear();
        saveButton(again2)->click();
        QTRY_COMPARE_WITH_TIMEOUT(again2.result(), int(QDialog::Accepted), 10000);
        QCOMPARE(passwordChanged.count(), 1);
        passwords.load(connection);
        QTRY_COMPARE_WITH_TIMEOUT(passwordLoaded.count(), 2, 10000);
        QCOMPARE(passwordLoaded.last().at(1).toString(), QString());
    }

private:
    static QPushButton *saveButton(QDialog &dialog)
    {
        return dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save);
    }
    static QByteArray readAll(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    QTemporaryDir m_dir;
    std::unique_ptr<AppSettings> m_settings;
};

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestSettingsDialog test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestSettingsDialog.moc"
