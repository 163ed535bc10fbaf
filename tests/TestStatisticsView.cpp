// The Statistics window on a real log, offscreen (SQLite; PostgreSQL in
// TestStatisticsView_postgres): each range's figures as the user reads
// them, the charts, the members, exports to PNG and CSV, new calls followed, the menu entry.

#include "AppTestData.h"
#include "backend/AppSettings.h"
#include "backend/CallLog.h"
#include "backend/CredentialStore.h"
#include "db/CallLogFill.h"
#include "db/Database.h"
#include "gui/MainWindow.h"
#include "gui/stats/RangePicker.h"
#include "gui/stats/StatisticsCharts.h"
#include "gui/stats/StatisticsView.h"
#include "ServiceHarness.h"

#include <QAction>
#include <QApplication>
#include <QBarCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QImage>
#include <QLabel>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

namespace {

const QTimeZone kZone("America/New_York");
const QDate kToday(2026, 6, 10);
const QString kHostileName = QStringLiteral("=HYPERLINK(\"http://x\")<b>Eve</b>");

struct Call
{
    const char *startedLocal;
    const char *outcome;
    qint64 answerAfterMs = -1; // -1: not answered
    int talkS = -1;            // -1: none
    QString member;
    bool voicemail = false;
    qint64 heardAfterMs = -1; // -1: unheard
};

} // namespace

class TestStatisticsView final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<ServiceHarness> m_harness; // the log: a SQLite file or a PostgreSQL database
    int m_written = 0;
    std::unique_ptr<CallLog> m_log;
    std::unique_ptr<StatisticsView> m_view;

    void write(const QList<Call> &calls)
    {
        QString error;
        Database db(*DatabaseUrl::parse(m_harness->databaseUrl(), &error),
                    QStringLiteral("test-fill"));
        QVERIFY2(db.openAndMigrate(&error), qPrintable(error));
        CallLogFill fill(db);
        QVERIFY2(fill.begin(), qPrintable(fill.lastError()));
        const QVariant nullInt(QMetaType::fromType<int>());
        const QVariant nullTime(QMetaType::fromType<qint64>());
        const QString empty(QLatin1String(""));
        for (const Call &call : calls) {
            const int n = ++m_written;
            const QString sid = QStringLiteral("CA%1").arg(n, 32, 10, QLatin1Char('0'));
            QDateTime started =
                QDateTime::fromString(QString::fromLatin1(call.startedLocal), Qt::ISODate);
            started.setTimeZone(kZone);
            const qint64 startMs = started.toMSecsSinceEpoch();
            QVERIFY2(
                fill.insertAnsweredCall(
                    {sid,
                     QStringLiteral("ACtest"),
                     QStringLiteral("+15550100999"),
                     QStringLiteral("+15550100100"),
                     empty,
                     empty,
                     empty,
                     empty,
                     startMs,
                     call.answerAfterMs >= 0 ? QVariant(startMs + call.answerAfterMs) : nullTime,
                     startMs + 300000,
                     QStringLiteral("completed"),
                     300,
                     QStringLiteral("forward"),
                     empty,
                     empty,
                     call.talkS >= 0 ? QVariant(call.talkS) : nullInt,
                     QString::fromLatin1(call.outcome),
                     n,
                     call.member.isNull() ? empty : call.member,
                     call.member.isEmpty() ? empty : QStringLiteral("+15550100201"),
                     QStringLiteral("inbound")}),
                qPrintable(fill.lastError()));
            if (call.voicemail) {
                const qint64 stored = startMs + 60000;
                QVERIFY2(
                    fill.insertVoicemail(
                        {sid, QStringLiteral("RE%1").arg(n, 32, 10, QLatin1Char('0')),
                         QStringLiteral("https://api.twilio.com/r/%1").arg(n), 20, stored,
                         QStringLiteral("downloaded"),
                         call.heardAfterMs >= 0 ? QVariant(stored + call.heardAfterMs) : nullTime}),
                    qPrintable(fill.lastError()));
            }
        }
        QVERIFY2(fill.commit(), qPrintable(fill.lastError()));
    }

    QString figure(const char *name) const
    {
        const auto *label = m_view->findChild<QLabel *>(QString::fromLatin1(name));
        return label ? label->text() : QStringLiteral("(no %1)").arg(QString::fromLatin1(name));
    }

    // Waits for the figures of the picker's current range to be on screen.
    bool waitForFigures()
    {
        return QTest::qWaitFor(
            [this] {
                return !m_view->isComputing() && m_view->figures() &&
                       m_view->shownRange() == m_view->rangePicker()->range();
            },
            10000);
    }

    int dayCategories() const
    {
        const auto *chart = m_view->findChild<QChartView *>(QStringLiteral("perDayChart"))->chart();
        const auto axes = chart->axes(Qt::Horizontal);
        const auto *axis = axes.isEmpty() ? nullptr : qobject_cast<QBarCategoryAxis *>(axes.at(0));
        return axis ? axis->count() : -1;
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_harness = std::make_unique<ServiceHarness>();
        m_written = 0;
        write({
            // Today, as TestCallStatistics counts it on paper.
            {"2026-06-10T09:05:00", "answered", 4000, 60, QStringLiteral("Alice")},
            {"2026-06-10T09:40:00", "answered", 10000, 120, QStringLiteral("Bob")},
            {"2026-06-10T14:10:00", "answered", 6000, 30, QStringLiteral("Alice")},
            {"2026-06-10T14:15:00", "answered", 20000, -1, QStringLiteral("Bob")},
            {"2026-06-10T14:20:00", "missed", -1, -1, {}},
            {"2026-06-10T10:00:00", "abandoned", -1, -1, {}},
            {"2026-06-10T11:00:00", "blocked", -1, -1, {}},
            {"2026-06-10T23:58:00", "voicemail", -1, -1, {}, true, 90000},
            {"2026-06-10T15:00:00", "voicemail", -1, -1, {}, true, -1},
            // Earlier this week: a member whose name is markup and a formula.
            {"2026-06-05T12:00:00", "answered", 3000, 200, kHostileName},
            {"2026-06-05T12:30:00", "missed", -1, -1, {}},
            // Earlier this month, and before it.
            {"2026-05-20T08:00:00", "missed", -1, -1, {}},
            {"2026-05-01T08:00:00", "missed", -1, -1, {}},
        });
        m_log = std::make_unique<CallLog>();
        m_log->setPollInterval(100);
        m_log->open(m_harness->databaseUrl());
        QTRY_VERIFY_WITH_TIMEOUT(m_log->isAvailable(), 10000);
        m_view = std::make_unique<StatisticsView>(m_log.get());
        m_view->rangePicker()->setTimeZone(kZone);
        m_view->rangePicker()->setToday(kToday);
        m_view->rangePicker()->setSpan(RangePicker::Span::Today);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
        QVERIFY(waitForFigures());
    }
    void cleanup()
    {
        m_view.reset();
        m_log.reset();
        m_harness.reset();
    }

    void showsTheFiguresOfEachRange()
    {
        QCOMPARE(figure("callsFigure"), QStringLiteral("9"));
        QCOMPARE(figure("answerRateFigure"), QStringLiteral("50%")); // 4 of the 8 not blocked
        QCOMPARE(figure("medianAnswerFigure"), QStringLiteral("0:08"));
        QCOMPARE(figure("averageTalkFigure"), QStringLiteral("1:10"));
        QCOMPARE(figure("voicemailsFigure"), QStringLiteral("1 of 2"));
        QCOMPARE(figure("medianHeardFigure"), QStringLiteral("1:30"));
        QCOMPARE(dayCategories(), 1);
        auto *members = m_view->findChild<QTableWidget *>(QStringLiteral("membersTable"));
        QCOMPARE(members->rowCount(), 2);
        QStringList names{members->item(0, 0)->text(), members->item(1, 0)->text()};
        names.sort();
        QCOMPARE(names, QStringList({QStringLiteral("Alice · +15550100201"),
                                     QStringLiteral("Bob · +15550100201")}));

        m_view->rangePicker()->setSpan(RangePicker::Span::Last7Days);
        QVERIFY(waitForFigures());
        QCOMPARE(figure("callsFigure"), QStringLiteral("11"));
        QCOMPARE(figure("answerRateFigure"), QStringLiteral("50%")); // 5 of 10
        QCOMPARE(dayCategories(), 7);
        QCOMPARE(members->rowCount(), 3);
        // The log's text shown as written, not as markup.
        bool hostileShown = false;
        for (int row = 0; row < members->rowCount(); ++row)
            hostileShown = hostileShown || members->item(row, 0)->text() ==
                                               kHostileName + QStringLiteral(" · +15550100201");
        QVERIFY(hostileShown);

        m_view->rangePicker()->setSpan(RangePicker::Span::Last30Days);
        QVERIFY(waitForFigures());
        QCOMPARE(figure("callsFigure"), QStringLiteral("12"));
        QCOMPARE(dayCategories(), 30);

        m_view->rangePicker()->setCustomDays(QDate(2026, 5, 1), QDate(2026, 5, 20));
        QVERIFY(waitForFigures());
        QCOMPARE(figure("callsFigure"), QStringLiteral("2"));
        QCOMPARE(figure("answerRateFigure"), QStringLiteral("0%"));
        QCOMPARE(figure("medianAnswerFigure"), QStringLiteral("–"));
        QCOMPARE(dayCategories(), 20);

        // A day without calls.
        m_view->rangePicker()->setCustomDays(QDate(2026, 6, 1), QDate(2026, 6, 1));
        QVERIFY(waitForFigures());
        QCOMPARE(figure("callsFigure"), QStringLiteral("0"));
        QCOMPARE(figure("answerRateFigure"), QStringLiteral("–"));
        QCOMPARE(members->rowCount(), 0);
    }

    // A custom range is cut to a year from its first day, whatever the user types.
    void customRangeIsAtMostAYear()
    {
        m_view->rangePicker()->setCustomDays(QDate(2025, 6, 9), QDate(2026, 12, 31));
        QVERIFY(waitForFigures());
        QCOMPARE(m_view->figures()->days.size(), CallStatistics::kMaxDays);
        QCOMPARE(m_view->figures()->days.constLast().date, QDate(2026, 6, 9));
        QCOMPARE(figure("callsFigure"), QStringLiteral("4")); // all but today's
        m_view->rangePicker()->setCustomDays(QDate(2026, 6, 10), QDate(2026, 6, 1));
        QVERIFY(waitForFigures());
        QCOMPARE(m_view->figures()->days.size(), 1);
    }

    void exportsTheChartAndTheFigures()
    {
        m_view->rangePicker()->setSpan(RangePicker::Span::Last7Days);
        QVERIFY(waitForFigures());

        const QString png = m_dir.filePath(QStringLiteral("chart.png"));
        QString error;
        QVERIFY2(m_view->exportChart(png, &error), qPrintable(error));
        const QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 200 && image.height() > 200);
        // The bars are in it: pixels of the answered and the missed colours.
        const auto holds = [&image](const QColor &colour) {
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x)
                    if (image.pixelColor(x, y) == colour)
                        return true;
            return false;
        };
        QVERIFY(holds(StatisticsCharts::colour(Outcome::Answered)));
        QVERIFY(holds(StatisticsCharts::colour(Outcome::Missed)));

        const QString csvPath = m_dir.filePath(QStringLiteral("figures.csv"));
        QVERIFY2(m_view->exportCsv(csvPath, &error), qPrintable(error));
        QFile csv(csvPath);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().split('\n');
        const auto hasLine = [&lines](const QByteArray &line) {
            return lines.contains(line + '\r');
        };
        QVERIFY(hasLine("calls,11"));
        QVERIFY(hasLine("answered,5"));
        QVERIFY(hasLine("missed,2"));
        QVERIFY(hasLine("answer rate,0.500"));
        QVERIFY(hasLine("median seconds to answer,6.000")); // 3, 4, 6, 10, 20 s
        QVERIFY(hasLine("voicemails heard,1"));
        QVERIFY(hasLine("time zone,America/New_York"));
        QVERIFY(hasLine("day,answered,voicemail,missed,abandoned,blocked,in-progress,total"));
        QVERIFY(hasLine("2026-06-04,0,0,0,0,0,0,0"));
        QVERIFY(hasLine("2026-06-05,1,0,1,0,0,0,2"));
        QVERIFY(hasLine("2026-06-10,4,2,1,1,1,0,9"));
        QVERIFY(hasLine("14:00,2,0,1,0,0,0,3"));
        // The member's name quoted (it holds quotes) and made inert (it starts with '=').
        QVERIFY(hasLine("\"'=HYPERLINK(\"\"http://x\"\")<b>Eve</b>\",+15550100201,1,200,200.000"));
    }

    // New calls reach an open window without the user asking: one the service's writer
    // records (PRAGMA data_version on SQLite, NOTIFY on PostgreSQL).
    void followsNewCalls()
    {
        QCOMPARE(figure("callsFigure"), QStringLiteral("9"));
        QString error;
        Testing::CallLogWriter writer(*DatabaseUrl::parse(m_harness->databaseUrl(), &error));
        QVERIFY(writer.isOpen());
        QDateTime at = QDateTime::fromString(QStringLiteral("2026-06-10T16:00:00"), Qt::ISODate);
        at.setTimeZone(kZone);
        QVERIFY(writer.missed(QStringLiteral("CA%1").arg(999, 32, 10, QLatin1Char('0')), at,
                              QStringLiteral("+15550100777")));
        QTRY_COMPARE_WITH_TIMEOUT(figure("callsFigure"), QStringLiteral("10"), 15000);
        QCOMPARE(figure("answerRateFigure"), QStringLiteral("44%")); // 4 of 9
    }

    void mainWindowOpensIt()
    {
        m_view.reset();
        AppSettings settings(m_dir.filePath(QStringLiteral("settings.ini")), nullptr);
        settings.setDatabaseUrlOverride(m_harness->databaseUrl());
        CredentialStore credentials;
        MainWindow window(&settings, &credentials);
        window.show();
        window.openDatabase();
        QTRY_VERIFY_WITH_TIMEOUT(window.callLog()->isAvailable(), 10000);
        auto *action = window.findChild<QAction *>(QStringLiteral("statisticsAction"));
        QVERIFY(action);
        action->trigger();
        auto *view = window.findChild<StatisticsView *>();
        QVERIFY(view);
        QVERIFY(view->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(view->figures().has_value(), 10000);
        action->trigger(); // the same window again, not a second one
        QCOMPARE(window.findChildren<StatisticsView *>().size(), 1);
    }
};

QTEST_MAIN(TestStatisticsView)
#include "TestStatisticsView.moc"
