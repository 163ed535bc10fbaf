#include "CallLogCopy.h"

#include "Database.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringList>

namespace Switchboard {
namespace {

// Parents before children, so foreign keys hold at every row.
const char *const kTables[] = {"calls",     "call_events", "voicemails", "call_heard",
                               "call_done", "call_tags",   "call_notes"};

bool fail(QString *error, const QString &what, const QSqlQuery &query)
{
    *error = QStringLiteral("%1: %2").arg(what, query.lastError().text());
    return false;
}

bool copyTable(Database &from, Database &to, const QString &table, QString *error)
{
    QSqlQuery source(from.connection());
    source.setForwardOnly(true);
    if (!source.exec(QStringLiteral("SELECT * FROM %1").arg(table)))
        return fail(error, QStringLiteral("reading ") + table, source);
    QStringList columns;
    const QSqlRecord record = source.record();
    for (int i = 0; i < record.count(); ++i) {
        if (record.fieldName(i) != QLatin1String("id")) // the target numbers events itself
            columns.append(record.fieldName(i));
    }
    QSqlQuery target(to.connection());
    target.prepare(
        QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
            .arg(table, columns.join(QLatin1String(", ")),
                 QStringList(columns.size(), QStringLiteral("?")).join(QLatin1String(", "))));
    while (source.next()) {
        for (int i = 0; i < columns.size(); ++i)
            target.bindValue(i, source.value(columns.at(i)));
        if (!target.exec())
            return fail(error, QStringLiteral("writing ") + table, target);
    }
    return true;
}

} // namespace

QString CallLogCopy::Counts::toString() const
{
    return QStringLiteral("%1 calls, %2 events, %3 voicemails, %4 bytes of audio")
        .arg(calls)
        .arg(events)
        .arg(voicemails)
        .arg(audioBytes);
}

bool CallLogCopy::count(Database &database, Counts *counts, QString *error)
{
    QSqlQuery query(database.connection());
    const struct
    {
        const char *sql;
        qint64 *target;
    } queries[] = {
        {"SELECT COUNT(*) FROM calls", &counts->calls},
        {"SELECT COUNT(*) FROM call_events", &counts->events},
        {"SELECT COUNT(*) FROM voicemails", &counts->voicemails},
        {"SELECT COALESCE(SUM(LENGTH(audio)), 0) FROM voicemails", &counts->audioBytes},
    };
    for (const auto &q : queries) {
        if (!query.exec(QString::fromLatin1(q.sql)) || !query.next())
            return fail(error, QStringLiteral("counting"), query);
        *q.target = query.value(0).toLongLong();
    }
    return true;
}

bool CallLogCopy::copy(Database &from, Database &to, Counts *copied, QString *error)
{
    Counts source, existing;
    if (!count(from, &source, error) || !count(to, &existing, error))
        return false;
    if (existing.calls || existing.events || existing.voicemails) {
        *error = QStringLiteral("%1 already holds calls (%2); migrate into an empty database")
                     .arg(to.url().toDisplayString(), existing.toString());
        return false;
    }
    QSqlQuery control(to.connection());
    if (!control.exec(to.dialect().beginWrite()))
        return fail(error, QStringLiteral("starting the copy"), control);
    for (const char *table : kTables) {
        if (!copyTable(from, to, QString::fromLatin1(table), error)) {
            control.exec(QStringLiteral("ROLLBACK"));
            return false;
        }
    }
    const QString resync = to.dialect().resyncRevisions();
    if (!resync.isEmpty() && !control.exec(resync)) {
        fail(error, QStringLiteral("moving the revision sequence"), control);
        control.exec(QStringLiteral("ROLLBACK"));
        return false;
    }
    if (!control.exec(QStringLiteral("COMMIT")))
        return fail(error, QStringLiteral("committing the copy"), control);

    if (!count(to, copied, error))
        return false;
    if (!(*copied == source)) {
        *error = QStringLiteral("the copy does not match: source %1, target %2")
                     .arg(source.toString(), copied->toString());
        return false;
    }
    return true;
}

} // namespace Switchboard
