#include "CredentialStore.h"

#include <functional>
#include <memory>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <qt6keychain/keychain.h>
#include <QTimer>
#include <utility>

namespace Switchboard {
namespace {

const QString serviceName = QStringLiteral("Switchboard");
// One entry holding both values, so that a save can never leave a SID with another's token.
const QString entryKey = QStringLiteral("twilio");
// A locked keyring may wait for a prompt that no one can answer (no display, no agent).
constexpr int keyringTimeoutMs = 20000;

QString noKeyringMessage()
{
    return CredentialStore::tr(
        "No keyring is available (is a Secret Service such as GNOME Keyring running?). "
        "Switchboard works without one; only fetching voicemails from Twilio needs the "
        "credentials.");
}

QString describe(QKeychain::Job *job)
{
    switch (job->error()) {
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return noKeyringMessage();
    case QKeychain::OtherError:
        // QtKeychain 0.13 reports a missing Secret Service this way on the libsecret path.
        return noKeyringMessage() + QStringLiteral(" (") + job->errorString() + QStringLiteral(")");
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return CredentialStore::tr("The keyring denied access to the Twilio credentials (%1).")
            .arg(job->errorString());
    default:
        return CredentialStore::tr("The keyring failed: %1").arg(job->errorString());
    }
}

// Starts `job` and calls `done` exactly once: with the job when it finishes, or with null when
// the keyring does not answer in time (the late answer is then ignored).
void run(QKeychain::Job *job, QObject *context, std::function<void(QKeychain::Job *)> done)
{
    auto answered = std::make_shared<bool>(false);
    auto *timer = new QTimer(context);
    timer->setSingleShot(true);
    QObject::connect(timer, &QTimer::timeout, context, [answered, done, timer] {
        timer->deleteLater();
        if (std::exchange(*answered, true))
            return;
        done(nullptr);
    });
    QObject::connect(job, &QKeychain::Job::finished, context,
                     [answered, done, timer = QPointer<QTimer>(timer)](QKeychain::Job *job) {
                         if (timer)
                             timer->deleteLater();
                         if (std::exchange(*answered, true))
                             return;
                         done(job);
                     });
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // a plain-text file is no place for the Auth Token
    timer->start(keyringTimeoutMs);
    job->start();
}

QString timeoutMessage()
{
    return CredentialStore::tr("The keyring did not answer within %1 seconds; it may be locked.")
        .arg(keyringTimeoutMs / 1000);
}

} // namespace

CredentialStore::CredentialStore(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<TwilioCredentials>();
}

void CredentialStore::load()
{
    auto *job = new QKeychain::ReadPasswordJob(serviceName);
    job->setKey(entryKey);
    run(job, this, [this](QKeychain::Job *finished) {
        if (!finished) {
            Q_EMIT failed(timeoutMessage());
            return;
        }
        if (finished->error() == QKeychain::EntryNotFound) {
            Q_EMIT loaded({});
            return;
        }
        if (finished->error() != QKeychain::NoError) {
            Q_EMIT failed(describe(finished));
            return;
        }
        const QByteArray stored = static_cast<QKeychain::ReadPasswordJob *>(finished)->binaryData();
        const QJsonObject json = QJsonDocument::fromJson(stored).object();
        TwilioCredentials credentials;
        credentials.accountSid = json.value(QStringLiteral("accountSid")).toString();
        credentials.authToken = json.value(QStringLiteral("authToken")).toString();
        if (json.isEmpty()) {
            Q_EMIT failed(tr("The Twilio credentials in the keyring are unreadable; enter them "
                             "again in Settings."));
            return;
        }
        Q_EMIT loaded(credentials);
    });
}

void CredentialStore::save(const TwilioCredentials &credentials)
{
    auto *job = new QKeychain::WritePasswordJob(serviceName);
    job->setKey(entryKey);
    const QJsonObject json{{QStringLiteral("accountSid"), credentials.accountSid},
                           {QStringLiteral("authToken"), credentials.authToken}};
    job->setBinaryData(QJsonDocument(json).toJson(QJsonDocument::Compact));
    run(job, this, [this](QKeychain::Job *finished) {
        if (!finished)
            Q_EMIT failed(timeoutMessage());
        else if (finished->error() != QKeychain::NoError)
            Q_EMIT failed(describe(finished));
        else
            Q_EMIT saved();
    });
}

void CredentialStore::erase()
{
    auto *job = new QKeychain::DeletePasswordJob(serviceName);
    job->setKey(entryKey);
    run(job, this, [this](QKeychain::Job *finished) {
        if (!finished)
            Q_EMIT failed(timeoutMessage());
        else if (finished->error() != QKeychain::NoError &&
                 finished->error() != QKeychain::EntryNotFound)
            Q_EMIT failed(describe(finished));
        else
            Q_EMIT erased();
    });
}

} // namespace Switchboard
