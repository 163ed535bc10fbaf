#pragma once

#include <functional>
#include <QString>

class QObject;

namespace QKeychain {
class Job;
}

namespace Switchboard::Keychain {

// Every secret of the app is an entry of this service in the OS keychain.
QString serviceName();

// Starts `job` and calls `done` exactly once: with the job when it finishes, or with null when
// the keyring does not answer in time (the late answer is then ignored). Never falls back to a
// plain-text file.
void run(QKeychain::Job *job, QObject *context, std::function<void(QKeychain::Job *)> done);

// A failed job as a sentence for the user. `noKeyring` says what still works without a keyring;
// `secret` names what was asked for ("the Twilio credentials").
QString describe(QKeychain::Job *job, const QString &noKeyring, const QString &secret);

// What to say when run() gave up waiting.
QString timeoutMessage();

} // namespace Switchboard::Keychain
