#include "SettingsDialog.h"

#include "core/AppSettings.h"
#include "db/DatabaseUrl.h"

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
#include <QVBoxLayout>
#include <utility>

namespace Switchboard {
namespace {

const QRegularExpression accountSidPattern(QStringLiteral("^AC[0-9a-fA-F]{32}$"));

bool looksLikeUrl(const QString &text)
{
    return text.startsWith(QLatin1String("sqlite:")) || text.startsWith(QLatin1String("postgres"));
}

QLabel *noteLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
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
    layout->addWidget(createDatabaseGroup());
    layout->addWidget(createTwilioGroup());
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
    m_accountSid->setEnabled(false);
    m_authToken->setEnabled(false);
    showKeyringStatus(tr("Reading the keyring…"), false);
    m_credentials->load();
}

QWidget *SettingsDialog::createDatabaseGroup()
{
    auto *group = new QGroupBox(tr("Call log"), this);
    auto *form = new QFormLayout(group);
    m_database = new QLineEdit(group);
    m_database->setObjectName(QStringLiteral("databaseEdit"));
    m_database->setPlaceholderText(tr("/path/to/calls.db or postgresql://user@host/switchboard"));
    const QString current = m_settings->databaseUrl();
    m_database->setText(current.startsWith(QLatin1String("sqlite:")) ? current.mid(7) : current);
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
    m_authToken->setClearButtonEnabled(true);
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
    QString error;
    const QString databaseUrl = databaseUrlFromField(&error);
    m_databaseError->setVisible(databaseUrl.isEmpty());
    m_databaseError->setText(error);
    if (databaseUrl.isEmpty())
        return;
    if (m_keyringUsable && !validateCredentials(&error)) {
        showKeyringStatus(error, true);
        m_accountSid->setFocus();
        return;
    }
    // The database setting does not depend on the keyring: save it whatever happens next.
    m_settings->setDatabaseUrl(databaseUrl);

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
