#pragma once

#include <QObject>
#include <QString>

namespace Switchboard {

struct TwilioCredentials
{
    QString accountSid;
    QString authToken;

    bool isComplete() const { return !accountSid.isEmpty() && !authToken.isEmpty(); }
};

// The Twilio credentials, kept in the OS keychain through QtKeychain, never in a config file.
// Every call is asynchronous and answers with exactly one signal.
class CredentialStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CredentialStore)

public:
    explicit CredentialStore(QObject *parent = nullptr);

    void load();
    void save(const TwilioCredentials &credentials);
    void erase();

Q_SIGNALS:
    void loaded(const Switchboard::TwilioCredentials &credentials); // empty when none stored
    void saved();
    void erased();
    // A sentence for the user, e.g. that no keyring is available and what still works.
    void failed(const QString &message);
};

} // namespace Switchboard
