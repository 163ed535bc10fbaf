#pragma once

#include "db/CallStatistics.h"

#include <optional>
#include <QTimer>
#include <QWidget>

class QChartView;
class QGridLayout;
class QLabel;
class QPushButton;
class QTableWidget;
class QTabWidget;

namespace Switchboard {

class CallLog;
class RangePicker;
class StatisticsReader;

// The Statistics window: a range of days, the figures of its calls, the calls per day and per
// hour stacked by outcome, who answered. The database computes everything, on the reader's
// thread; the window shows "Computing…" meanwhile and stays responsive. It follows the log:
// new calls update it within a few seconds while it is visible.
class StatisticsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatisticsView)

public:
    explicit StatisticsView(CallLog *log, QWidget *parent = nullptr);
    ~StatisticsView() override;

    RangePicker *rangePicker() const { return m_picker; }
    // The figures on screen and the range they are of; nothing before the first answer.
    const std::optional<CallFigures> &figures() const { return m_figures; }
    const StatisticsRange &shownRange() const { return m_shownRange; }
    bool isComputing() const;

    // Writes the chart on screen (per day or per hour) as a PNG image, or the figures as CSV.
    bool exportChart(const QString &fileName, QString *error = nullptr);
    bool exportCsv(const QString &fileName, QString *error = nullptr);

    void refresh();

Q_SIGNALS:
    void figuresShown();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void showFigures(const StatisticsRange &range, const CallFigures &figures);
    void showFailure(const StatisticsRange &range, const QString &message);
    // False, and a new request if none is on its way, when `range` is no longer the picker's.
    bool isForThePicker(const StatisticsRange &range);
    void exportChartInteractively();
    void exportCsvInteractively();
    QLabel *addFigure(QGridLayout *grid, const QString &objectName, const QString &caption,
                      int column);

    CallLog *m_log;
    StatisticsReader *m_reader;
    RangePicker *m_picker;
    QLabel *m_status;
    QLabel *m_calls;
    QLabel *m_answerRate;
    QLabel *m_medianAnswer;
    QLabel *m_averageTalk;
    QLabel *m_voicemails;
    QLabel *m_medianHeard;
    QTabWidget *m_charts;
    QChartView *m_perDay;
    QChartView *m_perHour;
    QTableWidget *m_members;
    QPushButton *m_exportChart;
    QPushButton *m_exportCsv;
    QTimer m_followLog; // folds the log's changes into one refresh
    std::optional<CallFigures> m_figures;
    StatisticsRange m_shownRange;
};

} // namespace Switchboard
