#pragma once

#include "CallWriter.h"
#include "PostgresStatements.h"

namespace Switchboard {

class CallBatch;

// CallWriter's statements on PostgreSQL, where instances write concurrently and no
// transaction spans round trips: each statement commits on its own (autocommit).
// - recordAll() is two statements. The first reads the calls, without a lock; the second
//   writes the changed ones with their events and voicemails, and commits: one transaction,
//   all of it or nothing. It writes a call only if no other writer holds the call's lock (a
//   batch does not queue behind another instance's, nor behind a voicemail being stored) and
//   its revision is still the one read; a call not written comes back Deferred, to be folded
//   again into its new row. No lock is held while the service works.
// Every statement that writes a calls row notifies listeners (NOTIFY on commit).
class PostgresCallWriter final : public CallWriter::Engine
{
public:
    explicit PostgresCallWriter(Database &database);
    ~PostgresCallWriter() override;
    Q_DISABLE_COPY_MOVE(PostgresCallWriter)

    bool recordAll(const QList<CallWriter::Event> &events,
                   QList<CallWriter::Result> *results) override;

private:
    struct Statements;

    // A connection the server has dropped: a new one (PostgresStatements::reconnect()), or
    // false with the reason as lastError().
    bool reconnect();

    PostgresStatements<Statements> m_statements;
};

} // namespace Switchboard
