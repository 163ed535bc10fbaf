#include "DatabaseUrl.h"

#include <QDir>
#include <QUrl>

namespace Switchboard {

std::optional<DatabaseUrl> DatabaseUrl::parse(const QString &text, QString *error)
{
    const auto fail = [error](const QString &why) -> std::optional<DatabaseUrl> {
        if (error)
            *error = why;
        return std::nullopt;
    };

    if (text.startsWith(QLatin1String("sqlite:"))) {
        const QString path = text.mid(7);
        if (path.isEmpty() || !QDir::isAbsolutePath(path))
            return fail(QStringLiteral(
                "a SQLite URL needs an absolute path, as in sqlite:/var/lib/switchboard/calls.db"));
        return sqlite(QDir::cleanPath(path));
    }

    const QUrl url(text, QUrl::StrictMode);
    if (url.isValid() && (url.scheme() == QLatin1String("postgresql") ||
                          url.scheme() == QLatin1String("postgres"))) {
        DatabaseUrl result;
        result.engine = Engine::Postgres;
        result.host = url.host().isEmpty() ? QStringLiteral("localhost") : url.host();
        result.port = url.port(5432);
        result.user = url.userName();
        result.password = url.password();
        result.databaseName = url.path().mid(1);
        if (result.databaseName.isEmpty())
            return fail(QStringLiteral("a PostgreSQL URL needs a database name, as in "
                                       "postgresql://user@host:5432/switchboard"));
        return result;
    }
    return fail(QStringLiteral("'%1' is not a database URL: use sqlite:/absolute/path.db or "
                               "postgresql://user@host:port/dbname")
                    .arg(text));
}

DatabaseUrl DatabaseUrl::sqlite(const QString &path)
{
    DatabaseUrl result;
    result.engine = Engine::Sqlite;
    result.path = path;
    return result;
}

QString DatabaseUrl::driverName() const
{
    return engine == Engine::Sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL");
}

QString DatabaseUrl::toDisplayString() const
{
    if (engine == Engine::Sqlite)
        return QStringLiteral("sqlite:") + path;
    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    url.setUserName(user);
    url.setHost(host);
    url.setPort(port);
    url.setPath(QLatin1Char('/') + databaseName);
    return url.toString();
}

} // namespace Switchboard
