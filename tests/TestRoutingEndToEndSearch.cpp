#include "backend/CallLog.h"
#include "gui/details/DetailsPane.h"
#include "gui/feed/CallFeedModel.h"
#include "gui/feed/FilterBar.h"
#include "ServiceHarness.h"

#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

// Issue #19's last branch: a voicemail transcribed through the real simulator and the real
// service is found by words it contains, typed into the desktop app's search box (its
// FilterBar, wired to its feed model as the main window wires them), over the service's own
// log. On SQLite, and on PostgreSQL as TestRoutingEndToEndSearch_postgres.
class TestRoutingEndToEndSearch final : public QObject
{
    Q_OBJECT

    // The call whose voicemail was transcribed as `said`, as `export` shows it.
    static QString leaveMessage(ServiceHarness &harness, const QString &said)
    {
        return leaveMessage(harness, QStringList{QStringLiteral("--transcription"), said});
    }

    // The call whose voicemail Twilio transcribed as `transcription` (the simulator's options).
    static QString leaveMessage(ServiceHarness &harness, const QStringList &transcription)
    {
        const ServiceHarness::SimResult sim = harness.runSim(
            QStringList{QStringLiteral("--press"), QStringLiteral("2")} + transcription);
        if (sim.exitCode != 0 || !harness.waitForDownloads()) {
            qWarning().noquote() << sim.output << harness.serviceOutput();
            return {};
        }
        const QJsonArray calls = QJsonDocument::fromJson(harness.exportLog()).array();
        return calls.isEmpty() ? QString() // newest first
                               : calls.first().toObject()[QStringLiteral("call_sid")].toString();
    }

private Q_SLOTS:
    void transcriptionIsFoundByTheAppsSearch()
    {
        ServiceHarness harness;
        QJsonObject flow = ServiceHarness::exampleFlow();
        flow.remove(QStringLiteral("hours"));
        QVERIFY(harness.startServiceWithFlow(flow));
        const QString invoice = leaveMessage(
            harness, QStringLiteral("Hi, this is Ada about the overdue Invoice 4471."));
        QVERIFY(!invoice.isEmpty());
        const QString delivery =
            leaveMessage(harness, QStringLiteral("The delivery for Acme is at the back door."));
        QVERIFY(!delivery.isEmpty());
        QVERIFY(delivery != invoice);

        CallLog callLog;
        callLog.open(harness.databaseUrl());
        QTRY_VERIFY_WITH_TIMEOUT(callLog.isAvailable(), 10000);
        CallFeedModel model(&callLog);
        FilterBar filterBar;
        connect(&filterBar, &FilterBar::filterChanged, &model, &CallFeedModel::setFilter);
        model.reload();
        QCOMPARE(model.rowCount(), 2);

        QTest::keyClicks(filterBar.searchField(), QStringLiteral("invoice 4471"));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1, 10000);
        QCOMPARE(model.callAt(0).callSid, invoice);

        filterBar.searchField()->clear();
        QTest::keyClicks(filterBar.searchField(), QStringLiteral("BACK DOOR"));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount() == 1 ? model.callAt(0).callSid : QString(),
                                  delivery, 10000);

        filterBar.searchField()->clear();
        QTest::keyClicks(filterBar.searchField(), QStringLiteral("not said by anyone"));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 0, 10000);
    }

    // The details pane shows the transcription under the player, and says so when Twilio
    // could not transcribe the message.
    void detailsPaneShowsTheTranscriptionOrItsFailure()
    {
        ServiceHarness harness;
        QJsonObject flow = ServiceHarness::exampleFlow();
        flow.remove(QStringLiteral("hours"));
        QVERIFY(harness.startServiceWithFlow(flow));
        const QString said = QStringLiteral("Please call me back about the <b>boiler</b>.");
        const QString transcribed = leaveMessage(harness, said);
        QVERIFY(!transcribed.isEmpty());
        const QString failed =
            leaveMessage(harness, QStringList{QStringLiteral("--transcription-fails")});
        QVERIFY(!failed.isEmpty());
        QVERIFY(failed != transcribed);

        CallLog callLog;
        callLog.open(harness.databaseUrl());
        QTRY_VERIFY_WITH_TIMEOUT(callLog.isAvailable(), 10000);
        CallFeedModel model(&callLog);
        model.reload();
        QCOMPARE(model.rowCount(), 2);
        DetailsPane pane(&callLog);
        pane.resize(600, 800);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        auto *transcription = pane.findChild<QLabel *>(QStringLiteral("transcription"));
        QVERIFY(transcription);
        const auto show = [&](const QString &callSid) {
            for (int row = 0; row < model.rowCount(); ++row) {
                if (model.callAt(row).callSid == callSid)
                    pane.setCall(model.callAt(row));
            }
            return pane.call() ? pane.call()->callSid : QString();
        };

        QCOMPARE(show(transcribed), transcribed);
        QVERIFY(transcription->isVisible());
        QCOMPARE(transcription->text(), QStringLiteral("“%1”").arg(said));
        QCOMPARE(transcription->textFormat(), Qt::PlainText);

        QCOMPARE(show(failed), failed);
        QVERIFY(transcription->isVisible());
        QCOMPARE(transcription->text(), QStringLiteral("The transcription failed."));
    }
};

QTEST_MAIN(TestRoutingEndToEndSearch)
#include "TestRoutingEndToEndSearch.moc"
