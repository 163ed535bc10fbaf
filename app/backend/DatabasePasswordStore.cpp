#include "DatabasePasswordStore.h"

#include "db/DatabaseUrl.h"
#include "Keychain.h"

#include <qt6keychain/keychain.h>

namespace Switchboard {
namespace {

QString describe(QKeychain::Job *job)
{
    return Keychain::describe(
        job,
        DatabasePasswordStore::tr(
            "No keyring is available (is a Secret Service such as GNOME Keyring running?), so "
            "the database password cannot be kept there. Switchboard works without one; the "
            "password can come from ~/.pgpass (mode 0600) or the URL given with --database."),
        DatabasePasswordStore::tr("the database password"));
}

} // namespace

DatabasePasswordStore::DatabasePasswordStore(QObject *parent)
    : QObject(parent)
{}

QString DatabasePasswordStore::connectionOf(const QString &url)
{
    const auto parsed = DatabaseUrl::parse(url, nullptr);
    if (!parsed || parsed->engine != DatabaseUrl::Engine::Postgres)
        return {};
    return parsed->toDisplayString(); // normalised: scheme, default host and port spelled out
}

void DatabasePasswordStore::load(const QString &connection)
{
    auto *job = new QKeychain::ReadPasswordJob(Keychain::serviceName());
    job->setKey(connection);
    Keychain::run(job, this, [this, connection](QKeychain::Job *finished) {
        if (!finished)
            Q_EMIT failed(connection, Keychain::timeoutMessage());
        else if (finished->error() == QKeychain::EntryNotFound)
            Q_EMIT loaded(connection, QString());
        else if (finished->error() != QKeychain::NoError)
            Q_EMIT failed(connection, describe(finished));
        else
            Q_EMIT loaded(connection,
                          static_cast<QKeychain::ReadPasswordJob *>(finished)->textData());
    });
}

void DatabasePasswordStore::save(const QString &connection, const QString &password)
{
    auto *job = new QKeychain::WritePasswordJob(Keychain::serviceName());
    job->setKey(connection);
    job->setTextData(password);
    Keychain::run(job, this, [this, connection](QKeychain::Job *finished) {
        if (!finished)
            Q_EMIT failed(connection, Keychain::timeoutMessage());
        else if (finished->error() != QKeychain::NoError)
            Q_EMIT failed(connection, describe(finished));
        else
            Q_EMIT saved(connection);
    });
}

void DatabasePasswordStore::erase(const QString &connection)
{
    auto *job = new QKeychain::DeletePasswordJob(Keychain::serviceName());
    job->setKey(connection);
    Keychain::run(job, this, [this, connection](QKeychain::Job *finished) {
        if (!finished)
            Q_EMIT failed(connection, Keychain::timeoutMessage());
        else if (finished->error() != QKeychain::NoError &&
                 finished->error() != QKeychain::EntryNotFound)
            Q_EMIT failed(connection, describe(finished));
        else
            Q_EMIT erased(connection);
    });
}

} // namespace Switchboard
