#pragma once

#include "db/CallStatistics.h"

#include <QColor>

class QChart;

namespace Switchboard {

// The Statistics view's two charts, calls stacked by outcome: per day of the range, and per
// hour of the day over the whole range. Each call makes a new chart for a QChartView to own.
class StatisticsCharts final
{
public:
    static QChart *perDay(const CallFigures &figures);
    static QChart *perHour(const CallFigures &figures);

    // The outcomes in the order they are stacked, with their colour and legend (the feed's word).
    static QList<Outcome> stackedOutcomes();
    static QColor colour(Outcome outcome);
    static QString label(Outcome outcome);
};

} // namespace Switchboard
