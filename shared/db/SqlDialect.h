#pragma once

#include "DatabaseUrl.h"

#include <QString>

namespace Switchboard {

// Where the schema, its migrations, a copy of the log and its readers need different SQL on
// SQLite and PostgreSQL. The writers' statements differ too much for pieces: each engine's are
// written out in SqliteCallWriter and PostgresCallWriter, and in SqliteVoicemailStore and
// PostgresVoicemailStore.
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
