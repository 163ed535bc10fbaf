#include "backend/CallLog.h"
#include "gui/feed/CallFeedModel.h"
#include "gui/feed/FilterBar.h"
#include "ServiceHarness.h"

#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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
        const ServiceHarness::SimResult sim =
            harness.runSim({QStringLiteral("--press"), QStringLiteral("2"),
                            QStringLiteral("--transcription"), said});
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
};

QTEST_MAIN(TestRoutingEndToEndSearch)
#include "TestRoutingEndToEndSearch.moc"
