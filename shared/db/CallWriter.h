#pragma once

#include "core/CallRecord.h"

#include <memory>
#include <QList>
#include <QSqlQuery>
#include <QString>

namespace Switchboard {

class Database;

// Writes the webhooks into the call log, on either engine: the calls, their timelines and
// their voicemails (VoicemailStore then downloads the audio). The statements are in
// SqliteCallWriter and PostgresCallWriter, which say what each method commits and when.
// Concurrent writers (instances on PostgreSQL) take a call's lock before writing any of its
// rows.
class CallWriter final
{
public:
    explicit CallWriter(Database &database);
    ~CallWriter();
    Q_DISABLE_COPY_MOVE(CallWriter)

    enum class Result
    {
        Recorded,
        Duplicate, // the same webhook was recorded before: nothing changed
        Deferred,  // another writer holds the call or changed it meanwhile (recordAll only):
                   // nothing written, try again
        Failed,
    };

    // A webhook with what its timeline row needs that takes no database (its digest, its
    // parameters form-encoded): worked out on the caller's thread, so that the writer only
    // writes.
    struct Event
    {
        Webhook webhook;
        QString digest;
        QString params;
    };
    static Event event(const Webhook &webhook);

    // Adds the webhook to the call's timeline and folds it into the call's row.
    Result record(const Webhook &webhook);

    // Records several webhooks, in order, with one commit for all of them. False when the
    // write failed, and then none of them is recorded. A call that another writer (instance)
    // holds is not waited for, and one it changed between this batch's read and its write is
    // not written over: their webhooks come back Deferred.
    bool recordAll(const QList<Event> &events, QList<Result> *results);

    QString lastError() const;

    // What one engine's writer does; CallWriter picks the one for the database.
    class Engine
    {
    public:
        virtual ~Engine() = default;
        Q_DISABLE_COPY_MOVE(Engine)

        virtual bool recordAll(const QList<Event> &events, QList<Result> *results) = 0;

        QString lastError() const { return m_lastError; }
        void setLastError(const QString &error) { m_lastError = error; }

    protected:
        Engine() = default;
        // Runs a prepared statement; its error becomes lastError().
        bool exec(QSqlQuery &query);

    private:
        QString m_lastError;
    };

private:
    std::unique_ptr<Engine> m_engine;
};

} // namespace Switchboard
