#include "db/CallLogFill.h"
#include "db/CallStatistics.h"
#include "db/Database.h"
#include "ServiceHarness.h"

#include <algorithm>
#include <map>
#include <QRandomGenerator>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

namespace {

// A call as a test writes it into the log.
struct LoggedCall
{
    QDateTime started;
    Outcome outcome = Outcome::Answered;
    std::optional<qint64> answerAfterMs; // answered_at - started_at
    std::optional<int> talkS;
    QString member;
    QString memberNumber;
    bool voicemail = false;
    bool outbound = false; // a call back the desktop placed: not one of the line's calls
    std::optional<qint64> heardAfterMs; // heard_at - the voicemail's created_at
};

QDateTime at(const char *isoLocal, const QTimeZone &zone)
{
    QDateTime time = QDateTime::fromString(QString::fromLatin1(isoLocal), Qt::ISODate);
    time.setTimeZone(zone);
    return time;
}

LoggedCall answered(const QDateTime &started, qint64 afterMs, std::optional<int> talkS,
                    const QString &member)
{
    LoggedCall call;
    call.started = started;
    call.answerAfterMs = afterMs;
    call.talkS = talkS;
    call.member = member;
    call.memberNumber =
        member.isEmpty() ? QString() : QStringLiteral("+1555010%1").arg(member.size());
    return call;
}

LoggedCall ended(const QDateTime &started, Outcome outcome)
{
    LoggedCall call;
    call.started = started;
    call.outcome = outcome;
    return call;
}

LoggedCall callBack(const QDateTime &started, const QString &member)
{
    LoggedCall call = answered(started, 3000, 45, member);
    call.outbound = true;
    return call;
}

LoggedCall voicemail(const QDateTime &started, std::optional<qint64> heardAfterMs)
{
    LoggedCall call = ended(started, Outcome::Voicemail);
    call.voicemail = true;
    call.heardAfterMs = heardAfterMs;
    return call;
}

std::optional<double> medianOf(std::vector<double> values)
{
    if (values.empty())
        return std::nullopt;
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return (values[(n - 1) / 2] + values[n / 2]) / 2;
}

void compareOptional(const std::optional<double> &actual, const std::optional<double> &expected,
                     const char *what)
{
    QVERIFY2(actual.has_value() == expected.has_value(), what);
    if (expected)
        QVERIFY2(qAbs(*actual - *expected) < 1e-6, qPrintable(QStringLiteral("%1: %2, expected %3")
                                                                  .arg(QString::fromLatin1(what))
                                                                  .arg(*actual)
                                                                  .arg(*expected)));
}

} // namespace

// The Statistics view's figures, computed by the database (CallStatistics), against figures
// computed here from the calls the test wrote: on SQLite, and on PostgreSQL
// (TestCallStatistics_postgres).
class TestCallStatistics final : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServiceHarness> m_harness;
    std::unique_ptr<Database> m_db;
    int m_written = 0;

    void write(const QList<LoggedCall> &calls)
    {
        CallLogFill fill(*m_db);
        QVERIFY2(fill.begin(), qPrintable(fill.lastError()));
        const QVariant nullInt(QMetaType::fromType<int>());
        const QVariant nullTime(QMetaType::fromType<qint64>());
        for (const LoggedCall &call : calls) {
            const int n = ++m_written;
            const QString sid = QStringLiteral("CA%1").arg(n, 32, 10, QLatin1Char('0'));
            const qint64 started = call.started.toMSecsSinceEpoch();
            const QVariantList columns{
                sid,
                ServiceHarness::accountSid,
                QStringLiteral("+15550100%1").arg(n % 1000, 3, 10, QLatin1Char('0')),
                QStringLiteral("+15550100100"),
                QString(QLatin1String("")),
                QString(QLatin1String("")),
                QString(QLatin1String("")),
                QString(QLatin1String("")),
                started,
                call.answerAfterMs ? QVariant(started + *call.answerAfterMs) : nullTime,
                started + 600000,
                QStringLiteral("completed"),
                600,
                QStringLiteral("forward"),
                QString(QLatin1String("")),
                QString(QLatin1String("")),
                call.talkS ? QVariant(*call.talkS) : nullInt,
                outcomeToString(call.outcome),
                n,
                call.member.isNull() ? QString(QLatin1String("")) : call.member,
                call.memberNumber.isNull() ? QString(QLatin1String("")) : call.memberNumber,
                call.outbound ? QStringLiteral("outbound") : QStringLiteral("inbound")};
            QVERIFY2(fill.insertAnsweredCall(columns), qPrintable(fill.lastError()));
            if (call.voicemail) {
                const qint64 stored = started + 60000;
                QVERIFY2(
                    fill.insertVoicemail(
                        {sid, QStringLiteral("RE%1").arg(n, 32, 10, QLatin1Char('0')),
                         QStringLiteral("https://api.twilio.com/r/%1").arg(n), 20, stored,
                         QStringLiteral("downloaded"),
                         call.heardAfterMs ? QVariant(stored + *call.heardAfterMs) : nullTime}),
                    qPrintable(fill.lastError()));
            }
        }
        QVERIFY2(fill.commit(), qPrintable(fill.lastError()));
    }

    CallFigures compute(const StatisticsRange &range)
    {
        CallStatistics statistics(*m_db);
        const auto figures = statistics.compute(range);
        if (!figures)
            qWarning("statistics failed: %s", qPrintable(statistics.lastError()));
        return figures.value_or(CallFigures{});
    }

    // Every figure, worked out from the calls in C++: the zone's clock from QDateTime,
    // medians from a sorted list.
    static CallFigures byHand(const QList<LoggedCall> &calls, const StatisticsRange &range)
    {
        CallFigures figures;
        const QDate first = range.from.toTimeZone(range.zone).date();
        const QDate last = range.to.addMSecs(-1).toTimeZone(range.zone).date();
        for (QDate day = first; day <= last; day = day.addDays(1))
            figures.days.append({day, {}});
        std::vector<double> waits, heardDelays;
        double talkSum = 0;
        int talkCount = 0;
        std::map<std::pair<QString, QString>, MemberFigures> members;
        std::map<std::pair<QString, QString>, qint64> membersWithTalk;
        for (const LoggedCall &call : calls) {
            // A voicemail counts when it was recorded (a minute after the call started, as
            // write() stores it), its call when it started.
            const QDateTime recorded = call.started.addSecs(60);
            if (call.voicemail && recorded >= range.from && recorded < range.to) {
                ++figures.voicemails;
                if (call.heardAfterMs) {
                    ++figures.voicemailsHeard;
                    if (*call.heardAfterMs >= 0)
                        heardDelays.push_back(*call.heardAfterMs);
                }
            }
            if (call.started < range.from || call.started >= range.to)
                continue;
            const QDateTime local = call.started.toTimeZone(range.zone);
            figures.days[first.daysTo(local.date())].calls[call.outcome] += 1;
            figures.hours[local.time().hour()][call.outcome] += 1;
            figures.total[call.outcome] += 1;
            if (call.outcome == Outcome::Answered) {
                if (call.answerAfterMs && *call.answerAfterMs >= 0)
                    waits.push_back(*call.answerAfterMs);
                MemberFigures &member = members[{call.member, call.memberNumber}];
                member.name = call.member;
                member.number = call.memberNumber;
                ++member.answered;
                if (call.talkS && *call.talkS >= 0) {
                    talkSum += *call.talkS;
                    ++talkCount;
                    member.talkSeconds += *call.talkS;
                    ++membersWithTalk[{call.member, call.memberNumber}];
                }
            }
        }
        const qint64 finished = figures.total.total() - figures.total[Outcome::InProgress] -
                                figures.total[Outcome::Blocked];
        if (finished > 0)
            figures.answerRate = double(figures.total[Outcome::Answered]) / double(finished);
        if (const auto wait = medianOf(waits))
            figures.medianSecondsToAnswer = *wait / 1000;
        if (talkCount > 0)
            figures.averageTalkSeconds = talkSum / talkCount;
        if (const auto delay = medianOf(heardDelays))
            figures.medianSecondsToHeard = *delay / 1000;
        for (auto &[key, member] : members) {
            if (membersWithTalk[key] > 0)
                member.averageTalkSeconds = double(member.talkSeconds) / membersWithTalk[key];
            figures.members.append(member);
        }
        std::stable_sort(
            figures.members.begin(), figures.members.end(),
            [](const MemberFigures &a, const MemberFigures &b) { return a.answered > b.answered; });
        return figures;
    }

    static void compareFigures(const CallFigures &actual, const CallFigures &expected)
    {
        QCOMPARE(actual.days.size(), expected.days.size());
        for (int i = 0; i < expected.days.size(); ++i) {
            QCOMPARE(actual.days.at(i).date, expected.days.at(i).date);
            QCOMPARE(actual.days.at(i).calls.counts, expected.days.at(i).calls.counts);
        }
        for (size_t hour = 0; hour < 24; ++hour)
            QVERIFY2(actual.hours[hour].counts == expected.hours[hour].counts,
                     qPrintable(QStringLiteral("hour %1").arg(hour)));
        QCOMPARE(actual.total.counts, expected.total.counts);
        compareOptional(actual.answerRate, expected.answerRate, "answer rate");
        compareOptional(actual.medianSecondsToAnswer, expected.medianSecondsToAnswer,
                        "median time to answer");
        compareOptional(actual.averageTalkSeconds, expected.averageTalkSeconds,
                        "average talk time");
        QCOMPARE(actual.members.size(), expected.members.size());
        for (const MemberFigures &member : expected.members) {
            const auto found = std::find_if(
                actual.members.cbegin(), actual.members.cend(), [&member](const MemberFigures &m) {
                    return m.name == member.name && m.number == member.number;
                });
            QVERIFY2(found != actual.members.cend(), qPrintable(member.name));
            QCOMPARE(found->answered, member.answered);
            QCOMPARE(found->talkSeconds, member.talkSeconds);
            compareOptional(found->averageTalkSeconds, member.averageTalkSeconds,
                            "member's average talk");
        }
        for (int i = 1; i < actual.members.size(); ++i)
            QVERIFY(actual.members.at(i - 1).answered >= actual.members.at(i).answered);
        QCOMPARE(actual.voicemails, expected.voicemails);
        QCOMPARE(actual.voicemailsHeard, expected.voicemailsHeard);
        compareOptional(actual.medianSecondsToHeard, expected.medianSecondsToHeard,
                        "median time to heard");
    }

private Q_SLOTS:
    void init()
    {
        m_harness = std::make_unique<ServiceHarness>();
        QString error;
        m_db = std::make_unique<Database>(*DatabaseUrl::parse(m_harness->databaseUrl(), &error),
                                          QStringLiteral("statistics"));
        QVERIFY2(m_db->openAndMigrate(&error), qPrintable(error));
        m_written = 0;
    }
    void cleanup()
    {
        m_db.reset();
        m_harness.reset();
    }

    // One day, every figure written out: what a manager would count on paper.
    void oneDayCountedOnPaper()
    {
        const QTimeZone zone("America/New_York");
        const QString alice = QStringLiteral("Alice"), bob = QStringLiteral("Bob");
        write({
            answered(at("2026-06-10T09:05:00", zone), 4000, 60, alice),
            answered(at("2026-06-10T09:40:00", zone), 10000, 120, bob),
            answered(at("2026-06-10T14:10:00", zone), 6000, 30, alice),
            answered(at("2026-06-10T14:15:00", zone), 20000, std::nullopt, bob),
            ended(at("2026-06-10T14:20:00", zone), Outcome::Missed),
            ended(at("2026-06-10T10:00:00", zone), Outcome::Abandoned),
            ended(at("2026-06-10T11:00:00", zone), Outcome::Blocked),
            voicemail(at("2026-06-10T23:58:00", zone), 90000),
            voicemail(at("2026-06-10T15:00:00", zone), std::nullopt),
            // Outside the day: just before, and its end (the range excludes it). The message
            // of the call just before is recorded on the day: it counts among its voicemails.
            voicemail(at("2026-06-09T23:59:30", zone), 30000),
            answered(at("2026-06-09T23:59:59", zone), 1000, 10, alice),
            answered(at("2026-06-11T00:00:00", zone), 1000, 10, alice),
            // A call back Alice placed on the day: counted nowhere.
            callBack(at("2026-06-10T14:30:00", zone), alice),
        });
        const CallFigures figures =
            compute(StatisticsRange::days(QDate(2026, 6, 10), QDate(2026, 6, 10), zone));

        QCOMPARE(figures.days.size(), 1);
        QCOMPARE(figures.days.at(0).date, QDate(2026, 6, 10));
        QCOMPARE(figures.total.total(), 9);
        QCOMPARE(figures.total[Outcome::Answered], 4);
        QCOMPARE(figures.total[Outcome::Voicemail], 2);
        QCOMPARE(figures.total[Outcome::Missed], 1);
        QCOMPARE(figures.total[Outcome::Abandoned], 1);
        QCOMPARE(figures.total[Outcome::Blocked], 1);
        QCOMPARE(figures.hours[9][Outcome::Answered], 2);
        QCOMPARE(figures.hours[14][Outcome::Answered], 2);
        QCOMPARE(figures.hours[14][Outcome::Missed], 1);
        QCOMPARE(figures.hours[23][Outcome::Voicemail], 1);
        QCOMPARE(figures.hours[0].total(), 0);
        // 4 answered of the 8 calls that were not blocked.
        QCOMPARE(figures.answerRate.value_or(-1), 0.5);
        // Waits 4, 6, 10, 20 s: the mean of the middle two.
        QCOMPARE(figures.medianSecondsToAnswer.value_or(-1), 8.0);
        // 60, 120, 30 s; the fourth call has no talk time.
        QCOMPARE(figures.averageTalkSeconds.value_or(-1), 70.0);
        QCOMPARE(figures.members.size(), 2);
        QCOMPARE(figures.members.at(0).answered, 2);
        QCOMPARE(figures.members.at(1).answered, 2);
        const MemberFigures &first = figures.members.at(0);
        const MemberFigures &aliceFigures = first.name == alice ? first : figures.members.at(1);
        const MemberFigures &bobFigures = first.name == alice ? figures.members.at(1) : first;
        QCOMPARE(aliceFigures.name, alice);
        QCOMPARE(aliceFigures.talkSeconds, 90);
        QCOMPARE(aliceFigures.averageTalkSeconds.value_or(-1), 45.0);
        QCOMPARE(bobFigures.name, bob);
        QCOMPARE(bobFigures.talkSeconds, 120);
        QCOMPARE(bobFigures.averageTalkSeconds.value_or(-1), 120.0);
        QCOMPARE(figures.voicemails, 3);
        QCOMPARE(figures.voicemailsHeard, 2);
        QCOMPARE(figures.medianSecondsToHeard.value_or(-1), 60.0); // 30 and 90 s
    }

    // New York's clocks go back at 02:00 on 2026-11-01 (a 25-hour day: 01:30 comes twice)
    // and forward at 02:00 on 2026-03-08 (a 23-hour day: no 02:xx).
    void daylightSavingDays()
    {
        const QTimeZone zone("America/New_York");
        const auto utc = [](const char *iso) {
            return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
        };
        write({
            ended(utc("2026-11-01T03:30:00Z"), Outcome::Missed),    // Oct 31 23:30 EDT
            ended(utc("2026-11-01T04:30:00Z"), Outcome::Missed),    // Nov 1 00:30 EDT
            ended(utc("2026-11-01T05:30:00Z"), Outcome::Missed),    // 01:30 EDT
            ended(utc("2026-11-01T06:30:00Z"), Outcome::Abandoned), // 01:30 EST
            ended(utc("2026-11-01T08:00:00Z"), Outcome::Missed),    // 03:00 EST
            ended(utc("2026-11-02T04:30:00Z"), Outcome::Missed),    // Nov 1 23:30 EST
            ended(utc("2026-11-02T05:30:00Z"), Outcome::Missed),    // Nov 2 00:30 EST
            ended(utc("2026-03-08T06:30:00Z"), Outcome::Missed),    // Mar 8 01:30 EST
            ended(utc("2026-03-08T07:30:00Z"), Outcome::Missed),    // 03:30 EDT
            ended(utc("2026-03-09T03:30:00Z"), Outcome::Missed),    // Mar 8 23:30 EDT
            ended(utc("2026-03-09T04:30:00Z"), Outcome::Missed),    // Mar 9 00:30 EDT
        });

        const CallFigures autumn =
            compute(StatisticsRange::days(QDate(2026, 10, 31), QDate(2026, 11, 1), zone));
        QCOMPARE(autumn.days.size(), 2);
        QCOMPARE(autumn.days.at(0).calls.total(), 1);
        QCOMPARE(autumn.days.at(1).calls.total(), 5);
        QCOMPARE(autumn.hours[23].total(), 2);
        QCOMPARE(autumn.hours[0].total(), 1);
        QCOMPARE(autumn.hours[1][Outcome::Missed], 1);
        QCOMPARE(autumn.hours[1][Outcome::Abandoned], 1);
        QCOMPARE(autumn.hours[2].total(), 0);
        QCOMPARE(autumn.hours[3].total(), 1);
        QCOMPARE(autumn.total.total(), 6);

        const CallFigures spring =
            compute(StatisticsRange::days(QDate(2026, 3, 8), QDate(2026, 3, 8), zone));
        QCOMPARE(spring.days.size(), 1);
        QCOMPARE(spring.total.total(), 3);
        QCOMPARE(spring.hours[1].total(), 1);
        QCOMPARE(spring.hours[2].total(), 0);
        QCOMPARE(spring.hours[3].total(), 1);
        QCOMPARE(spring.hours[23].total(), 1);
        QCOMPARE(spring.hours[0].total(), 0);
    }

    // Thousands of calls at random over 40 days around Berlin's change of 2026-10-25, the
    // figures of 30 of those days against those worked out here call by call.
    void generatedLogMatchesTheHandCount()
    {
        const QTimeZone zone("Europe/Berlin");
        QRandomGenerator random(20261203);
        const QDateTime start = QDate(2026, 10, 5).startOfDay(zone);
        const QString members[] = {QStringLiteral("Ada"), QStringLiteral("Grace"),
                                   QStringLiteral("Alan"), QString()};
        QList<LoggedCall> calls;
        for (int i = 0; i < 3000; ++i) {
            const QDateTime started =
                start.addMSecs(qint64(random.bounded(40 * 86400)) * 1000 + random.bounded(1000));
            const int kind = random.bounded(100);
            if (kind < 50) {
                const int talk = random.bounded(-2, 900); // a few hostile negatives
                calls.append(answered(started, random.bounded(-1000, 60000),
                                      kind % 7 == 0 ? std::nullopt : std::optional<int>(talk),
                                      members[random.bounded(4)]));
            } else if (kind < 70) {
                calls.append(voicemail(
                    started, kind % 3 == 0
                                 ? std::nullopt
                                 : std::optional<qint64>(random.bounded(-5, 172800) * 1000LL)));
            } else if (kind < 85) {
                calls.append(ended(started, Outcome::Missed));
            } else if (kind < 95) {
                calls.append(ended(started, Outcome::Abandoned));
            } else if (kind < 98) {
                calls.append(ended(started, Outcome::Blocked));
            } else {
                calls.append(ended(started, Outcome::InProgress));
            }
        }
        write(calls);
        const StatisticsRange range =
            StatisticsRange::days(QDate(2026, 10, 10), QDate(2026, 11, 8), zone);
        const CallFigures figures = compute(range);
        QCOMPARE(figures.days.size(), 30);
        const CallFigures expected = byHand(calls, range);
        QVERIFY(expected.total.total() > 2000);
        compareFigures(figures, expected);
        // A range that is not whole days: noon to noon in another zone.
        const QTimeZone tokyo("Asia/Tokyo");
        const StatisticsRange uneven{at("2026-10-12T12:00:00", tokyo),
                                     at("2026-10-20T12:00:00", tokyo), tokyo};
        compareFigures(compute(uneven), byHand(calls, uneven));
    }

    void emptyRangeHasNoFigures()
    {
        const QTimeZone zone("Europe/Paris");
        write({answered(at("2026-05-01T10:00:00", zone), 3000, 60, QStringLiteral("Ada"))});
        CallStatistics statistics(*m_db);
        const auto figures =
            statistics.compute(StatisticsRange::days(QDate(2026, 5, 2), QDate(2026, 5, 8), zone));
        QVERIFY2(figures, qPrintable(statistics.lastError()));
        QCOMPARE(figures->days.size(), 7);
        for (const DayFigures &day : figures->days)
            QCOMPARE(day.calls.total(), 0);
        QCOMPARE(figures->total.total(), 0);
        QVERIFY(!figures->answerRate);
        QVERIFY(!figures->medianSecondsToAnswer);
        QVERIFY(!figures->averageTalkSeconds);
        QVERIFY(figures->members.isEmpty());
        QCOMPARE(figures->voicemails, 0);
        QVERIFY(!figures->medianSecondsToHeard);
    }

    void refusesARangeOverAYear()
    {
        const QTimeZone zone("UTC");
        CallStatistics statistics(*m_db);
        const QDate first(2026, 1, 1);
        QVERIFY(statistics.compute(
            StatisticsRange::days(first, first.addDays(CallStatistics::kMaxDays - 1), zone)));
        QVERIFY(!statistics.compute(
            StatisticsRange::days(first, first.addDays(CallStatistics::kMaxDays), zone)));
        QVERIFY(statistics.lastError().contains(QLatin1String("366 days")));
        QVERIFY(!statistics.compute(StatisticsRange::days(first, first.addDays(-1), zone)));
        QVERIFY(!statistics.compute(StatisticsRange{first.startOfDay(), first.startOfDay(), zone}));
    }

    // Names are the log's text: a hundred members at most, each name cut to a bounded length.
    void membersAreBounded()
    {
        const QTimeZone zone("UTC");
        QList<LoggedCall> calls;
        const QDateTime noon = at("2026-04-01T12:00:00", zone);
        for (int m = 0; m <= CallStatistics::kMaxMembers; ++m) {
            // Member 0 answered twice: first; the others once.
            const QString name = QStringLiteral("member %1 ").arg(m, 3, 10, QLatin1Char('0')) +
                                 QString(m == 5 ? 10000 : 0, QLatin1Char('x'));
            calls.append(answered(noon.addSecs(m), 1000, 10, name));
            if (m == 0)
                calls.append(answered(noon.addSecs(600), 1000, 10, name));
        }
        write(calls);
        const CallFigures figures =
            compute(StatisticsRange::days(QDate(2026, 4, 1), QDate(2026, 4, 1), zone));
        QCOMPARE(figures.total[Outcome::Answered], CallStatistics::kMaxMembers + 2);
        QCOMPARE(figures.members.size(), CallStatistics::kMaxMembers);
        QVERIFY(figures.membersTruncated);
        QCOMPARE(figures.members.at(0).answered, 2);
        QVERIFY(figures.members.at(0).name.startsWith(QLatin1String("member 000")));
        for (const MemberFigures &member : figures.members)
            QVERIFY(member.name.size() <= CallStatistics::kMaxNameChars);
        QVERIFY(std::any_of(figures.members.cbegin(), figures.members.cend(),
                            [](const MemberFigures &member) {
                                return member.name.size() == CallStatistics::kMaxNameChars;
                            }));
    }
};

QTEST_GUILESS_MAIN(TestCallStatistics)
#include "TestCallStatistics.moc"
