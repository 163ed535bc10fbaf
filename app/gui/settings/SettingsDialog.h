#pragma once

#include "backend/CredentialStore.h"

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;

namespace Switchboard {

class AppSettings;
class CallBackSettings;
class DatabasePasswordField;

// The name you go by in the team, where the call log is, its PostgreSQL password and the Twilio
// credentials (both kept in the keychain). Without a keychain the dialog says so and still saves
// the database setting.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    SettingsDialog(AppSettings *settings, CredentialStore *credentials, QWidget *parent = nullptr);

    void accept() override;

Q_SIGNALS:
    // The database password changed in the keychain while the URL stayed: the log should be
    // opened again with it (a new URL reopens it anyway).
    void databasePasswordChanged();

private:
    QWidget *createTeamGroup();
    QWidget *createDatabaseGroup();
    QWidget *createTwilioGroup();
    void browseForDatabase();
    void followDatabaseField();
    // The second half of accept(), once the database password is in the keychain.
    void finishAccept(bool passwordChanged);
    void onCredentialsLoaded(const TwilioCredentials &credentials);
    void onKeyringFailed(const QString &message);
    void showKeyringStatus(const QString &text, bool problem);
    void setBusy(bool busy);
    // The database field's text as a database URL; empty (with *error) when it is not one.
    QString databaseUrlFromField(QString *error) const;
    bool validateCredentials(QString *error) const;

    AppSettings *m_settings;
    CredentialStore *m_credentials;
    QLineEdit *m_displayName = nullptr;
    QCheckBox *m_showNotifications = nullptr;
    QLineEdit *m_database = nullptr;
    QLabel *m_databaseError = nullptr;
    QFormLayout *m_databaseForm = nullptr;
    DatabasePasswordField *m_databasePassword = nullptr;
    QString m_shownDatabaseText; // the field as opened: untouched, the setting is left as it is
    QString m_acceptedDatabaseUrl;
    bool m_acceptWhenReady = false;
    QLineEdit *m_accountSid = nullptr;
    QLineEdit *m_authToken = nullptr;
    QLabel *m_keyringStatus = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    CallBackSettings *m_callBackSettings = nullptr;
    TwilioCredentials m_stored;
    bool m_keyringUsable = false;
    bool m_waitingForSave = false;
};

} // namespace Switchboard
