#pragma once

#include "CallWriter.h"

#include <QSqlQuery>

namespace Switchboard {

class CallBatch;

// CallWriter's statements on SQLite, where one writer at a time holds the whole database.
// recordAll() is one transaction, committed when it returns true: it reads the calls and
// writes them in a write transaction (BEGIN IMMEDIATE), which keeps every other writer out
// from the read to the commit, so nothing is ever Deferred.
class SqliteCallWriter final : public CallWriter::Engine
{
public:
    explicit SqliteCallWriter(Database &database);
    Q_DISABLE_COPY_MOVE(SqliteCallWriter)

    bool recordAll(const QList<CallWriter::Event> &events,
                   QList<CallWriter::Result> *results) override;

private:
    bool begin();
    bool commit();
    void rollback();
    bool writeCalls(const CallBatch &batch);
    // Binds the row's values but the column `skip`, in order, and runs the statement.
    bool execRow(QSqlQuery &statement, const QVariantList &row, qsizetype skip = -1);

    // Prepared once: preparing costs more than running these statements.
    QSqlQuery m_selectCalls;
    QSqlQuery m_upsertCall;
    QSqlQuery m_insertEvent;
    QSqlQuery m_deleteVoicemail;
    QSqlQuery m_upsertVoicemail;
    QSqlQuery m_control;
};

} // namespace Switchboard
