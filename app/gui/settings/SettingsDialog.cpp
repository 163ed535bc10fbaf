#include "SettingsDialog.h"

#include "backend/AppSettings.h"
#include "backend/DisplayName.h"
#include "CallBackSettings.h"
#include "DatabasePasswordField.h"
#include "db/CallAnnotations.h"
#include "db/DatabaseUrl.h"
#include "gui/common/AccessibleNames.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>
#include <utility>

namespace Switchboard {
namespace {

const QRegularExpression accountSidPattern(QStringLiteral("^AC[0-9a-fA-F]{32}$"));

bool looksLikeUrl(const QString &text)
{
    return text.startsWith(QLatin1String("sqlite:")) || text.startsWith(QLatin1String("postgres"));
}

// The URL as the user wrote it, less its password: the field never shows one.
QString withoutPassword(const QString &url)
{
    QUrl parsed(url, QUrl::StrictMode);
    if (!url.startsWith(QLatin1String("postgres")) || parsed.password().isEmpty())
        return url;
    parsed.setPassword(QString());
    return parsed.toString();
}

QLabel *noteLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText); // error texts from the keychain and the database
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

SettingsDialog::SettingsDialog(AppSettings *settings, CredentialStore *credentials, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_credentials(credentials)
{
    setWindowTitle(tr("Switchboard Settings"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createTeamGroup());
    layout->addWidget(createDatabaseGroup());
    layout->addWidget(createTwilioGroup());
    m_callBackSettings = new CallBackSettings(settings, this);
    layout->addWidget(m_callBackSettings);
    layout->addStretch(1);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    resize(520, sizeHint().height());

    connect(m_credentials, &CredentialStore::loaded, this, &SettingsDialog::onCredentialsLoaded);
    connect(m_credentials, &CredentialStore::failed, this, &SettingsDialog::onKeyringFailed);
    connect(m_credentials, &CredentialStore::saved, this, [this] {
        if (std::exchange(m_waitingForSave, false))
            QDialog::accept();
    });
    connect(m_credentials, &CredentialStore::erased, this, [this] {
        if (std::exchange(m_waitingForSave, false))
            QDialog::accept();
    });
    // Both answer after a wait during which the dialog may have been cancelled.
    connect(m_databasePassword, &DatabasePasswordField::ready, this, [this] {
        if (!std::exchange(m_acceptWhenReady, false))
            return;
        setBusy(false);
        if (isVisible())
            accept();
    });
    connect(m_databasePassword, &DatabasePasswordField::committed, this, [this] {
        if (isVisible())
            finishAccept(true);
    });
    connect(m_databasePassword, &DatabasePasswordField::failed, this, [this] { setBusy(false); });
    m_accountSid->setEnabled(false);
    m_authToken->setEnabled(false);
    showKeyringStatus(tr("Reading the keyring…"), false);
    m_credentials->load();
}

QWidget *SettingsDialog::createTeamGroup()
{
    auto *group = new QGroupBox(tr("You"), this);
    auto *form = new QFormLayout(group);
    m_displayName = new QLineEdit(m_settings->displayName(), group);
    m_displayName->setObjectName(QStringLiteral("displayNameEdit"));
    m_displayName->setMaxLength(CallAnnotations::kMaxNameChars);
    m_displayName->setPlaceholderText(defaultDisplayName());
    m_displayName->setAccessibleName(tr("Your name"));
    form->addRow(tr("Your &name:"), m_displayName);
    auto *hint = noteLabel(group);
    hint->setText(tr("Shown to the team with what you hear, mark done, tag and note."));
    hint->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(QString(), hint);
    m_showNotifications = new QCheckBox(tr("Show desktop noti&fications"), group);
    m_showNotifications->setObjectName(QStringLiteral("showNotificationsCheck"));
    m_showNotifications->setToolTip(tr("A notification for each new voicemail and missed call"));
    m_showNotifications->setChecked(m_settings->showNotifications());
    form->addRow(QString(), m_showNotifications);
    return group;
}

QWidget *SettingsDialog::createDatabaseGroup()
{
    auto *group = new QGroupBox(tr("Call log"), this);
    auto *form = new QFormLayout(group);
    m_database = new QLineEdit(group);
    m_database->setObjectName(QStringLiteral("databaseEdit"));
    m_database->setAccessibleName(tr("Call log database"));
    m_database->setPlaceholderText(tr("/path/to/calls.db or postgresql://user@host/switchboard"));
    const QString current = m_settings->databaseUrl();
    m_database->setText(current.startsWith(QLatin1String("sqlite:")) ? current.mid(7)
                                                                     : withoutPassword(current));
    m_shownDatabaseText = m_database->text();
    auto *browse = new QPushButton(tr("Browse…"), group);
    connect(browse, &QPushButton::clicked, this, &SettingsDialog::browseForDatabase);
    auto *row = new QHBoxLayout;
    row->addWidget(m_database, 1);
    row->addWidget(browse);
    form->addRow(tr("&Database:"), row);
    m_databaseError = noteLabel(group);
    m_databaseError->hide();
    form->addRow(QString(), m_databaseError);
    auto *hint = noteLabel(group);
    hint->setText(tr("The SQLite file the Switchboard service writes, or a PostgreSQL URL."));
    hint->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(QString(), hint);

    m_databasePassword = new DatabasePasswordField(group);
    form->addRow(tr("Pass&word:"), m_databasePassword);
    m_databaseForm = form;
    connect(
        m_databasePassword, &DatabasePasswordField::applicableChanged, this,
        [this](bool applicable) { m_databaseForm->setRowVisible(m_databasePassword, applicable); });
    m_databasePassword->setDatabaseUrl(current);
    form->setRowVisible(m_databasePassword, m_databasePassword->isApplicable());
    // Typing a URL reads the keychain once the typing pauses, not at every key.
    auto *typing = new QTimer(this);
    typing->setSingleShot(true);
    typing->setInterval(300);
    connect(typing, &QTimer::timeout, this, &SettingsDialog::followDatabaseField);
    connect(m_database, &QLineEdit::textChanged, typing, qOverload<>(&QTimer::start));
    return group;
}

QWidget *SettingsDialog::createTwilioGroup()
{
    auto *group = new QGroupBox(tr("Twilio"), this);
    auto *form = new QFormLayout(group);
    m_accountSid = new QLineEdit(group);
    m_accountSid->setObjectName(QStringLiteral("accountSidEdit"));
    m_accountSid->setPlaceholderText(QStringLiteral("AC") + QString(32, QLatin1Char('0')));
    m_accountSid->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("AC[0-9a-fA-F]{0,32}")), m_accountSid));
    form->addRow(tr("Account &SID:"), m_accountSid);
    m_authToken = new QLineEdit(group);
    m_authToken->setObjectName(QStringLiteral("authTokenEdit"));
    m_authToken->setEchoMode(QLineEdit::Password);
    AccessibleNames::enableClearButton(m_authToken);
    form->addRow(tr("Auth &Token:"), m_authToken);
    m_keyringStatus = noteLabel(group);
    m_keyringStatus->setObjectName(QStringLiteral("keyringStatus"));
    form->addRow(QString(), m_keyringStatus);
    return group;
}

void SettingsDialog::browseForDatabase()
{
    const QString current = m_database->text().trimmed();
    const QString start = looksLikeUrl(current) || current.isEmpty()
                              ? QDir::homePath()
                              : QFileInfo(current).absolutePath();
    // The save dialog also lets one pick an existing file, without asking to overwrite it.
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Call log database"), start, tr("SQLite databases (*.db *.sqlite);;All files (*)"),
        nullptr, QFileDialog::DontConfirmOverwrite);
    if (!path.isEmpty())
        m_database->setText(QDir::toNativeSeparators(path));
}

void SettingsDialog::followDatabaseField()
{
    QString error;
    const QString url = databaseUrlFromField(&error);
    if (!url.isEmpty()) // half-typed: the field keeps showing the last connection
        m_databasePassword->setDatabaseUrl(url);
}

void SettingsDialog::onCredentialsLoaded(const TwilioCredentials &credentials)
{
    m_stored = credentials;
    m_keyringUsable = true;
    m_accountSid->setEnabled(true);
    m_authToken->setEnabled(true);
    m_accountSid->setText(credentials.accountSid);
    m_authToken->setText(credentials.authToken);
    showKeyringStatus(credentials.isComplete()
                          ? tr("Stored in the system keyring.")
                          : tr("Needed only to fetch voicemails the service has not downloaded. "
                               "Kept in the system keyring, never in a file."),
                      false);
}

void SettingsDialog::onKeyringFailed(const QString &message)
{
    setBusy(false);
    m_waitingForSave = false;
    if (!m_keyringUsable) {
        m_accountSid->setEnabled(false);
        m_authToken->setEnabled(false);
    }
    showKeyringStatus(message, true);
}

void SettingsDialog::showKeyringStatus(const QString &text, bool problem)
{
    m_keyringStatus->setText(problem ? QStringLiteral("⚠ ") + text : text);
    m_keyringStatus->setForegroundRole(problem ? QPalette::WindowText : QPalette::PlaceholderText);
}

void SettingsDialog::setBusy(bool busy)
{
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(!busy);
}

QString SettingsDialog::databaseUrlFromField(QString *error) const
{
    QString text = m_database->text().trimmed();
    if (text.isEmpty()) {
        *error = tr("Choose the call log database.");
        return {};
    }
    if (!looksLikeUrl(text))
        text = QStringLiteral("sqlite:") +
               QFileInfo(QDir::fromNativeSeparators(text)).absoluteFilePath();
    if (!DatabaseUrl::parse(text, error))
        return {};
    return text;
}

bool SettingsDialog::validateCredentials(QString *error) const
{
    const QString sid = m_accountSid->text().trimmed();
    const QString token = m_authToken->text();
    if (sid.isEmpty() && token.isEmpty())
        return true; // forgets them
    if (!accountSidPattern.match(sid).hasMatch()) {
        *error = tr("An Account SID is AC followed by 32 hexadecimal digits.");
        return false;
    }
    if (token.isEmpty()) {
        *error = tr("Enter the Auth Token too.");
        return false;
    }
    return true;
}

void SettingsDialog::accept()
{
    if (!m_callBackSettings->validate())
        return;
    QString error;
    QString databaseUrl = databaseUrlFromField(&error);
    m_databaseError->setVisible(databaseUrl.isEmpty());
    m_databaseError->setText(error);
    if (databaseUrl.isEmpty())
        return;
    // Untouched, the setting stays as it is: a --database URL remains for this run only.
    if (m_database->text().trimmed() == m_shownDatabaseText)
        databaseUrl = m_settings->databaseUrl();
    m_databasePassword->setDatabaseUrl(databaseUrl);
    if (m_databasePassword->isReading()) {
        // The keychain's entry for a just-typed connection is on its way: save once it is here.
        m_acceptWhenReady = true;
        setBusy(true);
        return;
    }
    // A password typed into the URL goes to the keychain: the settings file never holds one.
    const auto parsed = DatabaseUrl::parse(databaseUrl, nullptr);
    const QString typedPassword = parsed ? parsed->password : QString();
    if (!typedPassword.isEmpty() && databaseUrl != m_settings->databaseUrl()) {
        if (!m_databasePassword->canSave()) {
            m_databaseError->setText(
                tr("Without a keyring the password cannot be saved: remove it from the URL "
                   "(libpq can read it from ~/.pgpass)."));
            m_databaseError->show();
            return;
        }
        m_databasePassword->setPassword(typedPassword);
        databaseUrl = withoutPassword(databaseUrl);
        m_database->setText(databaseUrl);
        m_shownDatabaseText.clear();
    }
    if (m_keyringUsable && !validateCredentials(&error)) {
        showKeyringStatus(error, true);
        m_accountSid->setFocus();
        return;
    }
    m_acceptedDatabaseUrl = databaseUrl;
    if (!m_databasePassword->hasChange()) {
        finishAccept(false);
        return;
    }
    // The password first, so that the log reopened for a new URL finds it.
    setBusy(true);
    m_databasePassword->commit();
}

void SettingsDialog::finishAccept(bool passwordChanged)
{
    setBusy(false);
    const bool urlChanged = m_acceptedDatabaseUrl != m_settings->databaseUrl();
    // The database setting does not depend on the Twilio keyring entry: save it whatever
    // happens next.
    m_settings->setDatabaseUrl(m_acceptedDatabaseUrl);
    m_callBackSettings->save();
    m_settings->setDisplayName(m_displayName->text());
    m_settings->setShowNotifications(m_showNotifications->isChecked());
    if (passwordChanged && !urlChanged)
        Q_EMIT databasePasswordChanged();

    TwilioCredentials entered{m_accountSid->text().trimmed(), m_authToken->text()};
    const bool changed =
        entered.accountSid != m_stored.accountSid || entered.authToken != m_stored.authToken;
    if (!m_keyringUsable || !changed) {
        QDialog::accept();
        return;
    }
    m_waitingForSave = true;
    setBusy(true);
    showKeyringStatus(tr("Saving to the keyring…"), false);
    if (entered.accountSid.isEmpty())
        m_credentials->erase();
    else
        m_credentials->save(entered);
}

} // namespace Switchboard
