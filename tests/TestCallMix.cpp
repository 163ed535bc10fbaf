// The simulator's call mix against the real service: each branch logs the outcome the mix says
// it does (callMixOutcome), which is what bench-service checks its runs against.

#include "CallMix.h"
#include "db/CallReader.h"
#include "db/Database.h"
#include "ServiceHarness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

class TestCallMix final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyBranchLogsItsOutcome()
    {
        ServiceHarness harness;
        QVERIFY(harness.startService());
        // 150 calls of a fixed seed: enough for every branch, the rarest being 5 %.
        const auto sim = harness.runSim({QStringLiteral("--calls"), QStringLiteral("150"),
                                         QStringLiteral("--concurrency"), QStringLiteral("6"),
                                         QStringLiteral("--mix"), QStringLiteral("--seed"),
                                         QStringLiteral("7"), QStringLiteral("--json")},
                                        120000);
        QVERIFY2(sim.exitCode == 0, qPrintable(sim.output.right(2000)));

        QString error;
        Database db(*DatabaseUrl::parse(harness.databaseUrl(), &error),
                    QStringLiteral("callmix-check"));
        QVERIFY2(db.open(&error), qPrintable(error));
        CallReader reader(db);
        QSet<QString> branches;
        QStringList wrong;
        const QJsonArray calls = QJsonDocument::fromJson(sim.standardOutput).array();
        QCOMPARE(calls.size(), 150);
        for (const QJsonValue &value : calls) {
            const QString branch = value[QStringLiteral("branch")].toString();
            const QString callSid = value[QStringLiteral("call_sid")].toString();
            branches.insert(branch);
            const auto expected = callMixOutcome(branch);
            const auto call = reader.call(callSid);
            if (!expected || !call || call->outcome() != *expected)
                wrong.append(
                    QStringLiteral("%1 (%2): logged %3, the mix says %4")
                        .arg(callSid, branch,
                             call ? outcomeToString(call->outcome()) : QStringLiteral("nothing"),
                             expected ? outcomeToString(*expected)
                                      : QStringLiteral("no such branch")));
        }
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1Char('\n'))));
        const QStringList all = callMixBranches();
        QCOMPARE(branches, QSet<QString>(all.cbegin(), all.cend()));
    }
};

QTEST_GUILESS_MAIN(TestCallMix)
#include "TestCallMix.moc"
