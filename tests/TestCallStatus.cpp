#include "core/CallStatus.h"

#include <QTest>

using namespace Switchboard;

class TestCallStatus final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesRoundTrip()
    {
        for (const char *name : {"queued", "initiated", "ringing", "in-progress", "completed",
                                 "busy", "no-answer", "failed", "canceled"})
            QCOMPARE(callStatusToString(callStatusFromString(QLatin1String(name))),
                     QLatin1String(name));
        QCOMPARE(callStatusFromString(QStringLiteral("bogus")), CallStatus::Unknown);
    }

    void statusMovesForward()
    {
        QCOMPARE(advanceStatus(CallStatus::Unknown, CallStatus::Ringing), CallStatus::Ringing);
        QCOMPARE(advanceStatus(CallStatus::Ringing, CallStatus::InProgress),
                 CallStatus::InProgress);
        QCOMPARE(advanceStatus(CallStatus::InProgress, CallStatus::Completed),
                 CallStatus::Completed);
    }

    void lateEarlierStatusIsIgnored_data()
    {
        QTest::addColumn<CallStatus>("current");
        QTest::addColumn<CallStatus>("late");
        QTest::newRow("ringing after in-progress") << CallStatus::InProgress << CallStatus::Ringing;
        for (CallStatus final : {CallStatus::Completed, CallStatus::Busy, CallStatus::NoAnswer,
                                 CallStatus::Failed, CallStatus::Canceled}) {
            for (CallStatus late : {CallStatus::Queued, CallStatus::Ringing, CallStatus::InProgress,
                                    CallStatus::Unknown})
                QTest::addRow("%s after %s", qPrintable(callStatusToString(late)),
                              qPrintable(callStatusToString(final)))
                    << final << late;
        }
    }

    void lateEarlierStatusIsIgnored()
    {
        QFETCH(CallStatus, current);
        QFETCH(CallStatus, late);
        QCOMPARE(advanceStatus(current, late), current);
    }

    void firstFinalStatusWins()
    {
        QCOMPARE(advanceStatus(CallStatus::Busy, CallStatus::Completed), CallStatus::Busy);
        QCOMPARE(advanceStatus(CallStatus::Completed, CallStatus::Failed), CallStatus::Completed);
        QVERIFY(isFinal(CallStatus::Canceled));
        QVERIFY(!isFinal(CallStatus::InProgress));
    }
};

QTEST_GUILESS_MAIN(TestCallStatus)
#include "TestCallStatus.moc"
