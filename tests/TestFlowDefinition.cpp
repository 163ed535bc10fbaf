#include "core/FlowDefinition.h"
#include "ServiceConfig.h"
#include "support/DocumentedFlow.h"

#include <QJsonArray>
#include <QTest>

using namespace Switchboard;

namespace {

const QByteArray kExample = Switchboard::Testing::documentedExampleFlow();

const QJsonObject kMinimal{
    {QStringLiteral("members"),
     QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("Alice")},
                            {QStringLiteral("number"), QStringLiteral("+15550100201")}}}}};

QJsonObject with(QJsonObject object, const QString &key, const QJsonValue &value)
{
    object.insert(key, value);
    return object;
}

QJsonArray membersNumbered(int count, bool active = true)
{
    QJsonArray members;
    for (int i = 0; i < count; ++i)
        members.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("Member %1").arg(i)},
                                   {QStringLiteral("number"),
                                    QStringLiteral("+1555010%1").arg(i, 4, 10, QLatin1Char('0'))},
                                   {QStringLiteral("active"), active}});
    return members;
}

QJsonArray numbered(int count)
{
    QJsonArray numbers;
    for (int i = 0; i < count; ++i)
        numbers.append(QStringLiteral("+1555020%1").arg(i, 4, 10, QLatin1Char('0')));
    return numbers;
}

QJsonArray datesFrom2026(int count)
{
    QJsonArray dates;
    for (int i = 0; i < count; ++i)
        dates.append(QDate(2026, 1, 1).addDays(i).toString(Qt::ISODate));
    return dates;
}

QJsonObject hours(const QJsonObject &weekly, const QJsonArray &closed = {},
                  const QString &zone = QStringLiteral("America/New_York"))
{
    return QJsonObject{{QStringLiteral("timezone"), zone},
                       {QStringLiteral("weekly"), weekly},
                       {QStringLiteral("closed"), closed}};
}

QJsonArray interval(const char *start, const char *end)
{
    return QJsonArray{QLatin1String(start), QLatin1String(end)};
}

// A day's intervals; QJsonArray{interval(...)} would copy the one interval instead.
QJsonArray day(std::initializer_list<QJsonArray> intervals)
{
    QJsonArray day;
    for (const QJsonArray &interval : intervals)
        day.append(interval);
    return day;
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

class TestFlowDefinition final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void issueExampleRoundTrips()
    {
        QString error;
        const auto flow = FlowDefinition::fromJson(kExample, &error);
        QVERIFY2(flow, qPrintable(error));
        QCOMPARE(flow->members.size(), 2);
        QCOMPARE(flow->members.at(0).name, QStringLiteral("Alice Martin"));
        QVERIFY(flow->members.at(0).active);
        QVERIFY(!flow->members.at(1).active);
        QCOMPARE(flow->activeMembers().size(), 1);
        QCOMPARE(flow->ring, FlowDefinition::Ring::Simultaneous);
        QCOMPARE(flow->ringTimeoutS, 20);
        QVERIFY(flow->screening);
        QVERIFY(flow->transcribe);
        QVERIFY(flow->hours);
        QCOMPARE(flow->hours->intervals(Qt::Wednesday).size(), 2);
        QVERIFY(flow->hours->intervals(Qt::Saturday).isEmpty());
        QCOMPARE(flow->hours->closedDates().size(), 2);
        QCOMPARE(flow->blocked, QStringList{QStringLiteral("+15550109999")});

        // What toJson() writes is the example itself, and reads back to the same flow.
        QCOMPARE(flow->toJsonObject(), QJsonDocument::fromJson(kExample).object());
        const auto again = FlowDefinition::fromJson(flow->toJson(), &error);
        QVERIFY2(again, qPrintable(error));
        QVERIFY(*again == *flow);
    }

    void settingsNotGivenKeepTodaysDefaults()
    {
        QString error;
        const auto flow = FlowDefinition::fromJson(json(kMinimal), &error);
        QVERIFY2(flow, qPrintable(error));
        const CallFlowSettings today;
        QCOMPARE(flow->greeting, today.greeting);
        QCOMPARE(flow->ringTimeoutS, today.ringTimeoutS);
        QCOMPARE(flow->ring, FlowDefinition::Ring::Simultaneous);
        QVERIFY(!flow->screening);
        QVERIFY(!flow->transcribe);
        QVERIFY(!flow->hours); // always open
        QVERIFY(flow->isOpen(QDateTime(QDate(2026, 12, 25), QTime(3, 0), Qt::UTC)));
        QVERIFY(flow->blocked.isEmpty());
        QCOMPARE(flow->afterHoursGreeting, FlowDefinition::defaultAfterHoursGreeting());
    }

    void limitsAreReachable()
    {
        // Each bound itself is accepted; refusesBadInput crosses each one.
        QJsonObject object = with(kMinimal, QStringLiteral("greeting"),
                                  QString(FlowDefinition::kMaxGreetingLength, u'a'));
        object.insert(QStringLiteral("after_hours_greeting"),
                      QString(FlowDefinition::kMaxGreetingLength, u'b'));
        object.insert(QStringLiteral("members"),
                      membersNumbered(FlowDefinition::kMaxRingingAtOnce));
        object.insert(QStringLiteral("blocked"), numbered(FlowDefinition::kMaxBlocked));
        object.insert(QStringLiteral("ring_timeout_s"), FlowDefinition::kMaxRingTimeoutS);
        object.insert(QStringLiteral("hours"),
                      hours({{QStringLiteral("mon"), day({interval("00:00", "24:00")})}},
                            datesFrom2026(BusinessHours::kMaxClosedDates)));
        QString error;
        QVERIFY2(FlowDefinition::fromJson(json(object), &error), qPrintable(error));

        // Sequential rings one at a time: more than ten members may take part.
        object.insert(QStringLiteral("ring"), QStringLiteral("sequential"));
        object.insert(QStringLiteral("members"), membersNumbered(FlowDefinition::kMaxMembers));
        QVERIFY2(FlowDefinition::fromJson(json(object), &error), qPrintable(error));
    }

    void refusesBadInput_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("message"); // the start of the error: the field, then why

        const auto row = [](const char *name, const QJsonObject &object, const char *message) {
            QTest::newRow(name) << json(object) << QString::fromUtf8(message);
        };
        const auto member = [](const QJsonValue &name, const QJsonValue &number) {
            return QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("number"), number}};
        };
        const auto withMembers = [&](const QJsonArray &members) {
            return with(kMinimal, QStringLiteral("members"), members);
        };
        const auto withHours = [&](const QJsonValue &value) {
            return with(kMinimal, QStringLiteral("hours"), value);
        };
        const auto monday = [&](std::initializer_list<QJsonArray> intervals) {
            return withHours(hours({{QStringLiteral("mon"), day(intervals)}}));
        };

        QTest::newRow("not JSON") << QByteArray("{\"members\": [")
                                  << QStringLiteral("the flow: not JSON");
        QTest::newRow("not an object")
            << QByteArray("[1, 2]") << QStringLiteral("the flow: expected an object");
        QTest::newRow("a single value")
            << QByteArray("\"+15550100201\"") << QStringLiteral("the flow: not JSON");
        QTest::newRow("too large")
            << QByteArray(FlowDefinition::kMaxJsonBytes + 1, ' ')
            << QStringLiteral("the flow: %1 bytes").arg(FlowDefinition::kMaxJsonBytes + 1);
        row("unknown key", with(kMinimal, QStringLiteral("greting"), QStringLiteral("Hi")),
            "greting: unknown key");
        row("no members", QJsonObject{}, "members: missing");
        row("members not an array",
            with(kMinimal, QStringLiteral("members"), QStringLiteral("Alice")),
            "members: expected an array, found a string");
        row("number not E.164",
            withMembers({member(QStringLiteral("Alice"), QStringLiteral("+15550100201")),
                         member(QStringLiteral("Bob"), QStringLiteral("555-0100"))}),
            "members[1].number: \"555-0100\" is not an E.164 number");
        row("number not a string", withMembers({member(QStringLiteral("Alice"), 15550100201.0)}),
            "members[0].number: expected a string, found a number");
        row("number too long",
            withMembers({member(QStringLiteral("Alice"), QStringLiteral("+1555010020123456"))}),
            "members[0].number: \"+1555010020123456\" is not an E.164 number");
        row("member without number",
            withMembers({QJsonObject{{QStringLiteral("name"), QStringLiteral("Alice")}}}),
            "members[0].number: missing");
        row("member with unknown key",
            withMembers({with(member(QStringLiteral("Alice"), QStringLiteral("+15550100201")),
                              QStringLiteral("phone"), QStringLiteral("+15550100201"))}),
            "members[0].phone: unknown key");
        row("member not an object", withMembers({QStringLiteral("+15550100201")}),
            "members[0]: expected an object, found a string");
        row("active not a boolean",
            withMembers({with(member(QStringLiteral("Alice"), QStringLiteral("+15550100201")),
                              QStringLiteral("active"), QStringLiteral("yes"))}),
            "members[0].active: expected true or false, found a string");
        row("empty name",
            withMembers({member(QStringLiteral(" "), QStringLiteral("+15550100201"))}),
            "members[0].name: must not be empty");
        row("name too long",
            withMembers({member(QString(FlowDefinition::kMaxNameLength + 1, u'x'),
                                QStringLiteral("+15550100201"))}),
            "members[0].name: 101 characters, at most 100");
        row("name with a control character",
            withMembers(
                {member(QStringLiteral("Alice\nINFO forged"), QStringLiteral("+15550100201"))}),
            "members[0].name: \"Alice\\nINFO forged\" holds control characters");
        row("duplicate member",
            withMembers({member(QStringLiteral("Alice"), QStringLiteral("+15550100201")),
                         member(QStringLiteral("Alice again"), QStringLiteral("+15550100201"))}),
            "members[1].number: +15550100201 is already the number of members[0]");
        row("no active member",
            with(kMinimal, QStringLiteral("members"), membersNumbered(2, false)),
            "members: no member is active");
        row("too many members",
            with(with(kMinimal, QStringLiteral("ring"), QStringLiteral("sequential")),
                 QStringLiteral("members"), membersNumbered(FlowDefinition::kMaxMembers + 1)),
            "members: 51 entries, at most 50");
        row("eleven ringing at once",
            withMembers(membersNumbered(FlowDefinition::kMaxRingingAtOnce + 1)),
            "members: 11 active members would ring at once");
        row("unknown ring", with(kMinimal, QStringLiteral("ring"), QStringLiteral("round-robin")),
            "ring: \"round-robin\" is not \"simultaneous\" or \"sequential\"");
        row("ring timeout zero", with(kMinimal, QStringLiteral("ring_timeout_s"), 0),
            "ring_timeout_s: 0 is not a whole number from 1 to 600");
        row("ring timeout too long", with(kMinimal, QStringLiteral("ring_timeout_s"), 601),
            "ring_timeout_s: 601 is not a whole number from 1 to 600");
        row("ring timeout with a fraction", with(kMinimal, QStringLiteral("ring_timeout_s"), 20.5),
            "ring_timeout_s: 20.5 is not a whole number");
        row("ring timeout as text",
            with(kMinimal, QStringLiteral("ring_timeout_s"), QStringLiteral("20")),
            "ring_timeout_s: expected a number, found a string");
        row("screening not a boolean", with(kMinimal, QStringLiteral("screening"), 1),
            "screening: expected true or false, found a number");
        row("transcribe null", with(kMinimal, QStringLiteral("transcribe"), QJsonValue()),
            "transcribe: expected true or false, found null");
        row("greeting too long",
            with(kMinimal, QStringLiteral("greeting"),
                 QString(FlowDefinition::kMaxGreetingLength + 1, u'a')),
            "greeting: 1001 characters, at most 1000");
        row("after-hours greeting too long",
            with(kMinimal, QStringLiteral("after_hours_greeting"),
                 QString(FlowDefinition::kMaxGreetingLength + 1, u'a')),
            "after_hours_greeting: 1001 characters, at most 1000");
        row("greeting not a string", with(kMinimal, QStringLiteral("greeting"), QJsonArray{}),
            "greeting: expected a string, found an array");
        row("blocked number not E.164",
            with(kMinimal, QStringLiteral("blocked"), QJsonArray{QStringLiteral("anonymous")}),
            "blocked[0]: \"anonymous\" is not an E.164 number");
        row("blocked twice",
            with(kMinimal, QStringLiteral("blocked"),
                 QJsonArray{QStringLiteral("+15550109999"), QStringLiteral("+15550109999")}),
            "blocked[1]: +15550109999 is already blocked[0]");
        row("too many blocked",
            with(kMinimal, QStringLiteral("blocked"), numbered(FlowDefinition::kMaxBlocked + 1)),
            "blocked: 1001 entries, at most 1000");
        row("hours not an object", withHours(QStringLiteral("9-5")),
            "hours: expected an object, found a string");
        row("hours without a time zone",
            withHours(QJsonObject{{QStringLiteral("weekly"), QJsonObject{}}}),
            "hours.timezone: missing");
        row("unknown time zone", withHours(hours({}, {}, QStringLiteral("America/Springfield"))),
            "hours.timezone: \"America/Springfield\" is not a known time zone");
        row("time zone too long", withHours(hours({}, {}, QString(65, u'A'))),
            "hours.timezone: 65 characters, at most 64");
        row("unknown key in hours",
            withHours(with(hours({}), QStringLiteral("holidays"), QJsonArray{})),
            "hours.holidays: unknown key");
        row("unknown day", withHours(hours({{QStringLiteral("thur"), QJsonArray{}}})),
            "hours.weekly.thur: unknown key");
        row("day not a list",
            withHours(hours({{QStringLiteral("mon"), QStringLiteral("09:00-17:00")}})),
            "hours.weekly.mon: expected an array, found a string");
        row("inverted hours", monday({interval("17:30", "09:00")}),
            "hours.weekly.mon[0]: closes at 09:00, not after it opens at 17:30");
        row("overnight hours", monday({interval("22:00", "02:00")}),
            "hours.weekly.mon[0]: closes at 02:00, not after it opens at 22:00");
        row("empty interval", monday({interval("09:00", "09:00")}),
            "hours.weekly.mon[0]: closes at 09:00");
        row("overlapping hours", monday({interval("09:00", "12:30"), interval("12:00", "17:00")}),
            "hours.weekly.mon[1]: 12:00-17:00 overlaps hours.weekly.mon[0] (09:00-12:30)");
        row("malformed time", monday({interval("9:00", "17:00")}),
            "hours.weekly.mon[0][0]: \"9:00\" is not a time of day as \"HH:MM\"");
        row("minute out of range", monday({interval("09:00", "17:60")}),
            "hours.weekly.mon[0][1]: \"17:60\" is not a time of day");
        row("midnight as an opening", monday({interval("24:00", "24:00")}),
            "hours.weekly.mon[0][0]: \"24:00\" is not a time of day");
        row("time as a number", monday({QJsonArray{9, 17}}),
            "hours.weekly.mon[0][0]: expected a string, found a number");
        row("interval of three",
            monday({QJsonArray{QStringLiteral("09:00"), QStringLiteral("12:00"),
                               QStringLiteral("17:00")}}),
            "hours.weekly.mon[0]: 3 entries, at most 2");
        row("interval of one", monday({QJsonArray{QStringLiteral("09:00")}}),
            "hours.weekly.mon[0]: expected [\"HH:MM\", \"HH:MM\"]");
        {
            QJsonArray many;
            for (int i = 0; i <= BusinessHours::kMaxIntervalsPerDay; ++i)
                many.append(
                    interval(qPrintable(QStringLiteral("%1:00").arg(i, 2, 10, QLatin1Char('0'))),
                             qPrintable(QStringLiteral("%1:30").arg(i, 2, 10, QLatin1Char('0')))));
            row("too many intervals in a day", withHours(hours({{QStringLiteral("mon"), many}})),
                "hours.weekly.mon: 9 entries, at most 8");
        }
        row("bad closed date", withHours(hours({}, {QStringLiteral("2026-02-30")})),
            "hours.closed[0]: \"2026-02-30\" is not a date as \"YYYY-MM-DD\"");
        row("closed date with a time", withHours(hours({}, {QStringLiteral("2026-12-25T00:00")})),
            "hours.closed[0]: 16 characters, at most 10");
        row("closed date in another form", withHours(hours({}, {QStringLiteral("12/25/2026")})),
            "hours.closed[0]: \"12/25/2026\" is not a date");
        row("closed date twice",
            withHours(hours({}, {QStringLiteral("2026-12-25"), QStringLiteral("2026-12-25")})),
            "hours.closed[1]: 2026-12-25 is already hours.closed[0]");
        row("too many closed dates",
            withHours(hours({}, datesFrom2026(BusinessHours::kMaxClosedDates + 1))),
            "hours.closed: 501 entries, at most 500");
    }

    void refusesBadInput()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, message);
        QString error;
        const auto flow = FlowDefinition::fromJson(input, &error);
        QVERIFY2(!flow, "accepted");
        QVERIFY2(error.startsWith(message), qPrintable(error));
        QVERIFY2(!error.contains(u'\n'), "the message is one line");
    }
};

QTEST_GUILESS_MAIN(TestFlowDefinition)
#include "TestFlowDefinition.moc"
