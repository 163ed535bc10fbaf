#include "db/CallReader.h"
#include "db/CallStatistics.h"
#include "db/Database.h"
#include "db/SyntheticCallLog.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard;

namespace {

constexpr qint64 kDayMs = 24 * 3600 * 1000;
constexpr qint64 kCalls = 2000;

} // namespace

// The benches' one made-up call log (bench-feed, bench-stats), as the Statistics view reads
// it: the mix its header promises, each call's outcome the service's verdict on its dial, and
// a second log replacing the first.
class TestSyntheticCallLog final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;

    std::optional<CallFigures> lastMonth()
    {
        const QDate today = QDateTime::currentDateTimeUtc().date();
        CallStatistics statistics(*m_db);
        return statistics.compute(
            StatisticsRange::days(today.addDays(-30), today.addDays(1), QTimeZone::utc()));
    }

    static void verifyShare(qint64 count, double share)
    {
        const double measured = double(count) / kCalls;
        QVERIFY2(qAbs(measured - share) < 0.02,
                 qPrintable(QStringLiteral("%1 of the calls, not %2").arg(measured).arg(share)));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = std::make_unique<Database>(
            DatabaseUrl::sqlite(m_dir.filePath(QStringLiteral("calls.db"))),
            QStringLiteral("synthetic"));
        QString error;
        QVERIFY2(m_db->openAndMigrate(&error), qPrintable(error));
        QVERIFY2(writeSyntheticCallLog(*m_db, kCalls, 20 * kDayMs, &error), qPrintable(error));
    }

    void everyCallIsInTheSpanBeforeNow()
    {
        const std::optional<CallFigures> figures = lastMonth();
        QVERIFY(figures);
        QCOMPARE(figures->total.total(), kCalls);
    }

    // Only a completed dial is an answer: no-answer, busy and failed dials are missed calls.
    void outcomesAreTheServicesVerdict()
    {
        const std::optional<CallFigures> figures = lastMonth();
        QVERIFY(figures);
        verifyShare(figures->total[Outcome::Answered], 0.55);
        verifyShare(figures->total[Outcome::Missed], 0.15);
        verifyShare(figures->total[Outcome::Voicemail], 0.20);
        verifyShare(figures->total[Outcome::Blocked], 0.02);
        verifyShare(figures->total[Outcome::Abandoned], 0.08);
        QCOMPARE(figures->total[Outcome::InProgress], qint64(0));
        QCOMPARE(figures->voicemails, figures->total[Outcome::Voicemail]);
        QVERIFY(figures->voicemailsHeard > 0 && figures->voicemailsHeard < figures->voicemails);
    }

    // Each answered call names the member who took it.
    void answeredCallsNameTheirMember()
    {
        const std::optional<CallFigures> figures = lastMonth();
        QVERIFY(figures);
        QCOMPARE(figures->members.size(), qsizetype(8));
        qint64 answered = 0;
        for (const MemberFigures &member : figures->members) {
            QVERIFY(!member.name.isEmpty());
            answered += member.answered;
        }
        QCOMPARE(answered, figures->total[Outcome::Answered]);
    }

    void aNewLogReplacesTheOld()
    {
        QString error;
        QVERIFY2(writeSyntheticCallLog(*m_db, 100, kDayMs, &error), qPrintable(error));
        QCOMPARE(CallReader(*m_db).callCount().value_or(-1), qint64(100));
    }
};

QTEST_GUILESS_MAIN(TestSyntheticCallLog)
#include "TestSyntheticCallLog.moc"
