#include "SqlDialect.h"

namespace Switchboard {

QString SqlDialect::schema(QString statement) const
{
    statement.replace(QLatin1String("{BLOB}"),
                      isSqlite() ? QLatin1String("BLOB") : QLatin1String("BYTEA"));
    statement.replace(QLatin1String("{AUTO_ID}"),
                      isSqlite() ? QLatin1String("INTEGER PRIMARY KEY AUTOINCREMENT")
                                 : QLatin1String("BIGSERIAL PRIMARY KEY"));
    return statement;
}

QString SqlDialect::beginWrite() const
{
    return isSqlite() ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN");
}

QString SqlDialect::resyncRevisions() const
{
    return isSqlite() ? QString()
                      : QStringLiteral("SELECT setval('call_revisions', (SELECT "
                                       "COALESCE(MAX(revision), 0) + 1 FROM calls), false)");
}

} // namespace Switchboard
