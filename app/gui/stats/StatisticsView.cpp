#include "StatisticsView.h"

#include "backend/CallFormat.h"
#include "backend/CallLog.h"
#include "backend/StatisticsReader.h"
#include "RangePicker.h"
#include "StatisticsCharts.h"
#include "StatisticsCsv.h"

#include <QChartView>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTabWidget>
#include <QVBoxLayout>

namespace Switchboard {
namespace {

constexpr int kFollowLogMs = 3000;

QString seconds(const std::optional<double> &value)
{
    if (!value)
        return QStringLiteral("–");
    return CallFormat::duration(int(std::lround(*value)));
}

QChartView *makeChartView(const QString &objectName, const QString &accessibleName, QWidget *parent)
{
    auto *view = new QChartView(parent);
    view->setObjectName(objectName);
    view->setAccessibleName(accessibleName);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(280);
    return view;
}

} // namespace

StatisticsView::StatisticsView(CallLog *log, QWidget *parent)
    : QWidget(parent)
    , m_log(log)
    , m_reader(new StatisticsReader(this))
    , m_picker(new RangePicker(this))
{
    setObjectName(QStringLiteral("statisticsView"));
    setWindowTitle(tr("Statistics"));
    resize(1100, 860);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("statisticsStatus"));
    m_status->setTextFormat(Qt::PlainText);
    m_status->setAccessibleName(tr("Status"));
    m_status->setStyleSheet(QStringLiteral("color: palette(mid);"));
    auto *refreshButton = new QPushButton(tr("Refresh"), this);
    refreshButton->setObjectName(QStringLiteral("statisticsRefresh"));
    refreshButton->setAccessibleName(tr("Refresh the statistics"));
    refreshButton->setShortcut(QKeySequence::Refresh);
    m_exportChart = new QPushButton(tr("Export Chart…"), this);
    m_exportChart->setObjectName(QStringLiteral("statisticsExportChart"));
    m_exportChart->setAccessibleName(tr("Export the chart as PNG"));
    m_exportCsv = new QPushButton(tr("Export Figures…"), this);
    m_exportCsv->setObjectName(QStringLiteral("statisticsExportCsv"));
    m_exportCsv->setAccessibleName(tr("Export the figures as CSV"));
    m_exportChart->setEnabled(false);
    m_exportCsv->setEnabled(false);

    auto *top = new QHBoxLayout;
    top->addWidget(m_picker);
    top->addWidget(refreshButton);
    top->addWidget(m_status, 1);
    top->addWidget(m_exportChart);
    top->addWidget(m_exportCsv);

    auto *tiles = new QGridLayout;
    tiles->setHorizontalSpacing(28);
    m_calls = addFigure(tiles, QStringLiteral("callsFigure"), tr("Calls"), 0);
    m_answerRate = addFigure(tiles, QStringLiteral("answerRateFigure"), tr("Answer rate"), 1);
    m_medianAnswer =
        addFigure(tiles, QStringLiteral("medianAnswerFigure"), tr("Median time to answer"), 2);
    m_averageTalk =
        addFigure(tiles, QStringLiteral("averageTalkFigure"), tr("Average talk time"), 3);
    m_voicemails = addFigure(tiles, QStringLiteral("voicemailsFigure"), tr("Voicemails heard"), 4);
    m_medianHeard = addFigure(tiles, QStringLiteral("medianHeardFigure"),
                              tr("Median time to hear a voicemail"), 5);
    tiles->setColumnStretch(6, 1);

    m_charts = new QTabWidget(this);
    m_charts->setObjectName(QStringLiteral("statisticsCharts"));
    m_perDay = makeChartView(QStringLiteral("perDayChart"), tr("Calls per day"), m_charts);
    m_perHour =
        makeChartView(QStringLiteral("perHourChart"), tr("Calls by hour of the day"), m_charts);
    m_charts->addTab(m_perDay, tr("Per day"));
    m_charts->addTab(m_perHour, tr("By hour of the day"));

    m_members = new QTableWidget(0, 4, this);
    m_members->setObjectName(QStringLiteral("membersTable"));
    m_members->setAccessibleName(tr("Calls answered per member"));
    m_members->setHorizontalHeaderLabels(
        {tr("Answered by"), tr("Calls answered"), tr("Talk time"), tr("Average talk time")});
    m_members->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_members->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_members->verticalHeader()->hide();
    m_members->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_members->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_members->setMaximumHeight(220);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(12);
    layout->addLayout(top);
    layout->addLayout(tiles);
    layout->addWidget(m_charts, 1);
    layout->addWidget(m_members);

    m_followLog.setSingleShot(true);
    m_followLog.setInterval(kFollowLogMs);
    connect(&m_followLog, &QTimer::timeout, this, &StatisticsView::refresh);
    connect(m_log, &CallLog::changed, this, [this] {
        if (isVisible() && !m_followLog.isActive())
            m_followLog.start();
    });
    connect(m_log, &CallLog::availabilityChanged, this, [this](bool available) {
        if (available && isVisible())
            refresh();
    });
    connect(m_picker, &RangePicker::rangeChanged, this, &StatisticsView::refresh);
    connect(refreshButton, &QPushButton::clicked, this, &StatisticsView::refresh);
    connect(m_exportChart, &QPushButton::clicked, this, &StatisticsView::exportChartInteractively);
    connect(m_exportCsv, &QPushButton::clicked, this, &StatisticsView::exportCsvInteractively);
    connect(m_reader, &StatisticsReader::computed, this, &StatisticsView::showFigures);
    connect(m_reader, &StatisticsReader::failed, this, &StatisticsView::showFailure);
}

StatisticsView::~StatisticsView() = default;

QLabel *StatisticsView::addFigure(QGridLayout *grid, const QString &objectName,
                                  const QString &caption, int column)
{
    auto *title = new QLabel(caption, this);
    title->setTextFormat(Qt::PlainText);
    title->setStyleSheet(QStringLiteral("color: palette(mid);"));
    auto *value = new QLabel(QStringLiteral("–"), this);
    value->setObjectName(objectName);
    value->setTextFormat(Qt::PlainText);
    value->setAccessibleName(caption);
    QFont font = value->font();
    font.setPointSizeF(font.pointSizeF() * 1.6);
    font.setBold(true);
    value->setFont(font);
    grid->addWidget(title, 0, column);
    grid->addWidget(value, 1, column);
    return value;
}

bool StatisticsView::isComputing() const
{
    return m_reader->isBusy();
}

void StatisticsView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

void StatisticsView::refresh()
{
    m_followLog.stop();
    if (!isVisible())
        return;
    m_reader->setConnection(m_log->connection());
    m_status->setText(tr("Computing…"));
    m_reader->request(m_picker->range());
}

bool StatisticsView::isForThePicker(const StatisticsRange &range)
{
    if (range == m_picker->range())
        return true;
    // The picker moved on (or midnight passed): its own answer is on its way, or asked now.
    if (!m_reader->isBusy())
        refresh();
    return false;
}

void StatisticsView::showFigures(const StatisticsRange &range, const CallFigures &figures)
{
    if (!isForThePicker(range))
        return;
    m_figures = figures;
    m_shownRange = range;
    const QLocale locale;
    const qint64 calls = figures.total.total();
    m_calls->setText(locale.toString(calls));
    m_answerRate->setText(figures.answerRate ? locale.toString(*figures.answerRate * 100, 'f', 0) +
                                                   locale.percent()
                                             : QStringLiteral("–"));
    m_medianAnswer->setText(seconds(figures.medianSecondsToAnswer));
    m_averageTalk->setText(seconds(figures.averageTalkSeconds));
    m_voicemails->setText(
        tr("%1 of %2")
            .arg(locale.toString(figures.voicemailsHeard), locale.toString(figures.voicemails)));
    m_medianHeard->setText(seconds(figures.medianSecondsToHeard));

    // setChart() leaves the old chart to its caller.
    for (auto [view, chart] : {std::pair{m_perDay, StatisticsCharts::perDay(figures)},
                               std::pair{m_perHour, StatisticsCharts::perHour(figures)}}) {
        QChart *old = view->chart();
        view->setChart(chart);
        delete old;
    }

    m_members->setRowCount(0);
    for (const MemberFigures &member : figures.members) {
        const int row = m_members->rowCount();
        m_members->insertRow(row);
        QString who = member.name;
        if (!member.number.isEmpty())
            who = who.isEmpty() ? member.number : who + QStringLiteral(" · ") + member.number;
        if (who.isEmpty())
            who = tr("Not recorded (forwarded before the call flow)");
        // QTableWidgetItem shows its text as written: never rich text.
        m_members->setItem(row, 0, new QTableWidgetItem(who));
        auto *answered = new QTableWidgetItem(locale.toString(member.answered));
        answered->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_members->setItem(row, 1, answered);
        m_members->setItem(row, 2, new QTableWidgetItem(seconds(double(member.talkSeconds))));
        m_members->setItem(row, 3, new QTableWidgetItem(seconds(member.averageTalkSeconds)));
    }
    m_status->setText(figures.membersTruncated
                          ? tr("Only the %1 members who answered most are listed.")
                                .arg(CallStatistics::kMaxMembers)
                          : QString());
    m_exportChart->setEnabled(true);
    m_exportCsv->setEnabled(true);
    Q_EMIT figuresShown();
}

void StatisticsView::showFailure(const StatisticsRange &range, const QString &message)
{
    if (!isForThePicker(range))
        return;
    m_status->setText(tr("Cannot compute the statistics: %1").arg(message));
}

bool StatisticsView::exportChart(const QString &fileName, QString *error)
{
    auto *view = qobject_cast<QChartView *>(m_charts->currentWidget());
    const QPixmap image = view ? view->grab() : QPixmap();
    if (image.isNull() || !image.save(fileName, "PNG")) {
        if (error)
            *error = tr("Cannot write %1.").arg(fileName);
        return false;
    }
    return true;
}

bool StatisticsView::exportCsv(const QString &fileName, QString *error)
{
    if (!m_figures) {
        if (error)
            *error = tr("There are no figures yet.");
        return false;
    }
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(StatisticsCsv::write(m_shownRange, *m_figures)) < 0 || !file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

void StatisticsView::exportChartInteractively()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    const QString fileName = QFileDialog::getSaveFileName(
        this, tr("Export Chart"), folder + QStringLiteral("/switchboard-calls.png"),
        tr("PNG images (*.png)"));
    QString error;
    if (!fileName.isEmpty() && !exportChart(fileName, &error))
        QMessageBox::warning(this, tr("Export Chart"), error);
}

void StatisticsView::exportCsvInteractively()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString fileName = QFileDialog::getSaveFileName(
        this, tr("Export Figures"), folder + QStringLiteral("/switchboard-statistics.csv"),
        tr("CSV files (*.csv)"));
    QString error;
    if (!fileName.isEmpty() && !exportCsv(fileName, &error))
        QMessageBox::warning(this, tr("Export Figures"), error);
}

} // namespace Switchboard
