#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;

namespace Switchboard {

class DatabasePasswordStore;

// The password of the PostgreSQL connection the settings' database field names: read from the
// keychain when the connection changes, saved there (or erased, when emptied) on commit().
// Without a keyring it stays disabled and says where else the password can come from.
class DatabasePasswordField final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DatabasePasswordField)

public:
    explicit DatabasePasswordField(QWidget *parent = nullptr);

    // Follows the database field. A password inside `url` is not shown: it is the URL's own.
    void setDatabaseUrl(const QString &url);

    bool isApplicable() const { return !m_connection.isEmpty(); } // a PostgreSQL connection
    bool isReading() const { return isApplicable() && !m_loaded && !m_unavailable; }
    bool canSave() const { return isApplicable() && m_loaded; }
    // As if typed: a password taken out of a URL on its way to the keychain.
    void setPassword(const QString &password);
    // What is in the field differs from the keychain's entry.
    bool hasChange() const;
    // Saves or erases the entry; answers with committed() or failed().
    void commit();

Q_SIGNALS:
    void applicableChanged(bool applicable);
    void ready(); // the keyring answered (or could not) for the connection shown
    void committed();
    void failed(const QString &message);

private:
    void onLoaded(const QString &connection, const QString &password);
    void onFailed(const QString &connection, const QString &message);
    void onCommitted(const QString &connection);
    void showStatus(const QString &text, bool problem);

    DatabasePasswordStore *m_store;
    QLineEdit *m_edit;
    QLabel *m_status;
    QString m_connection; // DatabasePasswordStore::connectionOf(); empty for SQLite
    QString m_stored;     // the keychain's password for m_connection, once read
    QString m_saving;     // what commit() is writing
    bool m_loaded = false;
    bool m_unavailable = false; // the keyring could not be read
    bool m_committing = false;
};

} // namespace Switchboard
