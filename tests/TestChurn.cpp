#include "ChurnRun.h"

#include <QTest>

using Switchboard::Testing::ChurnOptions;
using Switchboard::Testing::ChurnReport;
using Switchboard::Testing::ChurnRun;

// Churn under load, against the real service binary on loopback with a real SQLite log: for
// 30 s at once whole signed calls, slow clients, clients that vanish mid-body, pipelined
// webhooks, oversized and malformed heads, and floods past --max-connections. Afterwards every
// acknowledged webhook is in the log exactly once, the service answers /healthz, and its memory
// and descriptors are back near where they started. bench-churn runs the same for longer.
class TestChurn final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void churnUnderLoad()
    {
        const ChurnReport report = ChurnRun::run(ChurnOptions());
        for (const QString &line : report.figures())
            qInfo("%s", qPrintable(line));
        QVERIFY2(report.serviceGone.isEmpty(), qPrintable(report.serviceGone));
        const QStringList failures = report.failures();
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestChurn)
#include "TestChurn.moc"
