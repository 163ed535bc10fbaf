#include "ServiceHarness.h"
#include "twilio/RequestSignature.h"
#include "twilio/TwimlDocument.h"

#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

namespace {

// Open 08:00 to 17:00 every day in New York, closed on Christmas Day.
const QByteArray kFlow = R"({
  "greeting": "Welcome to Acme. Press 1.",
  "members": [{"name": "Alice", "number": "+15550100201"}],
  "hours": {
    "timezone": "America/New_York",
    "weekly": {"mon": [["08:00", "17:00"]], "tue": [["08:00", "17:00"]], "wed": [["08:00", "17:00"]],
               "thu": [["08:00", "17:00"]], "fri": [["08:00", "17:00"]], "sat": [["08:00", "17:00"]],
               "sun": [["08:00", "17:00"]]},
    "closed": ["2026-12-25"]
  },
  "after_hours_greeting": "We are closed. Please leave a message after the beep."
})";

} // namespace

// Whether a call finds the team open is judged by the service's real clock, in the flow's time
// zone: the real service runs under libfaketime at moments around New York's change to
// daylight-saving time (2026-03-08, 02:00 EST -> 03:00 EDT) and on a closed date.
class TestAfterHours final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void callFindsTheTeamOpenOrClosed_data()
    {
        QTest::addColumn<QString>("utc");
        QTest::addColumn<bool>("open");
        // 08:30 EDT: open (a fixed UTC-5 would make it 07:30, closed).
        QTest::newRow("Sunday after the change, 08:30 EDT") << "2026-03-08 12:30:00" << true;
        QTest::newRow("Sunday after the change, 07:59 EDT") << "2026-03-08 11:59:00" << false;
        // 07:30 EST: closed (a fixed UTC-4 would make it 08:30, open).
        QTest::newRow("Saturday before the change, 07:30 EST") << "2026-03-07 12:30:00" << false;
        QTest::newRow("Saturday before the change, 08:30 EST") << "2026-03-07 13:30:00" << true;
        QTest::newRow("Sunday 16:59 EDT") << "2026-03-08 20:59:00" << true;
        QTest::newRow("Sunday 17:00 EDT") << "2026-03-08 21:00:00" << false;
        QTest::newRow("Christmas Day, a Friday, 10:00 EST") << "2026-12-25 15:00:00" << false;
        QTest::newRow("the day after, 10:00 EST") << "2026-12-26 15:00:00" << true;
    }

    void callFindsTheTeamOpenOrClosed()
    {
        QFETCH(QString, utc);
        QFETCH(bool, open);
        ServiceHarness harness;
        const QString path = harness.folder() + QStringLiteral("/flow.json");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly) && file.write(kFlow) == kFlow.size());
        file.close();
        QProcess set;
        set.setProcessEnvironment(ServiceHarness::credentialsEnvironment());
        set.start(QStringLiteral(SWITCHBOARD_SERVICE_BINARY),
                  {QStringLiteral("flow"), QStringLiteral("set"), path,
                   QStringLiteral("--database"), harness.databaseUrl()});
        QVERIFY(set.waitForFinished(30000));
        QCOMPARE(set.exitCode(), 0);

        // "@": the clock starts at that moment and runs; timers keep the real monotonic clock.
        harness.setServicePrefix(
            {QStringLiteral("env"), QStringLiteral("LD_PRELOAD=" FAKETIME_LIBRARY),
             QStringLiteral("FAKETIME=@") + utc, QStringLiteral("FAKETIME_DONT_FAKE_MONOTONIC=1"),
             QStringLiteral("TZ=UTC")});
        QVERIFY2(harness.startService(), qPrintable(harness.serviceOutput()));

        const QString url = harness.serviceUrl() + QStringLiteral("/twilio/voice");
        const FormData params{
            {QStringLiteral("AccountSid"), ServiceHarness::accountSid},
            {QStringLiteral("CallSid"), QStringLiteral("CAdddddddddddddddddddddddddddddddd")},
            {QStringLiteral("CallStatus"), QStringLiteral("ringing")},
            {QStringLiteral("From"), QStringLiteral("+14155550100")},
            {QStringLiteral("To"), QStringLiteral("+14155550199")}};
        QNetworkAccessManager network;
        QNetworkRequest request{QUrl(url)};
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded"));
        request.setRawHeader(
            "X-Twilio-Signature",
            RequestSignature::compute(ServiceHarness::authToken.toUtf8(), url, params));
        QNetworkReply *reply = network.post(request, params.encode());
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        reply->deleteLater();
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const TwimlDocument document = TwimlDocument::parse(reply->readAll());
        QVERIFY2(document.isValid(), qPrintable(document.error));
        QVERIFY(!document.verbs.isEmpty());
        if (open) {
            QCOMPARE(document.verbs.first().name, QStringLiteral("Gather"));
            return;
        }
        QCOMPARE(document.verbs.first().name, QStringLiteral("Say"));
        QCOMPARE(document.verbs.first().text,
                 QStringLiteral("We are closed. Please leave a message after the beep."));
        QCOMPARE(document.verbs.at(1).name, QStringLiteral("Record"));
        // The call log keeps the service's clock: the call started at the faked moment.
        const QByteArray exported = harness.exportLog();
        QVERIFY2(exported.contains(utc.left(10).toUtf8()), exported.constData());
    }
};

QTEST_GUILESS_MAIN(TestAfterHours)
#include "TestAfterHours.moc"
