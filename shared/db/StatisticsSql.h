#pragma once

#include <QString>
#include <QStringList>

namespace Switchboard {

// The statements behind CallStatistics, each engine's written out in full. Every statement
// but `begin` and `end` binds the range's start and end (epoch ms) as its first two
// parameters. Calls are found through the index calls_for_statistics, voicemails through
// voicemails_by_creation (migration 8), without reading the tables themselves.
struct StatisticsSql
{
    QStringList begin; // one snapshot for every figure
    QString end;
    // {LOCAL_MS} is replaced by the expression of a call's local wall-clock time in epoch ms.
    // Rows: local_hour (local epoch ms / 3600000), outcome, calls, answered calls whose wait is
    // known, talk seconds summed, calls with a talk time.
    QString buckets;
    // Rows: answered_by_name, answered_by_number, answered, talk seconds summed, calls with a
    // talk time; most answered first, at most CallStatistics::kMaxMembers + 1 rows.
    QString members;
    // One row: the median ms from the start of an answered call to its answer (NULL without
    // one). On SQLite the third and fourth parameters are LIMIT and OFFSET: the middle one or
    // two of the waits, whose count `buckets` gave.
    QString medianWait;
    // One row: voicemails recorded in the range, of which heard, of which with a delay from
    // recorded to first heard that makes sense.
    QString voicemails;
    // One row: the median of those delays in ms, as medianWait.
    QString medianHeard;

    static const StatisticsSql &sqlite();
    static const StatisticsSql &postgres();
};

} // namespace Switchboard
