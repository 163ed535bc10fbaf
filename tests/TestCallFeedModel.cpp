// The activity feed's model over a real SQLite log, written by another connection (and, in
// serviceCallAppearsLive, by the real service driven by the real simulator).

#include "AppTestData.h"
#include "backend/CallLog.h"
#include "db/CallFeedQuery.h"
#include "db/CallWriter.h"
#include "db/Database.h"
#include "gui/feed/CallFeedModel.h"
#include "gui/feed/FeedView.h"
#include "ServiceHarness.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Testing;

class TestCallFeedModel final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;
    QDateTime m_base;

    QString sid(int i) const { return QStringLiteral("CA%1").arg(i, 32, 10, QLatin1Char('0')); }

private Q_SLOTS:
    void init()
    {
        static int n = 0;
        m_path = m_dir.filePath(QStringLiteral("calls-%1.db").arg(++n));
        m_base = QDateTime::currentDateTimeUtc().addSecs(-3600);
    }

    // What staff check in the feed: who took a call, why one went to voicemail, and a
    // message found by what the caller said.
    void routedCallsShowWhoAnsweredAndWhy()
    {
        CallLogWriter log(m_path);
        QVERIFY(log.isOpen());
        const QDateTime now = QDateTime::currentDateTimeUtc().addSecs(-600);
        const auto inProgress = QStringLiteral("in-progress");
        // Screened: Alice's phone declines, Bob accepts.
        QVERIFY(log.ring(sid(1), now, QStringLiteral("+14155550101")));
        QVERIFY(log.press(sid(1), now.addSecs(3), QStringLiteral("1")));
        QVERIFY(log.leg(WebhookKind::ScreenResult, sid(1), sid(101), QStringLiteral("Alice Martin"),
                        QStringLiteral("+15550100201"), now.addSecs(8),
                        {{QStringLiteral("Digits"), QStringLiteral("9")},
                         {QStringLiteral("CallStatus"), inProgress}}));
        QVERIFY(log.leg(WebhookKind::ScreenResult, sid(1), sid(102), QStringLiteral("Bob Chen"),
                        QStringLiteral("+15550100202"), now.addSecs(9),
                        {{QStringLiteral("Digits"), QStringLiteral("1")},
                         {QStringLiteral("CallStatus"), inProgress}}));
        QVERIFY(log.dial(sid(1), now.addSecs(60), QStringLiteral("completed"), 50));
        // After hours, with a message that was transcribed.
        {
            // The service says why it sent the call to voicemail.
            Database raw(DatabaseUrl::sqlite(m_path), QStringLiteral("reason"));
            QString error;
            QVERIFY2(raw.open(&error), qPrintable(error));
            CallWriter writer(raw);
            Webhook voice;
            voice.kind = WebhookKind::Voice;
            voice.receivedAt = now.addSecs(99);
            voice.url = QStringLiteral("https://switchboard.test/voice?after-hours");
            voice.params = {{QStringLiteral("CallSid"), sid(2)},
                            {QStringLiteral("AccountSid"), QStringLiteral("ACtest")},
                            {QStringLiteral("From"), QStringLiteral("+14155550102")},
                            {QStringLiteral("CallStatus"), QStringLiteral("ringing")}};
            voice.reason = QStringLiteral("after-hours");
            QCOMPARE(writer.record(voice), CallWriter::Result::Recorded);
        }
        QVERIFY(log.record(sid(2), now.addSecs(130), 20));
        QVERIFY(log.webhook(WebhookKind::Transcription, sid(2), now.addSecs(140),
                            {{QStringLiteral("RecordingSid"), QStringLiteral("RE") + sid(2).mid(2)},
                             {QStringLiteral("TranscriptionStatus"), QStringLiteral("completed")},
                             {QStringLiteral("TranscriptionText"),
                              QStringLiteral("Hi, it is about the overdue Invoice 4471.")}}));

        CallLog callLog;
        callLog.open(QStringLiteral("sqlite:") + m_path);
        QTRY_VERIFY_WITH_TIMEOUT(callLog.isAvailable(), 10000);
        CallFeedModel model(&callLog);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reload();
        QCOMPARE(model.rowCount(), 2);
        const auto outcomeText = [&model](int row) {
            return model.index(row, CallFeedModel::OutcomeColumn).data().toString();
        };
        QCOMPARE(model.callAt(0).callSid, sid(2));
        QCOMPARE(outcomeText(0), QStringLiteral("Voicemail · after hours"));
        QCOMPARE(outcomeText(1), QStringLiteral("Answered · Bob Chen"));

        CallFeedFilter filter;
        filter.search = QStringLiteral("invoice");
        model.setFilter(filter);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.callAt(0).callSid, sid(2));
    }

    void lazyFetchingByPages()
    {
        CallLogWriter log(m_path);
        QVERIFY(log.isOpen());
        const int total = 5000;
        for (int i = 0; i < total; ++i)
            QVERIFY(log.ring(sid(i), m_base.addSecs(-i * 60),
                             QStringLiteral("+1503555%1").arg(i % 10000, 4, 10, QLatin1Char('0'))));

        CallLog callLog;
        callLog.open(QStringLiteral("sqlite:") + m_path);
        QTRY_VERIFY_WITH_TIMEOUT(callLog.isAvailable(), 10000);
        CallFeedModel model(&callLog);
        model.setPageSize(480);
        model.reload();
        QCOMPARE(model.rowCount(), 480);
        QVERIFY(model.canFetchMore({}));
        int pages = 1;
        while (model.canFetchMore({})) {
            const int before = model.rowCount();
            model.fetchMore({});
            QCOMPARE(model.rowCount(), qMin(total, before + 480));
            ++pages;
        }
        QCOMPARE(pages, 11); // 10 full pages of 480, then the last 200
        QCOMPARE(model.rowCount(), total);
        for (int row = 1; row < model.rowCount(); ++row)
            QVERIFY(
                CallFeedKey::of(model.callAt(row - 1)).before(CallFeedKey::of(model.callAt(row))));
        QCOMPARE(model.callAt(0).callSid, sid(0));
        QCOMPARE(model.callAt(total - 1).callSid, sid(total - 1));

        // The same under the model tester (which fetches on its own as it checks).
        CallFeedModel tested(&callLog);
        QAbstractItemModelTester tester(&tested,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        tested.setPageSize(700);
        tested.reload();
        while (tested.canFetchMore({}))
            tested.fetchMore({});
        QCOMPARE(tested.rowCount(), total);
    }

    void liveUpdatesRowByRow()
    {
        CallLogWriter log(m_path);
        for (int i = 0; i < 3; ++i)
            QVERIFY(log.answered(sid(100 + i), m_base.addSecs(-600 * (i + 1)),
                                 QStringLiteral("+15035551000")));
        CallLog callLog;
        callLog.open(QStringLiteral("sqlite:") + m_path);
        QTRY_VERIFY_WITH_TIMEOUT(callLog.isAvailable(), 10000);
        CallFeedModel model(&callLog);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reload();
        QCOMPARE(model.rowCount(), 3);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

        // A new call appears at the top at its first webhook (how fast: bench/bench-feed).
        QVERIFY(log.ring(sid(1), QDateTime::currentDateTimeUtc(), QStringLiteral("+15035559999"),
                         QStringLiteral("Ada Lovelace")));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 4, 10000);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 0);
        QCOMPARE(model.callAt(0).callSid, sid(1));
        QCOMPARE(model.callAt(0).outcome(), Outcome::InProgress);

        // It updates in place.
        QVERIFY(log.press(sid(1), QDateTime::currentDateTimeUtc(), QStringLiteral("2")));
        QVERIFY(log.record(sid(1), QDateTime::currentDateTimeUtc(), 12));
        QVERIFY(log.hangUp(sid(1), QDateTime::currentDateTimeUtc(), 20));
        QTRY_COMPARE_WITH_TIMEOUT(model.callAt(0).status, CallStatus::Completed, 10000);
        QCOMPARE(model.callAt(0).outcome(), Outcome::Voicemail);
        QCOMPARE(model.index(0, CallFeedModel::VoicemailColumn)
                     .data(CallFeedModel::UnheardRole)
                     .toBool(),
                 true);
        QVERIFY(changed.count() >= 1);
        QCOMPARE(changed.last().at(0).toModelIndex().row(), 0);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(reset.count(), 0);

        // An older call that lands inside the loaded range goes to its sorted place.
        QVERIFY(log.ring(sid(2), m_base.addSecs(-900), QStringLiteral("+15035558888")));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 5, 10000);
        QCOMPARE(model.callAt(2).callSid, sid(2));
        QCOMPARE(reset.count(), 0);
    }

    void selectionAndScrollSurviveUpdates()
    {
        CallLogWriter log(m_path);
        for (int i = 0; i < 120; ++i)
            QVERIFY(log.ring(sid(i + 10), m_base.addSecs(-i * 60), QStringLiteral("+15035551000")));
        CallLog callLog;
        callLog.open(QStringLiteral("sqlite:") + m_path);
        QTRY_VERIFY_WITH_TIMEOUT(callLog.isAvailable(), 10000);
        CallFeedModel model(&callLog);
        model.reload();
        FeedView view;
        view.resize(600, 300);
        view.setModel(&model);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.selectRow(40);
        view.scrollTo(model.index(40, 0), QAbstractItemView::PositionAtTop);
        const QString selected = model.callAt(40).callSid;
        const QString topmost = model.callFromIndex(view.indexAt(QPoint(1, 1)))->callSid;
        const int scroll = view.verticalScrollBar()->value();
        QVERIFY(scroll > 0);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

        QVERIFY(log.hangUp(sid(50), m_base.addSecs(60), 30)); // the selected call changes
        QVERIFY(log.ring(sid(1), QDateTime::currentDateTimeUtc(), QStringLiteral("+15035550001")));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 121, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(model.callAt(41).status, CallStatus::Completed, 10000);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(view.selectionModel()->selectedRows().size(), 1);
        QCOMPARE(model.callFromIndex(view.selectionModel()->selectedRows().first())->callSid,
                 selected);
        QCOMPARE(model.callFromIndex(view.currentIndex())->callSid, selected);
        // The view moved with the new row above: the same call is still at the top.
        QCOMPARE(model.callFromIndex(view.indexAt(QPoint(1, 1)))->callSid, topmost);
        QVERIFY(view.visualRect(view.currentIndex()).intersects(view.viewport()->rect()));
    }

    void filters()
    {
        CallLogWriter log(m_path);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(log.answered(sid(1), now.addSecs(-100), QStringLiteral("+15035550101"),
                             QStringLiteral("Grace Hopper")));
        QVERIFY(log.voicemail(sid(2), now.addSecs(-200), QStringLiteral("+15035550102"),
                              QStringLiteral("Alan Turing")));
        QVERIFY(log.missed(sid(3), now.addSecs(-300), QStringLiteral("+14155550103")));
        QVERIFY(log.abandoned(sid(4), now.addDays(-3), QStringLiteral("+14155550104")));
        QVERIFY(log.voicemail(sid(5), now.addDays(-10), QStringLiteral("+14155550105"),
                              QStringLiteral("Ada Lovelace")));
        QVERIFY(log.heard(sid(5), true));

        CallLog callLog;
        callLog.open(QStringLiteral("sqlite:") + m_path);
        QTRY_VERIFY_WITH_TIMEOUT(callLog.isAvailable(), 10000);
        CallFeedModel model(&callLog);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reload();
        QCOMPARE(model.rowCount(), 5);

        const auto sids = [&model] {
            QStringList list;
            for (int row = 0; row < model.rowCount(); ++row)
                list << model.callAt(row).callSid.right(1);
            return list.join(QLatin1Char(','));
        };
        CallFeedFilter filter;
        filter.outcome = Outcome::Voicemail;
        model.setFilter(filter);
        QCOMPARE(sids(), QStringLiteral("2,5"));
        filter.unheardOnly = true;
        model.setFilter(filter);
        QCOMPARE(sids(), QStringLiteral("2"));

        filter = {};
        filter.search = QStringLiteral("turing");
        model.setFilter(filter);
        QCOMPARE(sids(), QStringLiteral("2"));
        filter.search = QStringLiteral("(415) 555-01");
        model.setFilter(filter);
        QCOMPARE(sids(), QStringLiteral("3,4,5"));
        filter.search = QStringLiteral("100%_");
        model.setFilter(filter);
        QCOMPARE(model.rowCount(), 0);

        filter = {};
        filter.startedFrom = now.addDays(-5);
        filter.startedBefore = now.addDays(-1);
        model.setFilter(filter);
        QCOMPARE(sids(), QStringLiteral("4"));

        // Live: a voicemail heard elsewhere leaves the "unheard only" feed, row by row.
        filter = {};
        filter.unheardOnly = true;
        model.setFilter(filter);
        QCOMPARE(sids(), QStringLiteral("2"));
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QVERIFY(log.heard(sid(2), true));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 0, 10000);
        QCOMPARE(removed.count(), 1);
        QVERIFY(log.heard(sid(5), false));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1, 10000);
        QCOMPARE(sids(), QStringLiteral("5"));
        // A new call that does not match stays out: once a matching call committed after it
        // is in the feed, the model has read past it.
        QVERIFY(log.answered(sid(6), now.addSecs(-50), QStringLiteral("+15035550106")));
        QVERIFY(log.voicemail(sid(7), now.addSecs(-40), QStringLiteral("+15035550107")));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2, 10000);
        QCOMPARE(sids(), QStringLiteral("7,5"));
        QCOMPARE(reset.count(), 0);
    }

    void counters()
    {
        CallLogWriter log(m_path);
        const QDateTime todayNoonish = QDateTime::currentDateTime();
        QVERIFY(log.answered(sid(1), todayNoonish.addSecs(-120).toUTC(), QStringLiteral("+1")));
        QVERIFY(log.answered(sid(2), todayNoonish.addSecs(-110).toUTC(), QStringLiteral("+2")));
        QVERIFY(log.missed(sid(3), todayNoonish.addSecs(-100).toUTC(), QStringLiteral("+3")));
        QVERIFY(log.voicemail(sid(4), todayNoonish.addSecs(-90).toUTC(), QStringLiteral("+4")));
        QVERIFY(log.voicemail(sid(5), todayNoonish.addDays(-2).toUTC(), QStringLiteral("+5")));
        QVERIFY(log.missed(sid(6), todayNoonish.addDays(-2).toUTC(), QStringLiteral("+6")));
        QVERIFY(log.heard(sid(4), true));

        Database db(DatabaseUrl::sqlite(m_path), QStringLiteral("counters"));
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        CallFeedQuery query(db);
        // Count "today" from a fixed start that includes the first four calls only.
        const auto counters = query.counters(todayNoonish.addSecs(-3600));
        QVERIFY(counters);
        QCOMPARE(counters->callsToday, 4);
        QCOMPARE(counters->answeredToday, 2);
        QCOMPARE(counters->missedToday, 1);
        QCOMPARE(counters->unheardVoicemails, 1);
    }

    void serviceCallAppearsLive()
    {
        ServiceHarness harness;
        QVERIFY2(harness.startService(), qPrintable(QStringLiteral("the service did not start: ") +
                                                    harness.serviceOutput()));
        CallLog callLog;
        callLog.open(harness.databaseUrl());
        QTRY_VERIFY_WITH_TIMEOUT(callLog.isAvailable(), 10000);
        CallFeedModel model(&callLog);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reload();
        QCOMPARE(model.rowCount(), 0);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

        // The row must show up while the call is still going on: note its state when inserted.
        std::optional<CallRecord> firstSeen;
        connect(&model, &QAbstractItemModel::rowsInserted, this, [&model, &firstSeen] {
            if (!firstSeen)
                firstSeen = model.callAt(0);
        });
        QProcess *sim =
            harness.startSim({QStringLiteral("--press"), QStringLiteral("2"),
                              QStringLiteral("--voicemail-seconds"), QStringLiteral("2"),
                              // real time between webhooks, so that the feed sees each
                              QStringLiteral("--delay-ms"), QStringLiteral("400")});
        QVERIFY(sim);
        QTRY_VERIFY2_WITH_TIMEOUT(firstSeen.has_value(),
                                  "the simulated call never reached the model", 30000);
        QCOMPARE(firstSeen->outcome(), Outcome::InProgress);

        // It then updates in place until the voicemail is recorded.
        QTRY_VERIFY_WITH_TIMEOUT(
            model.callAt(0).voicemail.has_value() && isFinal(model.callAt(0).status), 60000);
        const bool finished = sim->state() == QProcess::NotRunning || sim->waitForFinished(60000);
        if (!finished || sim->exitCode() != 0)
            qWarning().noquote() << sim->readAll() << harness.serviceOutput();
        QVERIFY(finished);
        QCOMPARE(sim->exitCode(), 0);
        // The service downloads the recording: the row shows it, still without a reset.
        QTRY_COMPARE_WITH_TIMEOUT(model.callAt(0).voicemail->downloadState,
                                  DownloadState::Downloaded, 15000);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(inserted.count(), 1);
        QVERIFY(changed.count() >= 1);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(model.callAt(0).outcome(), Outcome::Voicemail);
    }
};

QTEST_MAIN(TestCallFeedModel)
#include "TestCallFeedModel.moc"
