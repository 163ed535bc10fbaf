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

QString SqlDialect::allInOne(const QStringList &writes) const
{
    if (isSqlite())
        return {};
    // Advisory locks: kept in memory, where a row lock would be written to the table and its
    // WAL. MATERIALIZED: tried once, before the first write reads `held`.
    QStringList parts{QStringLiteral("held AS MATERIALIZED (SELECT sid AS call_sid FROM"
                                     " jsonb_array_elements_text(?::jsonb) AS sid WHERE"
                                     " pg_try_advisory_xact_lock(hashtext(sid)))"),
                      QStringLiteral("written AS (%1)").arg(writes.constFirst())};
    for (qsizetype i = 1; i < writes.size(); ++i)
        parts.append(QStringLiteral("w%1 AS (%2)").arg(QString::number(i), writes.at(i)));
    return QStringLiteral("WITH ") + parts.join(QLatin1String(", ")) +
           QStringLiteral(" SELECT * FROM written");
}

QString SqlDialect::andCallHeld(const QString &callSid) const
{
    return isSqlite() ? QString()
                      : QStringLiteral(" AND %1 IN (SELECT call_sid FROM held)").arg(callSid);
}

QString SqlDialect::andCallWritten(const QString &callSid) const
{
    return isSqlite() ? QString()
                      : QStringLiteral(" AND %1 IN (SELECT call_sid FROM written)").arg(callSid);
}

QString SqlDialect::insertedRevision(const QString &readRevision) const
{
    // PostgreSQL inserts the revision read, so that the conflict can compare it; a new call
    // gets a fresh one, which no existing row has.
    return isSqlite() ? nextRevisionPerRow()
                      : QStringLiteral("COALESCE(%1, %2)").arg(readRevision, nextRevision());
}

QString SqlDialect::updatedRevision() const
{
    return isSqlite() ? QStringLiteral("excluded.revision") : nextRevision();
}

QString SqlDialect::ifRevisionAsRead() const
{
    return isSqlite() ? QString() : QStringLiteral(" WHERE calls.revision = excluded.revision");
}

QString SqlDialect::withCallLockedAndRevised(const QString &update) const
{
    if (isSqlite())
        return {};
    // The call's lock is taken before the update's row lock: the update's filter reads `held`.
    return QStringLiteral(
               "WITH held AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtext(?))),"
               " changed AS (%1 AND EXISTS (SELECT FROM held) RETURNING call_sid),"
               " revised AS (UPDATE calls SET revision = %2 WHERE call_sid IN (SELECT"
               " call_sid FROM changed)%3)"
               " SELECT c.call_sid FROM changed AS c, (SELECT count(*) FROM revised) AS n")
        .arg(update, nextRevision(), returningCallsWritten());
}

QString SqlDialect::nextRevision() const
{
    return isSqlite() ? QStringLiteral("(SELECT COALESCE(MAX(revision), 0) + 1 FROM calls)")
                      : QStringLiteral("nextval('call_revisions')");
}

QString SqlDialect::returningCallsWritten() const
{
    return isSqlite() ? QStringLiteral(" RETURNING call_sid")
                      : QStringLiteral(" RETURNING call_sid, pg_notify('%1', call_sid)")
                            .arg(callChangesChannel());
}

QString SqlDialect::joinedTexts(const QString &text) const
{
    return (isSqlite() ? QStringLiteral("group_concat(%1, ',')")
                       : QStringLiteral("string_agg(%1, ',')"))
        .arg(text);
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
