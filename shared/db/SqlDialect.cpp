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

QString SqlDialect::afterTryLockingCalls(const QString &insert) const
{
    // MATERIALIZED: the locks are tried once, although the statement reads `busy` twice.
    return isSqlite() ? insert + QStringLiteral(", false")
                      : QStringLiteral("WITH busy AS MATERIALIZED (SELECT sid FROM"
                                       " unnest(string_to_array(?, ',')) AS sid WHERE NOT"
                                       " pg_try_advisory_xact_lock(hashtext(sid))),"
                                       " written AS (%1) SELECT written.*, false FROM written"
                                       " UNION ALL SELECT sid, true FROM busy")
                            .arg(insert);
}

QString SqlDialect::andCallNotBusy(const QString &callSid) const
{
    return isSqlite() ? QString()
                      : QStringLiteral(" AND %1 NOT IN (SELECT sid FROM busy)").arg(callSid);
}

QString SqlDialect::allInOne(const QStringList &writes) const
{
    if (isSqlite())
        return {};
    // Every data-changing WITH query runs to completion, whether or not it is read.
    QStringList parts;
    for (qsizetype i = 0; i < writes.size(); ++i)
        parts.append(QStringLiteral("w%1 AS (%2)").arg(QString::number(i), writes.at(i)));
    return QStringLiteral("WITH ") + parts.join(QLatin1String(", ")) +
           QStringLiteral(" SELECT * FROM w0");
}

QString SqlDialect::withCallLockedAndRevised(const QString &update) const
{
    if (isSqlite())
        return {};
    // The lock is taken before the update's row lock: the update's filter reads `held`.
    return QStringLiteral(
               "WITH held AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtext(?))),"
               " changed AS (%1 AND EXISTS (SELECT FROM held) RETURNING call_sid),"
               " revised AS (UPDATE calls SET revision = %2 WHERE call_sid IN (SELECT"
               " call_sid FROM changed)%3)"
               " SELECT c.call_sid FROM changed AS c, (SELECT count(*) FROM revised) AS n")
        .arg(update, nextRevision(), notifyCallsWritten());
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
    // jsonb: parsed once, where each ->> on a json value would parse its row again.
    return isSqlite()
               ? QStringLiteral("json_each(?) AS r")
               : QStringLiteral("jsonb_array_elements(?::jsonb) WITH ORDINALITY AS r(value, key)");
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
    return isSqlite()
               ? QStringLiteral(" IN (SELECT value FROM json_each(?))")
               : QStringLiteral(" = ANY (ARRAY(SELECT jsonb_array_elements_text(?::jsonb)))");
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
