#include "StatisticsCsv.h"

#include "core/CallExport.h"
#include "StatisticsCharts.h"

#include <QRegularExpression>

namespace Switchboard {
namespace {

QString number(const std::optional<double> &value)
{
    return value ? QString::number(*value, 'f', 3) : QString();
}

QStringList outcomeHeader(const QString &first)
{
    QStringList header{first};
    for (const Outcome outcome : StatisticsCharts::stackedOutcomes())
        header.append(outcomeToString(outcome));
    header.append(QStringLiteral("total"));
    return header;
}

QStringList outcomeRow(const QString &first, const OutcomeCounts &counts)
{
    QStringList row{first};
    for (const Outcome outcome : StatisticsCharts::stackedOutcomes())
        row.append(QString::number(counts[outcome]));
    row.append(QString::number(counts.total()));
    return row;
}

} // namespace

QString StatisticsCsv::inertCell(const QString &text)
{
    // An E.164 number is a number to a spreadsheet, never a formula.
    static const QRegularExpression e164(QStringLiteral("^\\+[0-9]{1,15}$"));
    if (text.isEmpty() || e164.match(text).hasMatch())
        return text;
    static const QString formulaStarts = QStringLiteral("=+-@\t\r");
    return formulaStarts.contains(text.at(0)) ? QLatin1Char('\'') + text : text;
}

QByteArray StatisticsCsv::write(const StatisticsRange &range, const CallFigures &figures)
{
    QByteArray csv;
    const auto line = [&csv](const QStringList &fields) { csv += CallExport::csvLine(fields); };
    const auto figure = [&line](const QString &name, const QString &value) { line({name, value}); };

    line({QStringLiteral("figure"), QStringLiteral("value")});
    figure(QStringLiteral("from"), range.from.toTimeZone(range.zone).toString(Qt::ISODate));
    figure(QStringLiteral("to"), range.to.toTimeZone(range.zone).toString(Qt::ISODate));
    figure(QStringLiteral("time zone"), QString::fromLatin1(range.zone.id()));
    figure(QStringLiteral("calls"), QString::number(figures.total.total()));
    for (const Outcome outcome : StatisticsCharts::stackedOutcomes())
        figure(outcomeToString(outcome), QString::number(figures.total[outcome]));
    figure(QStringLiteral("answer rate"), number(figures.answerRate));
    figure(QStringLiteral("median seconds to answer"), number(figures.medianSecondsToAnswer));
    figure(QStringLiteral("average talk seconds"), number(figures.averageTalkSeconds));
    figure(QStringLiteral("voicemails"), QString::number(figures.voicemails));
    figure(QStringLiteral("voicemails heard"), QString::number(figures.voicemailsHeard));
    figure(QStringLiteral("median seconds to heard"), number(figures.medianSecondsToHeard));

    csv += "\r\n";
    line(outcomeHeader(QStringLiteral("day")));
    for (const DayFigures &day : figures.days)
        line(outcomeRow(day.date.toString(Qt::ISODate), day.calls));

    csv += "\r\n";
    line(outcomeHeader(QStringLiteral("hour")));
    for (int hour = 0; hour < 24; ++hour)
        line(outcomeRow(QStringLiteral("%1:00").arg(hour, 2, 10, QLatin1Char('0')),
                        figures.hours[size_t(hour)]));

    csv += "\r\n";
    line({QStringLiteral("member"), QStringLiteral("number"), QStringLiteral("answered"),
          QStringLiteral("talk seconds"), QStringLiteral("average talk seconds")});
    for (const MemberFigures &member : figures.members)
        line({inertCell(member.name), inertCell(member.number), QString::number(member.answered),
              QString::number(member.talkSeconds), number(member.averageTalkSeconds)});
    return csv;
}

} // namespace Switchboard
