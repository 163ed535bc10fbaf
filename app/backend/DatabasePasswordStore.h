#pragma once

#include <QObject>
#include <QString>

namespace Switchboard {

// PostgreSQL passwords, kept in the OS keychain through QtKeychain, one entry per connection so
// that each server (and each user or database on it) has its own. The database URL in the
// settings never holds one. Every call is asynchronous and answers with exactly one signal,
// which names the connection it is about.
class DatabasePasswordStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DatabasePasswordStore)

public:
    explicit DatabasePasswordStore(QObject *parent = nullptr);

    // The connection a postgresql:// URL names, in one spelling whatever the URL's
    // ("postgresql://user@host:5432/dbname", never with the password): the keychain entry's
    // name. Empty for a SQLite URL or text that is not a database URL.
    static QString connectionOf(const QString &url);

    void load(const QString &connection);
    void save(const QString &connection, const QString &password);
    void erase(const QString &connection);

Q_SIGNALS:
    void loaded(const QString &connection, const QString &password); // empty when none stored
    void saved(const QString &connection);
    void erased(const QString &connection);
    // A sentence for the user, e.g. that no keyring is available and where else the password
    // can come from. Never contains the password.
    void failed(const QString &connection, const QString &message);
};

} // namespace Switchboard
