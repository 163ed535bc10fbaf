#pragma once

#include <QList>
#include <QString>

namespace Switchboard {

class Database;

// Copies a whole call log (calls, their timelines, voicemails with audio, who handled them, the
// call flow's revisions) into an empty database of either engine, in one transaction, then
// checks that the counts match.
class CallLogCopy final
{
public:
    // A table the copy moves. A migration that adds a table the log cannot lose adds it to
    // tables(), after the tables its rows refer to.
    struct Table
    {
        const char *name;
        const char *label;   // how the counts name its rows: "calls"
        const char *orderBy; // the rows are copied in this order
        bool renumbered;     // its `id` is the target's own (an AUTO_ID), not copied
    };
    static const QList<Table> &tables();

    struct Counts
    {
        QList<qint64> rows; // one per table, in the order of tables()
        qint64 audioBytes = 0;

        bool operator==(const Counts &other) const
        {
            return rows == other.rows && audioBytes == other.audioBytes;
        }
        QString toString() const;
    };

    static bool copy(Database &from, Database &to, Counts *copied, QString *error);
    static bool count(Database &database, Counts *counts, QString *error);
};

} // namespace Switchboard
