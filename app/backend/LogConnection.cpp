#include "LogConnection.h"

#include "db/Database.h"
#include "db/Migrations.h"

#include <QDir>
#include <QFileInfo>

namespace Switchboard {
namespace {

// libpq's words when the server wants a password it did not get or did not accept (the server
// may translate the second; then the user sees the server's reason alone).
bool isPasswordRefused(const QString &error)
{
    return error.contains(QLatin1String("no password supplied")) ||
           error.contains(QLatin1String("password authentication failed"));
}

} // namespace

LogConnection::LogConnection(const QString &url, const QString &keychainPassword)
    : m_url(url)
    , m_keychainPassword(keychainPassword)
{}

bool LogConnection::operator==(const LogConnection &other) const
{
    return m_url == other.m_url && m_keychainPassword == other.m_keychainPassword;
}

std::unique_ptr<Database> LogConnection::open(const QString &connectionName, QString *error) const
{
    const auto parsed = DatabaseUrl::parse(m_url, error);
    if (!parsed)
        return nullptr;
    DatabaseUrl target = *parsed;
    const bool sqlite = target.engine == DatabaseUrl::Engine::Sqlite;
    if (target.password.isEmpty())
        target.password = m_keychainPassword;
    const QString where = target.toDisplayString(); // never with the password
    if (sqlite && !QFileInfo(target.path).isFile()) {
        *error = tr("There is no call log at %1. Check the path in Settings (or --database); the "
                    "log is created by switchboard-service when it first starts.")
                     .arg(QDir::toNativeSeparators(target.path));
        return nullptr;
    }

    auto database = std::make_unique<Database>(target, connectionName);
    database->setCreateIfMissing(false);
    if (!database->open(error)) {
        if (!sqlite && isPasswordRefused(*error))
            *error += QStringLiteral(" — ") +
                      tr("enter the database password in Settings; it is kept in the system "
                         "keyring.");
        return nullptr;
    }
    const int version = Migrations::currentVersion(*database, error);
    if (version < 0)
        return nullptr;
    const int known = Migrations::latestVersion();
    if (version == known)
        return database;
    if (version == 0)
        *error = tr("%1 holds no call log yet: start switchboard-service on it, which sets the "
                    "log up. Switchboard left it unchanged.")
                     .arg(where);
    else if (version < known)
        *error = tr("The call log %1 has schema version %2, older than this app's (%3): upgrade "
                    "switchboard-service and start it, which updates the log. Switchboard left "
                    "it unchanged.")
                     .arg(where)
                     .arg(version)
                     .arg(known);
    else
        *error = tr("The call log %1 has schema version %2, newer than this app reads (%3): "
                    "upgrade this app (Switchboard) to the service's version. Switchboard left "
                    "the log unchanged.")
                     .arg(where)
                     .arg(version)
                     .arg(known);
    return nullptr;
}

} // namespace Switchboard
