#pragma once

#include <QString>
#include <QStringList>

namespace Switchboard {

// The statements behind CallStatistics, each engine's written out in full: PostgreSQL has
// percentile_cont for medians, SQLite needs window functions (3.25 or later). Every statement
// but `begin` binds the range's start and end (epoch ms) as its two parameters; `buckets`
// has {LOCAL_MS} replaced by the expression of a call's local wall-clock time in epoch ms.
struct StatisticsSql
{
    QStringList begin; // one snapshot for every figure
    QString end;
    // local_hour (local epoch ms / 3600000), outcome, calls
    QString buckets;
    // answered_by_name, answered_by_number, answered, talk seconds summed, calls with a talk
    // time; most answered first, at most CallStatistics::kMaxMembers + 1 rows
    QString members;
    // one row: the median ms from the start of an answered call to its answer, and the
    // average talk seconds of answered calls
    QString answering;
    // one row: voicemails, of which heard, and the median ms from stored to first heard
    QString voicemails;

    static const StatisticsSql &sqlite();
    static const StatisticsSql &postgres();
};

} // namespace Switchboard
