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
    // Replaces {BLOB} and {AUTO_ID} in a schema statement.
    QString schema(QString statement) const;

    // Starts a transaction that will write: SQLite takes the write lock at once, so that a
    // read inside the transaction cannot be invalidated by another process's commit.
    QString beginWrite() const;

    // `writes` (data-changing statements) as one statement, one round trip, that commits on
    // its own. It first takes, without waiting, the locks of the calls whose CallSids are bound
    // first (a JSON array): a call another transaction holds is passed over (see
    // andCallHeld()). The first write then writes calls rows and returns the CallSids it wrote
    // (see returningCallsWritten()): those are `written` to the other writes, and the
    // statement's result. Every data-changing WITH query runs to completion, whether or not it
    // is read. Empty on SQLite, which cannot: there they run one after the other, in a
    // transaction that keeps every other writer out.
    QString allInOne(const QStringList &writes) const;
    // In the WHERE clause of allInOne()'s first write: " AND" the call's lock was taken. Empty
    // on SQLite.
    QString andCallHeld(const QString &callSid) const;
    // In a WHERE clause of one of allInOne()'s later writes: " AND" `callSid` is a call the
    // first one wrote. Empty on SQLite.
    QString andCallWritten(const QString &callSid) const;

    // The revision of a calls row, in an upsert that is given the revision it read (NULL for
    // a call it found no row of): inserted, and then on a conflict. On PostgreSQL an existing
    // row is updated only if its revision is still the one read: instances write concurrently,
    // without a transaction between reading a call and writing it. On SQLite the write
    // transaction keeps other writers out from the read to the commit.
    QString insertedRevision(const QString &readRevision) const;
    QString updatedRevision() const;
    QString ifRevisionAsRead() const;

    // `update` (an UPDATE of voicemails ending in its WHERE clause) as one statement that
    // first takes the lock of the call whose CallSid is bound first (as a batch does, but
    // waiting for it), then moves the call's revision on and notifies as a calls write does;
    // it selects the CallSid of the row it updated. Empty on SQLite: there, a transaction of
    // statements.
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

    // The RETURNING clause of a statement that writes calls rows: the CallSids written, and on
    // PostgreSQL a notification to listeners, sent when the transaction commits, without a
    // round trip of its own (readers of SQLite watch PRAGMA data_version instead).
    QString returningCallsWritten() const;

    // The aggregate of `text` over a query's rows: the texts joined with commas.
    QString joinedTexts(const QString &text) const;

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
