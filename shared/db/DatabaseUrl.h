#pragma once

#include <optional>
#include <QString>

namespace Switchboard {

// Where the call log lives: "sqlite:/absolute/path.db" or
// "postgresql://user[:password]@host[:port]/dbname".
struct DatabaseUrl
{
    enum class Engine
    {
        Sqlite,
        Postgres,
    };

    Engine engine = Engine::Sqlite;
    QString path; // SQLite file
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString databaseName;

    static std::optional<DatabaseUrl> parse(const QString &text, QString *error);
    static DatabaseUrl sqlite(const QString &path);

    QString driverName() const;
    QString toDisplayString() const; // never shows the password
};

} // namespace Switchboard
