#include "core/BusinessHours.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Switchboard;

// Opening hours judged in the flow's time zone. America/New_York moves its clocks on
// 2026-03-08 (02:00 EST becomes 03:00 EDT) and 2026-11-01 (02:00 EDT becomes 01:00 EST), both
// Sundays: the same UTC moment is inside the hours on one side of a change and outside on the
// other. Hours that run past midnight are refused (TestFlowDefinition); a night shift is two
// intervals, until "24:00" and from "00:00".
class TestBusinessHours final : public QObject
{
    Q_OBJECT

    static BusinessHours hours(const char *json)
    {
        QString error;
        const auto hours = BusinessHours::fromJson(QJsonDocument::fromJson(json).object(),
                                                   QStringLiteral("hours"), &error);
        if (!hours)
            qFatal("%s", qPrintable(error));
        return *hours;
    }

    static QDateTime utc(int month, int day, int hour, int minute)
    {
        return QDateTime(QDate(2026, month, day), QTime(hour, minute), Qt::UTC);
    }

private Q_SLOTS:
    void weekdayHoursFollowDaylightSaving()
    {
        const BusinessHours office = hours(R"({"timezone": "America/New_York",
            "weekly": {"mon": [["09:00", "17:30"]], "fri": [["09:00", "17:30"]]}})");
        // 13:30 UTC: 08:30 EST on Friday 6 March (closed), 09:30 EDT on Monday 9 March (open).
        QVERIFY(!office.isOpen(utc(3, 6, 13, 30)));
        QVERIFY(office.isOpen(utc(3, 9, 13, 30)));
        // 21:45 UTC: 16:45 EST on Friday 6 March (open), 17:45 EDT on Monday 9 March (closed).
        QVERIFY(office.isOpen(utc(3, 6, 21, 45)));
        QVERIFY(!office.isOpen(utc(3, 9, 21, 45)));
        // In the autumn the other way: 13:30 UTC is 09:30 EDT on Friday 30 October (open),
        // 08:30 EST on Monday 2 November (closed); 14:00 UTC that Monday is 09:00 EST (open).
        QVERIFY(office.isOpen(utc(10, 30, 13, 30)));
        QVERIFY(!office.isOpen(utc(11, 2, 13, 30)));
        QVERIFY(office.isOpen(utc(11, 2, 14, 0)));
        // Closing time itself is closed: [opening, closing).
        QVERIFY(!office.isOpen(utc(11, 2, 22, 30)));
        QVERIFY(office.isOpen(utc(11, 2, 22, 29)));
    }

    void hoursAcrossTheChangeItself()
    {
        // On the Sunday of the spring change local time goes 01:59 EST -> 03:00 EDT.
        const BusinessHours night = hours(R"({"timezone": "America/New_York",
            "weekly": {"sun": [["01:00", "04:00"]]}})");
        QVERIFY(night.isOpen(utc(3, 8, 6, 30)));  // 01:30 EST
        QVERIFY(night.isOpen(utc(3, 8, 7, 30)));  // 03:30 EDT, an hour of wall clock later
        QVERIFY(!night.isOpen(utc(3, 8, 8, 0)));  // 04:00 EDT
        QVERIFY(!night.isOpen(utc(3, 8, 5, 59))); // 00:59 EST

        // On the autumn Sunday 01:00-02:00 happens twice; both are inside 00:00-01:30.
        const BusinessHours early = hours(R"({"timezone": "America/New_York",
            "weekly": {"sun": [["00:00", "01:30"]]}})");
        QVERIFY(early.isOpen(utc(11, 1, 5, 15)));  // 01:15 EDT
        QVERIFY(early.isOpen(utc(11, 1, 6, 15)));  // 01:15 EST, the second time
        QVERIFY(!early.isOpen(utc(11, 1, 5, 45))); // 01:45 EDT
        QVERIFY(!early.isOpen(utc(11, 1, 6, 45))); // 01:45 EST
    }

    void splitDayHasALunchBreak()
    {
        const BusinessHours office = hours(R"({"timezone": "Europe/Paris",
            "weekly": {"wed": [["13:00", "17:30"], ["09:00", "12:00"]]}})");
        // Wednesday 2026-07-15, CEST (UTC+2).
        QVERIFY(office.isOpen(QDateTime(QDate(2026, 7, 15), QTime(7, 0), Qt::UTC)));    // 09:00
        QVERIFY(!office.isOpen(QDateTime(QDate(2026, 7, 15), QTime(10, 30), Qt::UTC))); // 12:30
        QVERIFY(office.isOpen(QDateTime(QDate(2026, 7, 15), QTime(11, 0), Qt::UTC)));   // 13:00
        QVERIFY(!office.isOpen(QDateTime(QDate(2026, 7, 15), QTime(15, 30), Qt::UTC))); // 17:30
    }

    void emptyOrMissingDayIsClosed()
    {
        const BusinessHours office = hours(R"({"timezone": "UTC",
            "weekly": {"mon": [["00:00", "24:00"]], "sat": []}})");
        QVERIFY(office.isOpen(utc(3, 9, 23, 59)));  // Monday
        QVERIFY(!office.isOpen(utc(3, 14, 12, 0))); // Saturday: []
        QVERIFY(!office.isOpen(utc(3, 10, 12, 0))); // Tuesday: not listed
    }

    void nightShiftIsTwoIntervals()
    {
        const BusinessHours night = hours(R"({"timezone": "America/New_York",
            "weekly": {"fri": [["22:00", "24:00"]], "sat": [["00:00", "06:00"]]}})");
        // Friday 2026-03-06 23:30 EST and Saturday 05:30 EST.
        QVERIFY(night.isOpen(utc(3, 7, 4, 30)));
        QVERIFY(night.isOpen(utc(3, 7, 10, 30)));
        QVERIFY(!night.isOpen(utc(3, 7, 11, 0))); // Saturday 06:00
    }

    void closedDateIsJudgedByTheLocalDate()
    {
        const BusinessHours office = hours(R"({"timezone": "America/New_York",
            "weekly": {"thu": [["00:00", "24:00"]], "fri": [["00:00", "24:00"]]},
            "closed": ["2026-12-25"]})");
        // 02:00 UTC on 25 December is still 21:00 on Thursday 24 December in New York: open.
        QVERIFY(office.isOpen(QDateTime(QDate(2026, 12, 25), QTime(2, 0), Qt::UTC)));
        // 06:00 UTC is 01:00 on Friday 25 December: closed, although Friday has hours.
        QVERIFY(!office.isOpen(QDateTime(QDate(2026, 12, 25), QTime(6, 0), Qt::UTC)));
        // 04:30 UTC on 26 December is 23:30 on the 25th in New York: still closed.
        QVERIFY(!office.isOpen(QDateTime(QDate(2026, 12, 26), QTime(4, 30), Qt::UTC)));
        // The Friday after is open.
        QVERIFY(office.isOpen(QDateTime(QDate(2027, 1, 1), QTime(15, 0), Qt::UTC)));
    }

    void roundTripsItsJson()
    {
        const BusinessHours office = hours(R"({"timezone": "America/New_York",
            "weekly": {"wed": [["09:00", "12:00"], ["13:00", "24:00"]]},
            "closed": ["2026-12-25", "2027-01-01"]})");
        QString error;
        const auto again =
            BusinessHours::fromJson(office.toJson(), QStringLiteral("hours"), &error);
        QVERIFY2(again, qPrintable(error));
        QVERIFY(*again == office);
        QCOMPARE(office.toJson().value(QStringLiteral("weekly"))[QStringLiteral("wed")],
                 QJsonArray({QJsonArray{QStringLiteral("09:00"), QStringLiteral("12:00")},
                             QJsonArray{QStringLiteral("13:00"), QStringLiteral("24:00")}}));
        QCOMPARE(office.toJson().value(QStringLiteral("weekly"))[QStringLiteral("sun")],
                 QJsonArray());
    }
};

QTEST_GUILESS_MAIN(TestBusinessHours)
#include "TestBusinessHours.moc"
