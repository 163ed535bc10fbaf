#pragma once

#include <QString>

namespace Switchboard {

class Database;

// Copies a whole call log (calls, their timelines, voicemails with audio, who handled them)
// into an empty database of either engine, in one transaction, then checks that the counts
// match.
class CallLogCopy final
{
public:
    struct Counts
    {
        qint64 calls = 0;
        qint64 events = 0;
        qint64 voicemails = 0;
        qint64 audioBytes = 0;

        bool operator==(const Counts &other) const
        {
            return calls == other.calls && events == other.events &&
                   voicemails == other.voicemails && audioBytes == other.audioBytes;
        }
        QString toString() const;
    };

    static bool copy(Database &from, Database &to, Counts *copied, QString *error);
    static bool count(Database &database, Counts *counts, QString *error);
};

} // namespace Switchboard
