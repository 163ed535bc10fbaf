#include "DatabasePasswordField.h"

#include "backend/DatabasePasswordStore.h"
#include "gui/common/AccessibleNames.h"

#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>
#include <utility>

namespace Switchboard {

DatabasePasswordField::DatabasePasswordField(QWidget *parent)
    : QWidget(parent)
    , m_store(new DatabasePasswordStore(this))
    , m_edit(new QLineEdit(this))
    , m_status(new QLabel(this))
{
    m_edit->setObjectName(QStringLiteral("databasePasswordEdit"));
    m_edit->setEchoMode(QLineEdit::Password);
    m_edit->setAccessibleName(tr("Database password"));
    AccessibleNames::enableClearButton(m_edit);
    m_edit->setEnabled(false);
    m_status->setObjectName(QStringLiteral("databasePasswordStatus"));
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_edit);
    layout->addWidget(m_status);
    setFocusProxy(m_edit);

    connect(m_store, &DatabasePasswordStore::loaded, this, &DatabasePasswordField::onLoaded);
    connect(m_store, &DatabasePasswordStore::failed, this, &DatabasePasswordField::onFailed);
    connect(m_store, &DatabasePasswordStore::saved, this, &DatabasePasswordField::onCommitted);
    connect(m_store, &DatabasePasswordStore::erased, this, &DatabasePasswordField::onCommitted);
}

void DatabasePasswordField::setDatabaseUrl(const QString &url)
{
    const QString connection = DatabasePasswordStore::connectionOf(url);
    if (connection == m_connection)
        return;
    const bool wasApplicable = isApplicable();
    m_connection = connection;
    m_stored.clear();
    m_loaded = false;
    m_unavailable = false;
    m_committing = false;
    m_saving.clear();
    // Another server's password must not be shown, nor saved for this one.
    m_edit->clear();
    m_edit->setEnabled(false);
    if (isApplicable() != wasApplicable)
        Q_EMIT applicableChanged(isApplicable());
    if (!isApplicable())
        return;
    showStatus(tr("Reading the keyring…"), false);
    m_store->load(connection);
}

void DatabasePasswordField::setPassword(const QString &password)
{
    m_edit->setText(password);
}

bool DatabasePasswordField::hasChange() const
{
    return canSave() && m_edit->text() != m_stored;
}

void DatabasePasswordField::commit()
{
    if (!hasChange()) {
        Q_EMIT committed();
        return;
    }
    m_committing = true;
    m_saving = m_edit->text();
    m_edit->setEnabled(false);
    showStatus(tr("Saving to the keyring…"), false);
    if (m_saving.isEmpty())
        m_store->erase(m_connection);
    else
        m_store->save(m_connection, m_saving);
}

void DatabasePasswordField::onLoaded(const QString &connection, const QString &password)
{
    if (connection != m_connection || m_loaded)
        return; // an answer about a connection the database field no longer names
    m_stored = password;
    m_loaded = true;
    m_edit->setText(password);
    m_edit->setEnabled(true);
    showStatus(password.isEmpty()
                   ? tr("Kept in the system keyring, never in a file. Leave it empty to use "
                        "~/.pgpass.")
                   : tr("Stored in the system keyring."),
               false);
    Q_EMIT ready();
}

void DatabasePasswordField::onFailed(const QString &connection, const QString &message)
{
    if (connection != m_connection)
        return;
    showStatus(message, true);
    if (m_committing) {
        m_committing = false;
        m_saving.clear();
        m_edit->setEnabled(true); // to try again, or to clear it and rely on ~/.pgpass
        Q_EMIT failed(message);
        return;
    }
    m_unavailable = true;
    m_edit->setEnabled(false);
    Q_EMIT ready();
}

void DatabasePasswordField::onCommitted(const QString &connection)
{
    if (connection != m_connection || !m_committing)
        return;
    m_committing = false;
    m_stored = std::exchange(m_saving, QString());
    m_edit->setEnabled(true);
    showStatus(m_stored.isEmpty() ? tr("Removed from the system keyring.")
                                  : tr("Stored in the system keyring."),
               false);
    Q_EMIT committed();
}

void DatabasePasswordField::showStatus(const QString &text, bool problem)
{
    m_status->setText(problem ? QStringLiteral("⚠ ") + text : text);
    m_status->setForegroundRole(problem ? QPalette::WindowText : QPalette::PlaceholderText);
}

} // namespace Switchboard
