#include "FlowStore.h"

#include "core/Logging.h"
#include "Database.h"

#include <QSqlError>
#include <QSqlQuery>

namespace Switchboard {
namespace {

// Serialises the numbering of revisions across instances on PostgreSQL (SQLite's BEGIN
// IMMEDIATE lets one writer in at a time already).
constexpr qint64 kRevisionLock = 7262362;

// Selects a revision; a flow longer than a flow may be stays in the database (NULL here) and
// its length says why.
QString selectRevisions(const QString &tail)
{
    return QStringLiteral("SELECT id, created_at, author, CASE WHEN LENGTH(flow) <= %1 THEN flow "
                          "END, LENGTH(flow) FROM call_flow_revisions ")
               .arg(FlowDefinition::kMaxJsonBytes) +
           tail;
}

StoredFlow readRow(const QSqlQuery &query)
{
    StoredFlow stored;
    bool idOk = false, timeOk = false;
    stored.revision = query.value(0).toLongLong(&idOk);
    const qint64 createdAt = query.value(1).toLongLong(&timeOk);
    if (timeOk)
        stored.createdAt = QDateTime::fromMSecsSinceEpoch(createdAt, Qt::UTC);
    QString author = query.value(2).toString();
    if (author.size() > FlowStore::kMaxAuthorLength)
        author = author.left(FlowStore::kMaxAuthorLength) + QStringLiteral("…");
    stored.author = escapeControlCharacters(author);

    const QString name =
        idOk ? QStringLiteral("revision %1").arg(stored.revision)
             : QStringLiteral("a revision numbered %1")
                   .arg(escapeControlCharacters(query.value(0).toString().left(20)));
    if (query.value(3).isNull()) {
        stored.problem = QStringLiteral("%1 is corrupt: its flow is %2 characters long, at most "
                                        "%3 are allowed")
                             .arg(name, query.value(4).toString())
                             .arg(FlowDefinition::kMaxJsonBytes);
        return stored;
    }
    QString problem;
    stored.flow = FlowDefinition::fromJson(query.value(3).toString().toUtf8(), &problem);
    if (!stored.flow)
        stored.problem = QStringLiteral("%1 is corrupt: %2").arg(name, problem);
    else if (!idOk || stored.revision <= 0 || !stored.createdAt.isValid())
        stored.problem = QStringLiteral("%1 is corrupt: its number or time is not one").arg(name);
    if (!stored.problem.isEmpty())
        stored.flow.reset();
    return stored;
}

} // namespace

std::optional<StoredFlow> FlowStore::current(QString *error)
{
    error->clear();
    QSqlQuery query(m_database.connection());
    if (!query.exec(selectRevisions(QStringLiteral("ORDER BY id DESC LIMIT 1")))) {
        *error = query.lastError().text();
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    return readRow(query);
}

bool FlowStore::forEachRevision(const std::function<bool(const StoredFlow &)> &visit,
                                QString *error, int limit)
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    QString order = QStringLiteral("ORDER BY id DESC");
    if (limit >= 0)
        order += QStringLiteral(" LIMIT %1").arg(limit);
    if (!query.exec(selectRevisions(order))) {
        *error = query.lastError().text();
        return false;
    }
    while (query.next()) {
        if (!visit(readRow(query)))
            break;
    }
    return true;
}

qint64 FlowStore::save(const FlowDefinition &flow, const QString &author, QString *error)
{
    return std::max<qint64>(insert(flow, author, false, error), 0);
}

qint64 FlowStore::saveFirst(const FlowDefinition &flow, const QString &author, QString *error)
{
    return insert(flow, author, true, error);
}

qint64 FlowStore::insert(const FlowDefinition &flow, const QString &author, bool onlyFirst,
                         QString *error)
{
    return writeRevision(error, [&](QSqlQuery &query) -> qint64 {
        if (!query.exec(QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM call_flow_revisions")) ||
            !query.next())
            return -1;
        const qint64 revision = query.value(0).toLongLong() + 1;
        if (onlyFirst && revision > 1)
            return 0;
        query.prepare(QStringLiteral(
            "INSERT INTO call_flow_revisions (id, created_at, author, flow) VALUES (?, ?, ?, ?)"));
        query.addBindValue(revision);
        query.addBindValue(QDateTime::currentMSecsSinceEpoch());
        query.addBindValue(author.left(kMaxAuthorLength));
        query.addBindValue(QString::fromUtf8(flow.toJson(QJsonDocument::Compact)));
        return query.exec() ? revision : -1;
    });
}

qint64 FlowStore::saveIfNewest(const FlowDefinition &flow, const QString &author, qint64 expected,
                               QString *error)
{
    error->clear();
    if (expected < 0) {
        *error = QStringLiteral("no revision is numbered %1").arg(expected);
        return -1;
    }
    return writeRevision(error, [&](QSqlQuery &query) -> qint64 {
        // The casts give PostgreSQL the types of parameters it cannot infer in a SELECT list.
        query.prepare(QStringLiteral(
            "INSERT INTO call_flow_revisions (id, created_at, author, flow) SELECT CAST(? AS "
            "BIGINT), CAST(? AS BIGINT), ?, ? WHERE (SELECT COALESCE(MAX(id), 0) FROM "
            "call_flow_revisions) = CAST(? AS BIGINT)"));
        const qint64 revision = expected + 1;
        query.addBindValue(revision);
        query.addBindValue(QDateTime::currentMSecsSinceEpoch());
        query.addBindValue(author.left(kMaxAuthorLength));
        query.addBindValue(QString::fromUtf8(flow.toJson(QJsonDocument::Compact)));
        query.addBindValue(expected);
        if (!query.exec())
            return -1;
        return query.numRowsAffected() == 1 ? revision : 0;
    });
}

qint64 FlowStore::writeRevision(QString *error, const std::function<qint64(QSqlQuery &)> &insertRow)
{
    const SqlDialect &dialect = m_database.dialect();
    QSqlQuery query(m_database.connection());
    const auto failed = [&query, error] {
        *error = query.lastError().text();
        query.exec(QStringLiteral("ROLLBACK"));
        return qint64(-1);
    };
    if (!query.exec(dialect.beginWrite()))
        return failed();
    // Every writer numbers under this lock: one running meanwhile waits rather than failing on
    // the number taken here.
    if (!dialect.isSqlite() &&
        !query.exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kRevisionLock)))
        return failed();
    const qint64 revision = insertRow(query);
    if (revision < 0)
        return failed();
    if (revision == 0) {
        query.exec(QStringLiteral("ROLLBACK"));
        return 0;
    }
    // Delivered when the transaction commits, and only if it does.
    if (!dialect.isSqlite()) {
        query.prepare(QStringLiteral("SELECT pg_notify(?, ?)"));
        query.addBindValue(changesChannel());
        query.addBindValue(QString::number(revision));
        if (!query.exec())
            return failed();
    }
    if (!query.exec(QStringLiteral("COMMIT")))
        return failed();
    return revision;
}

} // namespace Switchboard
