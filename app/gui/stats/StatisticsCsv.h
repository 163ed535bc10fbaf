#pragma once

#include "db/CallStatistics.h"

#include <QByteArray>

namespace Switchboard {

// The Statistics view's figures as CSV (RFC 4180, UTF-8), for a spreadsheet: the summary, then
// the days, the hours and the members, each a table of its own with its header, separated by an
// empty line. Members' names come from the call log: a name a spreadsheet would take for a
// formula is written with a leading apostrophe.
class StatisticsCsv final
{
public:
    static QByteArray write(const StatisticsRange &range, const CallFigures &figures);
    // `text` as a cell a spreadsheet shows as text, never evaluates.
    static QString inertCell(const QString &text);
};

} // namespace Switchboard
