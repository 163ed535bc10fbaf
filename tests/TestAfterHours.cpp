#include "ServiceHarness.h"
#include "twilio/TwimlDocument.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

namespace {

// The example flow's after-hours greeting; its hours: 08:00 to 17:00 every day in New York,
// closed on Christmas Day 2026.
const QString kAfterHoursGreeting =
    QStringLiteral("We are closed. Please leave a message after the beep.");

} // namespace

// Whether a call finds the team open is judged by the service's real clock, in the flow's time
// zone: the real service runs under libfaketime at moments around New York's changes of
// daylight-saving time (2026-03-08, 02:00 EST -> 03:00 EDT; 2026-11-01, 02:00 EDT -> 01:00
// EST) and on a closed date.
class TestAfterHours final : public QObject
{
    Q_OBJECT

    // The service started at the moment `utc` (its clock runs on from there), on the example
    // flow.
    static bool startAt(ServiceHarness &harness, const QString &utc)
    {
        // "@": the clock starts at that moment and runs; timers keep the real monotonic clock.
        harness.setServicePrefix(
            {QStringLiteral("env"), QStringLiteral("LD_PRELOAD=" FAKETIME_LIBRARY),
             QStringLiteral("FAKETIME=@") + utc, QStringLiteral("FAKETIME_DONT_FAKE_MONOTONIC=1"),
             QStringLiteral("TZ=UTC")});
        return harness.startServiceWithFlow(ServiceHarness::exampleFlow());
    }

    // Moments when the team is open only if the zone's offset of that day is used, and closed
    // ones; `open` says which.
    static void moments()
    {
        QTest::addColumn<QString>("utc");
        QTest::addColumn<bool>("open");
        // 08:30 EDT: open (a fixed UTC-5 would make it 07:30, closed).
        QTest::newRow("Sunday after the March change, 08:30 EDT") << "2026-03-08 12:30:00" << true;
        QTest::newRow("Sunday after the March change, 07:59 EDT") << "2026-03-08 11:59:00" << false;
        // 07:30 EST: closed (a fixed UTC-4 would make it 08:30, open).
        QTest::newRow("Saturday before the March change, 07:30 EST")
            << "2026-03-07 12:30:00" << false;
        QTest::newRow("Saturday before the March change, 08:30 EST")
            << "2026-03-07 13:30:00" << true;
        QTest::newRow("Sunday 16:59 EDT") << "2026-03-08 20:59:00" << true;
        QTest::newRow("Sunday 17:00 EDT") << "2026-03-08 21:00:00" << false;
        // 08:30 EDT on the last Saturday of summer time: open (a fixed UTC-5 says 07:30).
        QTest::newRow("Saturday before the November change, 08:30 EDT")
            << "2026-10-31 12:30:00" << true;
        // 07:30 EST the morning of the change back: closed (a fixed UTC-4 says 08:30).
        QTest::newRow("Sunday after the November change, 07:30 EST")
            << "2026-11-01 12:30:00" << false;
        QTest::newRow("Tuesday 22:00 EDT") << "2026-03-11 02:00:00" << false;
        QTest::newRow("Christmas Day, a Friday, 10:00 EST") << "2026-12-25 15:00:00" << false;
        QTest::newRow("the day after, 10:00 EST") << "2026-12-26 15:00:00" << true;
    }

private Q_SLOTS:
    void callFindsTheTeamOpenOrClosed_data() { moments(); }

    void callFindsTheTeamOpenOrClosed()
    {
        QFETCH(QString, utc);
        QFETCH(bool, open);
        ServiceHarness harness;
        QVERIFY(startAt(harness, utc));

        const FormData params{
            {QStringLiteral("AccountSid"), ServiceHarness::accountSid},
            {QStringLiteral("CallSid"), QStringLiteral("CAdddddddddddddddddddddddddddddddd")},
            {QStringLiteral("CallStatus"), QStringLiteral("ringing")},
            {QStringLiteral("From"), QStringLiteral("+14155550100")},
            {QStringLiteral("To"), QStringLiteral("+14155550199")}};
        const ServiceHarness::WebhookAnswer answer =
            harness.postWebhook(QStringLiteral("/twilio/voice"), params);
        QCOMPARE(answer.status, 200);
        const TwimlDocument document = TwimlDocument::parse(answer.body);
        QVERIFY2(document.isValid(), qPrintable(document.error));
        QVERIFY(!document.verbs.isEmpty());
        if (open) {
            QCOMPARE(document.verbs.first().name, QStringLiteral("Gather"));
            return;
        }
        QCOMPARE(document.verbs.first().name, QStringLiteral("Say"));
        QCOMPARE(document.verbs.first().text, kAfterHoursGreeting);
        QCOMPARE(document.verbs.at(1).name, QStringLiteral("Record"));
        // The call log keeps the service's clock: the call started at the faked moment.
        const QByteArray exported = harness.exportLog();
        QVERIFY2(exported.contains(utc.left(10).toUtf8()), exported.constData());
    }

    // The same moments, each a whole call played by the simulator: the caller presses 1 and
    // Alice would accept. Open: she takes the call. Closed: the caller hears the after-hours
    // greeting and leaves a message, and the log says why.
    void wholeCallOpenOrAfterHours_data() { moments(); }

    void wholeCallOpenOrAfterHours()
    {
        QFETCH(QString, utc);
        QFETCH(bool, open);
        ServiceHarness harness;
        QVERIFY(startAt(harness, utc));
        const ServiceHarness::SimResult sim = harness.runSim(
            {QStringLiteral("--press"), QStringLiteral("1"), QStringLiteral("--legs"),
             QStringLiteral("Alice:accept,Bob:no-answer"), QStringLiteral("--transcription"),
             QStringLiteral("Please call me back tomorrow.")});
        QVERIFY2(sim.exitCode == 0, qPrintable(sim.output + harness.serviceOutput()));
        QVERIFY(harness.waitForDownloads());
        QCOMPARE(sim.output.contains(kAfterHoursGreeting), !open);

        const QJsonArray calls = QJsonDocument::fromJson(harness.exportLog()).array();
        QCOMPARE(calls.size(), 1);
        const QJsonObject call = calls.first().toObject();
        QVERIFY2(call[QStringLiteral("started_at")].toString().startsWith(utc.left(10)),
                 qPrintable(call[QStringLiteral("started_at")].toString()));
        if (open) {
            QCOMPARE(call[QStringLiteral("outcome")].toString(), QStringLiteral("answered"));
            QCOMPARE(call[QStringLiteral("answered_by")].toObject(),
                     (QJsonObject{{QStringLiteral("name"), QStringLiteral("Alice Martin")},
                                  {QStringLiteral("number"), QStringLiteral("+15550100201")}}));
            QVERIFY(call[QStringLiteral("reason")].isNull());
            return;
        }
        QCOMPARE(call[QStringLiteral("outcome")].toString(), QStringLiteral("voicemail"));
        QCOMPARE(call[QStringLiteral("reason")].toString(), QStringLiteral("after-hours"));
        QVERIFY(call[QStringLiteral("answered_by")].isNull());
        QVERIFY(call[QStringLiteral("menu_choice")].isNull()); // no menu: straight to voicemail
        QVERIFY(call[QStringLiteral("route")].toArray().isEmpty()); // nobody was rung
        const QJsonObject voicemail = call[QStringLiteral("voicemail")].toObject();
        QCOMPARE(voicemail[QStringLiteral("download_state")].toString(),
                 QStringLiteral("downloaded"));
        QVERIFY(voicemail[QStringLiteral("bytes")].toInteger() > 0);
        QCOMPARE(
            voicemail[QStringLiteral("transcription")].toObject(),
            (QJsonObject{{QStringLiteral("text"), QStringLiteral("Please call me back tomorrow.")},
                         {QStringLiteral("status"), QStringLiteral("completed")}}));
    }
};

QTEST_GUILESS_MAIN(TestAfterHours)
#include "TestAfterHours.moc"
