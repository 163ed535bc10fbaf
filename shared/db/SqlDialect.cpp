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

QString SqlDialect::notifyCallsWritten() const
{
    return isSqlite()
               ? QString()
               : QStringLiteral(" RETURNING pg_notify('%1', call_sid)").arg(callChangesChannel());
}

QString SqlDialect::nextRevisionPerRow() const
{
    // SQLite evaluates the MAX once per statement: the row's position keeps revisions apart.
    return isSqlite() ? QStringLiteral("(SELECT COALESCE(MAX(revision), 0) FROM calls) + 1 + r.key")
                      : nextRevision();
}

QString SqlDialect::jsonRows() const
{
    return isSqlite()
               ? QStringLiteral("json_each(?) AS r")
               : QStringLiteral("json_array_elements(?::json) WITH ORDINALITY AS r(value, key)");
}

QString SqlDialect::jsonField(int index, const char *type) const
{
    // SQLite's ->> already yields a JSON number as an integer.
    const QString field = QStringLiteral("r.value ->> %1").arg(index);
    return isSqlite() || qstrcmp(type, "TEXT") == 0
               ? field
               : QStringLiteral("(%1)::%2").arg(field, QLatin1String(type));
}

QString SqlDialect::inJsonTexts() const
{
    // PostgreSQL plans IN (set-returning function) as a scan of the whole table.
    return isSqlite() ? QStringLiteral(" IN (SELECT value FROM json_each(?))")
                      : QStringLiteral(" = ANY (ARRAY(SELECT json_array_elements_text(?::json)))");
}

QString SqlDialect::binaryParameter() const
{
    return isSqlite() ? QStringLiteral("?") : QStringLiteral("decode(?, 'base64')");
}

QVariant SqlDialect::binaryValue(const QByteArray &bytes) const
{
    return isSqlite() ? QVariant(bytes) : QVariant(QString::fromLatin1(bytes.toBase64()));
}

QString SqlDialect::skipLocked() const
{
    return isSqlite() ? QString() : QStringLiteral(" FOR UPDATE SKIP LOCKED");
}

QString SqlDialect::preferIndexes() const
{
    return isSqlite() ? QString() : QStringLiteral("SET enable_seqscan = off");
}

QString SqlDialect::resyncRevisions() const
{
    return isSqlite() ? QString()
                      : QStringLiteral("SELECT setval('call_revisions', (SELECT "
                                       "COALESCE(MAX(revision), 0) + 1 FROM calls), false)");
}

} // namespace Switchboard
