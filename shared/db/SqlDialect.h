#pragma once

#include "DatabaseUrl.h"

#include <QString>

namespace Switchboard {

// The few places where SQLite and PostgreSQL need different SQL. Everything else in the
// database layer is written once, in the SQL both engines accept.
class SqlDialect final
{
public:
    explicit SqlDialect(DatabaseUrl::Engine engine)
        : m_engine(engine)
    {
    }

    DatabaseUrl::Engine engine() const { return m_engine; }
    bool isSqlite() const { return m_engine == DatabaseUrl::Engine::Sqlite; }

    // Replaces {BLOB} and {AUTO_ID} in a schema statement.
    QString schema(QString statement) const;

    // Starts a transaction that will write: SQLite takes the write lock at once, so that a
    // read inside the transaction cannot be invalidated by another process's commit.
    QString beginWrite() const;

    // Appended to a SELECT that reads a row about to be updated.
    QString lockRowSuffix() const;

private:
    DatabaseUrl::Engine m_engine;
};

} // namespace Switchboard
