#pragma once

#include "Database.h"

#include <memory>
#include <QSqlQuery>

namespace Switchboard {

// The statements one writer prepares on a PostgreSQL connection, as `Statements` (a struct
// whose constructor prepares its queries on the connection it is given): prepared once per
// connection, since preparing costs more than running them, and again on a new connection
// after the server went away.
template<typename Statements> class PostgresStatements final
{
public:
    explicit PostgresStatements(Database &database)
        : m_database(database)
    {
        prepare();
    }
    Q_DISABLE_COPY_MOVE(PostgresStatements)

    // Each reconnect() replaces them: look them up again after one.
    Statements *operator->() const { return m_statements.get(); }
    Statements &operator*() const { return *m_statements; }

    // A server restart or a network cut leaves the connection dead: opens a new one and
    // prepares the statements on it.
    bool reconnect(QString *error)
    {
        m_statements.reset(); // no query may hold the old connection while it is replaced
        const bool reconnected = m_database.reconnect(error);
        prepare();
        return reconnected;
    }

private:
    void prepare()
    {
        // Every writer's statement finds its rows by key. They are planned once per
        // connection, maybe while the log is still empty: the plan must stay an index lookup
        // as the tables grow, before statistics catch up.
        QSqlQuery(m_database.connection()).exec(QStringLiteral("SET enable_seqscan = off"));
        m_statements = std::make_unique<Statements>(m_database.connection());
    }

    Database &m_database;
    std::unique_ptr<Statements> m_statements;
};

} // namespace Switchboard
