#include "CredentialStore.h"

#include "Keychain.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <qt6keychain/keychain.h>

namespace Switchboard {
namespace {

// One entry holding both values, so that a save can never leave a SID with another's token.
const QString entryKey = QStringLiteral("twilio");

QString describe(QKeychain::Job *job)
{
    return Keychain::describe(
        job,
        CredentialStore::tr(
            "No keyring is available (is a Secret Service such as GNOME Keyring running?). "
            "Switchboard works without one; only fetching voicemails from Twilio needs the "
            "credentials."),
        CredentialStore::tr("the Twilio credentials"));
}

} // namespace

CredentialStore::CredentialStore(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<TwilioCredentials>();
}

void CredentialStore::load()
{
    auto *job = new QKeychain::ReadPasswordJob(Keychain::serviceName());
    job->setKey(entryKey);
    Keychain::run(job, this, [this](QKeychain::Job *finished) {
        if (!finished) {
            Q_EMIT failed(Keychain::timeoutMessage());
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
    auto *job = new QKeychain::WritePasswordJob(Keychain::serviceName());
    job->setKey(entryKey);
    const QJsonObject json{{QStringLiteral("accountSid"), credentials.accountSid},
                           {QStringLiteral("authToken"), credentials.authToken}};
    job->setBinaryData(QJsonDocument(json).toJson(QJsonDocument::Compact));
    Keychain::run(job, this, [this](QKeychain::Job *finished) {
        if (!finished)
            Q_EMIT failed(Keychain::timeoutMessage());
        else if (finished->error() != QKeychain::NoError)
            Q_EMIT failed(describe(finished));
        else
            Q_EMIT saved();
    });
}

void CredentialStore::erase()
{
    auto *job = new QKeychain::DeletePasswordJob(Keychain::serviceName());
    job->setKey(entryKey);
    Keychain::run(job, this, [this](QKeychain::Job *finished) {
        if (!finished)
            Q_EMIT failed(Keychain::timeoutMessage());
        else if (finished->error() != QKeychain::NoError &&
                 finished->error() != QKeychain::EntryNotFound)
            Q_EMIT failed(describe(finished));
        else
            Q_EMIT erased();
    });
}

} // namespace Switchboard
