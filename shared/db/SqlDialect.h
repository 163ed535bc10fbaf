#pragma once

#include "DatabaseUrl.h"

#include <QString>
#include <QVariant>

namespace Switchboard {

// The few places where SQLite and PostgreSQL need different SQL. Everything else in the
// database layer is written once, in the SQL both engines accept.
class SqlDialect final
{
public:
    explicit SqlDialect(DatabaseUrl::Engine engine)
        : m_engine(engine)
    {}

    DatabaseUrl::Engine engine() const { return m_engine; }
    bool isSqlite() const { return m_engine == DatabaseUrl::Engine::Sqlite; }
    // Whether writers lock the calls they write (PostgreSQL: concurrent instances). Then the
    // statements below that lock calls take the CallSids as their first parameter, and
    // withCallLockedAndRevised() gives one statement.
    bool locksCalls() const { return !isSqlite(); }

    // Replaces {BLOB} and {AUTO_ID} in a schema statement.
    QString schema(QString statement) const;

    // Starts a transaction that will write: SQLite takes the write lock at once, so that a
    // read inside the transaction cannot be invalidated by another process's commit.
    QString beginWrite() const;

    // Serialises the writers of the calls whose CallSids are bound (comma-separated) until the
    // transaction ends, also before their rows exist (service instances may receive two
    // webhooks of a call at the same moment). The locks are taken in one fixed order, so two
    // transactions locking overlapping sets cannot deadlock. Empty on SQLite, where the write
    // transaction already excludes every other writer.
    QString lockCalls() const;

    // `insert` (ending in a RETURNING list), preceded by locking without waiting, as
    // lockCalls() does, the calls whose CallSids are bound first (comma-separated). Its rows
    // get a last column: false. Then, one row per CallSid another transaction holds: the
    // CallSid, and true. On SQLite, `insert` with the column added: the write transaction
    // already excludes every other writer. One statement: one round trip to a server.
    QString afterTryLockingCalls(const QString &insert) const;
    // In `insert`'s WHERE clause: " AND" the call is not one another transaction holds.
    QString andCallNotBusy(const QString &callSid) const;

    // `writes` (data-changing statements; the first's RETURNING rows are the result) as one
    // statement, one round trip, that runs them all. Empty on SQLite, which cannot: there
    // they run one after the other, without a round trip each.
    QString allInOne(const QStringList &writes) const;

    // `update` (an UPDATE of voicemails ending in its WHERE clause) as one statement that
    // first takes, as lockCalls() does, the lock of the call whose CallSid is bound first,
    // then moves the call's revision on and notifies as a calls write does; it selects the
    // CallSid of the row it updated. Empty on SQLite: there, a transaction of statements.
    QString withCallLockedAndRevised(const QString &update) const;

    // The next value of calls.revision: unique and increasing across concurrent writers.
    QString nextRevision() const;
    // The same for each row of jsonRows(): unique per row although the statement reads the
    // table it writes.
    QString nextRevisionPerRow() const;

    // The rows of a JSON array of arrays bound as the statement's parameter, as a FROM item
    // `r`, in the array's order by `r.key`. Sending a whole batch as one parameter makes it one
    // statement, one round trip to a server, however many rows it has.
    QString jsonRows() const;
    // Element `index` of a row of jsonRows(), as `type` (TEXT, BIGINT or INTEGER).
    QString jsonField(int index, const char *type) const;
    // "Is one of the strings of the JSON array bound as the parameter", after a column name, in
    // the form each engine looks up in the column's index.
    QString inJsonTexts() const;

    // The RETURNING clause of a statement that writes calls rows: tells listeners, when the
    // transaction commits, which calls changed, without a round trip of its own. Empty on
    // SQLite: readers there watch PRAGMA data_version instead.
    QString notifyCallsWritten() const;

    // A large binary parameter (voicemail audio) and the value to bind to it. PostgreSQL's
    // driver sends parameters inside the statement's text, where base64 is a third the size
    // of bytea's hex form: fewer bytes to send and for the server to parse.
    QString binaryParameter() const;
    QVariant binaryValue(const QByteArray &bytes) const;

    // After a subquery's ORDER BY … LIMIT: its rows are locked, and rows another transaction
    // holds are passed over rather than waited for. Empty on SQLite (one writer at a time).
    QString skipLocked() const;

    // Set on a connection whose statements all find their rows by key (the writer's). Its
    // statements are planned once per connection, maybe while the log is still empty: the
    // plan must stay an index lookup as the tables grow, before statistics catch up. Empty on
    // SQLite, which plans by the indexes it has.
    QString preferIndexes() const;

    // After rows were copied in with their revisions: moves the revision source past them.
    QString resyncRevisions() const;

    // How far below the newest revision it has seen a reader must look again for changes. On
    // PostgreSQL a transaction can commit after one that took a later revision (instances
    // write concurrently), so its change surfaces below the reader's mark; SQLite has one
    // writer at a time, and revisions become visible in order.
    qint64 revisionLookback() const { return isSqlite() ? 0 : 256; }

    // The LISTEN/NOTIFY channel (PostgreSQL folds unquoted names to lower case).
    static QString callChangesChannel() { return QStringLiteral("switchboard_calls"); }

private:
    DatabaseUrl::Engine m_engine;
};

} // namespace Switchboard
