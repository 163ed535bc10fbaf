#include "StatisticsCharts.h"

#include "backend/CallFormat.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QCoreApplication>
#include <QLocale>
#include <QStackedBarSeries>
#include <QValueAxis>

namespace Switchboard {
namespace {

QChart *stackedChart(const QString &title, const QStringList &categories,
                     const std::function<qint64(int category, Outcome)> &count)
{
    auto *series = new QStackedBarSeries;
    qint64 highest = 0;
    std::vector<qint64> heights(size_t(categories.size()), 0);
    for (const Outcome outcome : StatisticsCharts::stackedOutcomes()) {
        auto *set = new QBarSet(StatisticsCharts::label(outcome));
        set->setColor(StatisticsCharts::colour(outcome));
        set->setBorderColor(StatisticsCharts::colour(outcome));
        for (int i = 0; i < categories.size(); ++i) {
            const qint64 value = count(i, outcome);
            set->append(double(value));
            heights[size_t(i)] += value;
            highest = std::max(highest, heights[size_t(i)]);
        }
        series->append(set);
    }
    series->setBarWidth(0.8);

    auto *chart = new QChart;
    chart->setTitle(title);
    chart->addSeries(series);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    auto *axisX = new QBarCategoryAxis;
    axisX->append(categories);
    axisX->setGridLineVisible(false);
    chart->addAxis(axisX, Qt::AlignBottom);
    series->attachAxis(axisX);
    auto *axisY = new QValueAxis;
    axisY->setLabelFormat(QStringLiteral("%d"));
    axisY->setRange(0, double(std::max<qint64>(highest, 4)));
    axisY->applyNiceNumbers();
    chart->addAxis(axisY, Qt::AlignLeft);
    series->attachAxis(axisY);
    return chart;
}

} // namespace

QList<Outcome> StatisticsCharts::stackedOutcomes()
{
    return {Outcome::Answered,  Outcome::Voicemail, Outcome::Missed,
            Outcome::Abandoned, Outcome::Blocked,   Outcome::InProgress};
}

QColor StatisticsCharts::colour(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Answered:
        return QColor(0x2e, 0x9d, 0x5b);
    case Outcome::Voicemail:
        return QColor(0x3b, 0x6f, 0xd8);
    case Outcome::Missed:
        return QColor(0xd9, 0x4a, 0x3d);
    case Outcome::Abandoned:
        return QColor(0xe8, 0xa3, 0x3c);
    case Outcome::Blocked:
        return QColor(0x6b, 0x6b, 0x6b);
    case Outcome::InProgress:
        break;
    }
    return QColor(0xb8, 0xc4, 0xd6);
}

QString StatisticsCharts::label(Outcome outcome)
{
    return CallFormat::outcome(outcome);
}

QChart *StatisticsCharts::perDay(const CallFigures &figures)
{
    // A category axis needs distinct labels: the year too when the range spans two.
    const bool twoYears = !figures.days.isEmpty() && figures.days.constFirst().date.year() !=
                                                         figures.days.constLast().date.year();
    const QString format = twoYears ? QStringLiteral("d MMM yy") : QStringLiteral("d MMM");
    QStringList days;
    const QLocale locale;
    for (const DayFigures &day : figures.days)
        days.append(locale.toString(day.date, format));
    return stackedChart(
        QCoreApplication::translate("StatisticsCharts", "Calls per day"), days,
        [&figures](int i, Outcome outcome) { return figures.days.at(i).calls[outcome]; });
}

QChart *StatisticsCharts::perHour(const CallFigures &figures)
{
    QStringList hours;
    for (int hour = 0; hour < 24; ++hour)
        hours.append(QStringLiteral("%1").arg(hour, 2, 10, QLatin1Char('0')));
    return stackedChart(
        QCoreApplication::translate("StatisticsCharts", "Calls by hour of the day"), hours,
        [&figures](int hour, Outcome outcome) { return figures.hours[size_t(hour)][outcome]; });
}

} // namespace Switchboard
