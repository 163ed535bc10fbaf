// The simulator's call mixes against the real service: each branch logs the outcome the mix
// says it does (callMixOutcome), which is what bench-service checks its runs against; the
// team's mix, under a team's flow stored with `flow set`, is also answered by the member who
// accepts and keeps the transcription Twilio sent.

#include "CallMix.h"
#include "db/CallReader.h"
#include "db/Database.h"
#include "MediaServer.h"
#include "ServiceHarness.h"
#include "SimulatedCall.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

namespace {

constexpr int kTeamMembers = 3;

// A team of kTeamMembers, screened and transcribed, rung `ring`, as a `flow set` file.
QByteArray teamFlow(const QString &ring)
{
    QJsonArray members;
    for (int i = 0; i < kTeamMembers; ++i)
        members.append(
            QJsonObject{{QStringLiteral("name"), QStringLiteral("Member %1").arg(i + 1)},
                        {QStringLiteral("number"),
                         QStringLiteral("+155501003%1").arg(i, 2, 10, QLatin1Char('0'))}});
    return QJsonDocument(QJsonObject{{QStringLiteral("members"), members},
                                     {QStringLiteral("ring"), ring},
                                     {QStringLiteral("screening"), true},
                                     {QStringLiteral("transcribe"), true}})
        .toJson();
}

bool setFlow(const ServiceHarness &harness, const QByteArray &json)
{
    const QString path = harness.folder() + QStringLiteral("/flow.json");
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(json) < 0)
        return false;
    file.close();
    QProcess process;
    process.setProcessEnvironment(ServiceHarness::credentialsEnvironment());
    process.start(QStringLiteral(SWITCHBOARD_SERVICE_BINARY),
                  {QStringLiteral("flow"), QStringLiteral("set"), path,
                   QStringLiteral("--database"), harness.databaseUrl()});
    if (!process.waitForFinished(30000) || process.exitCode() != 0) {
        qWarning().noquote() << process.readAllStandardError();
        return false;
    }
    return true;
}

// The member the script has accept, by the flow's order; empty: none.
QString acceptingMember(const CallScript &script)
{
    for (qsizetype i = 0; i < script.legs.size(); ++i) {
        if (script.legs.at(i).behaviour == LegScript::Behaviour::Accept)
            return QStringLiteral("Member %1").arg(i + 1);
    }
    return {};
}

} // namespace

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

    void teamBranchesLogTheirOutcome_data()
    {
        QTest::addColumn<QString>("ring");
        QTest::newRow("sequential") << QStringLiteral("sequential");
        QTest::newRow("simultaneous") << QStringLiteral("simultaneous");
    }

    // The team's mix played by the simulator's calls, each member's leg as its script says,
    // against the real service on a stored team flow.
    void teamBranchesLogTheirOutcome()
    {
        QFETCH(QString, ring);
        ServiceHarness harness;
        QVERIFY(setFlow(harness, teamFlow(ring)));
        QVERIFY(harness.startService());
        MediaServer media(ServiceHarness::accountSid, ServiceHarness::authToken.toUtf8());
        QString error;
        QVERIFY2(media.listen(QHostAddress::LocalHost, harness.mediaPort(), &error),
                 qPrintable(error));

        // 80 calls of a fixed seed, four at a time: enough for every branch, the rarest 5 %.
        constexpr int kCalls = 80;
        constexpr int kAtOnce = 4;
        QRandomGenerator random(7);
        QNetworkAccessManager network;
        const QUrl service(harness.serviceUrl());
        QList<SimulatedCall *> running;
        QList<CallScript> scripts;
        QList<CallResult> results;
        while (results.size() < kCalls) {
            while (running.size() < kAtOnce && scripts.size() < kCalls) {
                CallSettings settings;
                settings.accountSid = ServiceHarness::accountSid;
                settings.authToken = ServiceHarness::authToken.toUtf8();
                settings.urls = UrlMapper({service}, service);
                settings.party = randomCaller(random, settings.party);
                scripts.append(randomTeamCallScript(random, CallScript(), kTeamMembers));
                auto *call = new SimulatedCall(int(scripts.size()), settings, scripts.last(),
                                               &network, &media, this);
                connect(call, &SimulatedCall::finished, this, [call, &running, &results] {
                    results.append(call->result());
                    running.removeOne(call);
                    call->deleteLater();
                });
                running.append(call);
                call->start();
            }
            const qsizetype done = results.size();
            QTRY_VERIFY_WITH_TIMEOUT(results.size() > done, 30000);
        }
        QVERIFY(harness.waitForDownloads(30000));

        Database db(*DatabaseUrl::parse(harness.databaseUrl(), &error),
                    QStringLiteral("callmix-team-check"));
        QVERIFY2(db.open(&error), qPrintable(error));
        CallReader reader(db);
        QSet<QString> branches;
        QStringList wrong;
        int legs = 0, transcriptions = 0;
        for (const CallResult &result : std::as_const(results)) {
            const CallScript &script = scripts.at(result.index - 1);
            branches.insert(result.branch);
            legs += int(result.legs.size());
            if (!result.transcriptionStatus.isEmpty())
                ++transcriptions;
            if (!result.ok())
                wrong.append(QStringLiteral("%1 (%2): %3")
                                 .arg(result.callSid, result.branch,
                                      result.errors.join(QStringLiteral("; "))));
            const auto expected = callMixOutcome(result.branch);
            const auto call = reader.call(result.callSid);
            const std::optional<AnsweredBy> answeredBy = call ? call->answeredBy() : std::nullopt;
            const QString answerer = answeredBy ? answeredBy->name : QString();
            if (!expected || !call || call->outcome() != *expected ||
                answerer != acceptingMember(script) ||
                call->transcription.status != result.transcriptionStatus)
                wrong.append(
                    QStringLiteral("%1 (%2): logged %3 answered by \"%4\", transcription \"%5\"; "
                                   "the script says %6 by \"%7\", transcription \"%8\"")
                        .arg(result.callSid, result.branch,
                             call ? outcomeToString(call->outcome()) : QStringLiteral("nothing"),
                             answerer, call ? call->transcription.status : QString(),
                             expected ? outcomeToString(*expected)
                                      : QStringLiteral("no such branch"),
                             acceptingMember(script), result.transcriptionStatus));
        }
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1Char('\n'))));
        const QStringList all = teamCallMixBranches();
        QCOMPARE(branches, QSet<QString>(all.cbegin(), all.cend()));
        // The mix did what it says: members' legs were played, transcriptions sent.
        QVERIFY(legs > kCalls / 2);
        QVERIFY(transcriptions > kCalls / 4);
    }
};

QTEST_GUILESS_MAIN(TestCallMix)
#include "TestCallMix.moc"
