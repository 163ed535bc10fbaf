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

QString SqlDialect::lockCalls() const
{
    return isSqlite() ? QString()
                      : QStringLiteral("SELECT pg_advisory_xact_lock(key) FROM (SELECT DISTINCT"
                                       " hashtext(sid) AS key FROM unnest(string_to_array(?, ','))"
                                       " AS sid ORDER BY key) AS keys");
}

QString SqlDialect::tryLockCalls() const
{
    return isSqlite() ? QString()
                      : QStringLiteral("SELECT sid FROM unnest(string_to_array(?, ',')) AS sid"
                                       " WHERE NOT pg_try_advisory_xact_lock(hashtext(sid))");
}

QString SqlDialect::nextRevision() const
{
    return isSqlite() ? QStringLiteral("(SELECT COALESCE(MAX(revision), 0) + 1 FROM calls)")
                      : QStringLiteral("nextval('call_revisions')");
}

QString SqlDialect::resyncRevisions() const
{
    return isSqlite() ? QString()
                      : QStringLiteral("SELECT setval('call_revisions', (SELECT "
                                       "COALESCE(MAX(revision), 0) + 1 FROM calls), false)");
}

QString SqlDialect::notifyCallsChanged() const
{
    return isSqlite() ? QString()
                      : QStringLiteral("SELECT pg_notify('%1', sid) FROM"
                                       " unnest(string_to_array(?, ',')) AS sid")
                            .arg(callChangesChannel());
}

} // namespace Switchboard
