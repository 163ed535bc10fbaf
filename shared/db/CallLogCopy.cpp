#include "CallLogCopy.h"

#include "Database.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringList>

namespace Switchboard {
namespace {

bool fail(QString *error, const QString &what, const QSqlQuery &query)
{
    *error = QStringLiteral("%1: %2").arg(what, query.lastError().text());
    return false;
}

bool copyTable(Database &from, Database &to, const CallLogCopy::Table &table, QString *error)
{
    const QString name = QString::fromLatin1(table.name);
    QSqlQuery source(from.connection());
    source.setForwardOnly(true);
    if (!source.exec(QStringLiteral("SELECT * FROM %1 ORDER BY %2")
                         .arg(name, QString::fromLatin1(table.orderBy))))
        return fail(error, QStringLiteral("reading ") + name, source);
    QStringList columns;
    const QSqlRecord record = source.record();
    for (int i = 0; i < record.count(); ++i) {
        if (!table.renumbered || record.fieldName(i) != QLatin1String("id"))
            columns.append(record.fieldName(i));
    }
    QSqlQuery target(to.connection());
    target.prepare(
        QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
            .arg(name, columns.join(QLatin1String(", ")),
                 QStringList(columns.size(), QStringLiteral("?")).join(QLatin1String(", "))));
    while (source.next()) {
        for (int i = 0; i < columns.size(); ++i)
            target.bindValue(i, source.value(columns.at(i)));
        if (!target.exec())
            return fail(error, QStringLiteral("writing ") + name, target);
    }
    return true;
}

} // namespace

const QList<CallLogCopy::Table> &CallLogCopy::tables()
{
    // Parents before children, so foreign keys hold at every row.
    static const QList<Table> all{
        {"calls", "calls", "call_sid", false},
        {"call_events", "events", "id", true}, // in their order; the target numbers them itself
        {"voicemails", "voicemails", "call_sid", false},
        // Who handled what (heard, done, tags, notes); notes in the order they were written.
        {"call_heard", "heard marks", "call_sid, heard_by", false},
        {"call_done", "done marks", "call_sid", false},
        {"call_tags", "tags", "call_sid, tag", false},
        {"call_notes", "notes", "id", true},
        // Numbered as they were: a revision's number is what `flow history` and the logs name.
        {"call_flow_revisions", "call flow revisions", "id", false},
    };
    return all;
}

QString CallLogCopy::Counts::toString() const
{
    QStringList parts;
    for (qsizetype i = 0; i < rows.size() && i < tables().size(); ++i)
        parts.append(
            QStringLiteral("%1 %2").arg(rows.at(i)).arg(QString::fromLatin1(tables().at(i).label)));
    parts.append(QStringLiteral("%1 bytes of audio").arg(audioBytes));
    return parts.join(QLatin1String(", "));
}

bool CallLogCopy::count(Database &database, Counts *counts, QString *error)
{
    QSqlQuery query(database.connection());
    counts->rows.clear();
    for (const Table &table : tables()) {
        if (!query.exec(
                QStringLiteral("SELECT COUNT(*) FROM %1").arg(QString::fromLatin1(table.name))) ||
            !query.next())
            return fail(error, QStringLiteral("counting"), query);
        counts->rows.append(query.value(0).toLongLong());
    }
    if (!query.exec(QStringLiteral("SELECT COALESCE(SUM(LENGTH(audio)), 0) FROM voicemails")) ||
        !query.next())
        return fail(error, QStringLiteral("counting"), query);
    counts->audioBytes = query.value(0).toLongLong();
    return true;
}

bool CallLogCopy::copy(Database &from, Database &to, Counts *copied, QString *error)
{
    Counts source, existing;
    if (!count(from, &source, error) || !count(to, &existing, error))
        return false;
    // A flow made by a first start of the service on the target would clash with the source's
    // revisions: the target must be empty of everything that is copied.
    for (qsizetype i = 0; i < tables().size(); ++i) {
        if (existing.rows.at(i) > 0) {
            *error = QStringLiteral("%1 already holds %2 (%3); migrate into an empty database")
                         .arg(to.url().toDisplayString(), QString::fromLatin1(tables().at(i).label),
                              existing.toString());
            return false;
        }
    }
    QSqlQuery control(to.connection());
    if (!control.exec(to.dialect().beginWrite()))
        return fail(error, QStringLiteral("starting the copy"), control);
    for (const Table &table : tables()) {
        if (!copyTable(from, to, table, error)) {
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
