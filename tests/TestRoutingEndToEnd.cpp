#include "db/CallReader.h"
#include "db/Database.h"
#include "ServiceHarness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

namespace {

const QString kAlice = QStringLiteral("+15550100201");
const QString kBob = QStringLiteral("+15550100202");

// One member's line of a call's route, as `export` writes it.
QJsonObject leg(const QString &name, const QString &number, const QString &result)
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("number"), number},
            {QStringLiteral("result"), result}};
}

QString text(const QJsonObject &object, const char *key)
{
    return object[QLatin1String(key)].toString();
}

// The route of a call that rang Alice, then or with Bob, each leg ending as said.
QJsonArray aliceThenBob(const QString &aliceResult, const QString &bobResult)
{
    return {leg(QStringLiteral("Alice Martin"), kAlice, aliceResult),
            leg(QStringLiteral("Bob Chen"), kBob, bobResult)};
}

// Bob as `answered_by` names him.
QJsonObject bobChen()
{
    return {{QStringLiteral("name"), QStringLiteral("Bob Chen")}, {QStringLiteral("number"), kBob}};
}

} // namespace

// Issue #19 end to end: each branch of the call flow played by the real simulator (the caller,
// and every member's phone as --legs scripts it) against the real service, whose flow is stored
// with the real `flow set`; checked in what staff read: `switchboard-service export` and the
// call log the desktop app reads. On SQLite, and on PostgreSQL as TestRoutingEndToEnd_postgres.
class TestRoutingEndToEnd final : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServiceHarness> m_harness;

    // The example flow, always open (these branches do not depend on the hour), with `changes`.
    static QJsonObject flow(const QJsonObject &changes = {})
    {
        QJsonObject flow = ServiceHarness::exampleFlow();
        flow.remove(QStringLiteral("hours"));
        for (auto it = changes.begin(); it != changes.end(); ++it)
            flow.insert(it.key(), it.value());
        return flow;
    }

    // Places one call with the simulator and returns it as `export` shows it, once its
    // voicemail (if any) is stored.
    QJsonObject placeCall(const QStringList &simArgs)
    {
        const ServiceHarness::SimResult sim = m_harness->runSim(simArgs);
        if (sim.exitCode != 0)
            qWarning().noquote() << sim.output << m_harness->serviceOutput();
        [&] { QCOMPARE(sim.exitCode, 0); }();
        [&] { QVERIFY(m_harness->waitForDownloads()); }();
        const QJsonArray calls = QJsonDocument::fromJson(m_harness->exportLog()).array();
        [&] { QCOMPARE(calls.size(), 1); }();
        return calls.isEmpty() ? QJsonObject() : calls.first().toObject();
    }

    // A caller pressing 1 (the team) while the members' phones do as `legs` scripts them.
    QJsonObject placeHuntCall(const QString &legs, const QStringList &simArgs = {})
    {
        return placeCall(QStringList{QStringLiteral("--press"), QStringLiteral("1"),
                                     QStringLiteral("--legs"), legs} +
                         simArgs);
    }

    // The stored audio of the call's voicemail, read from the log as the app plays it.
    QByteArray storedAudio(const QString &callSid)
    {
        QString error;
        static int connections = 0;
        Database db(*DatabaseUrl::parse(m_harness->databaseUrl(), &error),
                    QStringLiteral("routing-e2e-%1").arg(++connections));
        if (!db.open(&error)) {
            qWarning() << error;
            return {};
        }
        return CallReader(db).voicemailAudio(callSid);
    }

    // The call went to Switchboard's voicemail and the message is stored, whole.
    void verifyVoicemailStored(const QJsonObject &call)
    {
        QCOMPARE(text(call, "outcome"), QStringLiteral("voicemail"));
        const QJsonObject voicemail = call[QStringLiteral("voicemail")].toObject();
        QCOMPARE(text(voicemail, "download_state"), QStringLiteral("downloaded"));
        QVERIFY(voicemail[QStringLiteral("bytes")].toInteger() > 0);
        QCOMPARE(storedAudio(text(call, "call_sid")).size(),
                 voicemail[QStringLiteral("bytes")].toInteger());
    }

private Q_SLOTS:
    void init() { m_harness = std::make_unique<ServiceHarness>(); }
    void cleanup() { m_harness.reset(); }

    void simultaneousSecondMemberAccepts()
    {
        QVERIFY(m_harness->startServiceWithFlow(flow()));
        const QJsonObject call =
            placeHuntCall(QStringLiteral("Alice:decline,Bob:accept"),
                          {QStringLiteral("--answer"), QStringLiteral("talk:30")});
        QCOMPARE(text(call, "outcome"), QStringLiteral("answered"));
        QCOMPARE(call[QStringLiteral("answered_by")].toObject(), bobChen());
        QVERIFY(call[QStringLiteral("reason")].isNull());
        QCOMPARE(call[QStringLiteral("route")].toArray(),
                 aliceThenBob(QStringLiteral("declined"), QStringLiteral("accepted")));
        // Bob's leg: the whisper, then the 30 s conversation.
        QVERIFY(call[QStringLiteral("talk_duration_s")].toInt() >= 30);
        QVERIFY(call[QStringLiteral("voicemail")].isNull());
    }

    void sequentialFirstDoesNotAnswerSecondAccepts()
    {
        QVERIFY(m_harness->startServiceWithFlow(
            flow({{QStringLiteral("ring"), QStringLiteral("sequential")}})));
        const QJsonObject call =
            placeHuntCall(QStringLiteral("Alice:no-answer,Bob:accept"),
                          {QStringLiteral("--answer"), QStringLiteral("talk:30")});
        QCOMPARE(text(call, "outcome"), QStringLiteral("answered"));
        QCOMPARE(call[QStringLiteral("answered_by")].toObject(), bobChen());
        QVERIFY(call[QStringLiteral("reason")].isNull());
        QCOMPARE(call[QStringLiteral("route")].toArray(),
                 aliceThenBob(QStringLiteral("no-answer"), QStringLiteral("accepted")));
    }

    // In turn: Alice's line is busy, so Bob rings next and takes the call.
    void sequentialFirstBusySecondAccepts()
    {
        QVERIFY(m_harness->startServiceWithFlow(
            flow({{QStringLiteral("ring"), QStringLiteral("sequential")}})));
        const QJsonObject call =
            placeHuntCall(QStringLiteral("Alice:busy,Bob:accept"),
                          {QStringLiteral("--answer"), QStringLiteral("talk:30")});
        QCOMPARE(text(call, "outcome"), QStringLiteral("answered"));
        QCOMPARE(call[QStringLiteral("answered_by")].toObject(), bobChen());
        QVERIFY(call[QStringLiteral("reason")].isNull());
        QCOMPARE(call[QStringLiteral("route")].toArray(),
                 aliceThenBob(QStringLiteral("busy"), QStringLiteral("accepted")));
        QVERIFY(call[QStringLiteral("voicemail")].isNull());
    }

    // All at once: Alice's line is busy and Bob does not answer, so nobody took the call and
    // the caller leaves a message in Switchboard.
    void simultaneousBusyAndNoAnswerGoToVoicemail()
    {
        QVERIFY(m_harness->startServiceWithFlow(flow()));
        const QJsonObject call = placeHuntCall(QStringLiteral("Alice:busy,Bob:no-answer"));
        QCOMPARE(text(call, "dial_status"), QStringLiteral("no-answer"));
        verifyVoicemailStored(call);
        QVERIFY(call[QStringLiteral("answered_by")].isNull());
        QCOMPARE(text(call, "reason"), QStringLiteral("no-one-accepted"));
        QCOMPARE(call[QStringLiteral("route")].toArray(),
                 aliceThenBob(QStringLiteral("busy"), QStringLiteral("no-answer")));
    }

    // The classic failure of plain forwarding: a phone's own voicemail answers, Twilio says
    // "completed". Screened, it is not taken for an answer, and the caller leaves the message
    // in Switchboard.
    void personalVoicemailIsNotAnAnswer()
    {
        QVERIFY(m_harness->startServiceWithFlow(flow()));
        const QJsonObject call =
            placeHuntCall(QStringLiteral("Alice:voicemail,Bob:no-answer"),
                          {QStringLiteral("--voicemail-seconds"), QStringLiteral("6")});
        // What Twilio says of a <Dial> one of whose legs answered, whatever the whisper did.
        QCOMPARE(text(call, "dial_status"), QStringLiteral("completed"));
        verifyVoicemailStored(call);
        QVERIFY(call[QStringLiteral("answered_by")].isNull());
        QCOMPARE(text(call, "reason"), QStringLiteral("no-one-accepted"));
        QCOMPARE(call[QStringLiteral("route")].toArray(),
                 aliceThenBob(QStringLiteral("voicemail"), QStringLiteral("no-answer")));
        QCOMPARE(call[QStringLiteral("voicemail")].toObject()[QStringLiteral("duration_s")].toInt(),
                 6);
    }

    // In turn: Alice's voicemail picks up (Twilio: "completed"), so Bob rings and takes it.
    void sequentialPersonalVoicemailHuntsOn()
    {
        QVERIFY(m_harness->startServiceWithFlow(
            flow({{QStringLiteral("ring"), QStringLiteral("sequential")}})));
        const QJsonObject call =
            placeHuntCall(QStringLiteral("Alice:voicemail,Bob:accept"),
                          {QStringLiteral("--answer"), QStringLiteral("talk:60")});
        QCOMPARE(text(call, "outcome"), QStringLiteral("answered"));
        QCOMPARE(call[QStringLiteral("answered_by")].toObject(), bobChen());
        QCOMPARE(call[QStringLiteral("route")].toArray(),
                 aliceThenBob(QStringLiteral("voicemail"), QStringLiteral("accepted")));
        // The talk time is Bob's conversation, not the seconds Alice's voicemail ran.
        QVERIFY2(call[QStringLiteral("talk_duration_s")].toInt() >= 60,
                 qPrintable(QString::number(call[QStringLiteral("talk_duration_s")].toInt())));
        QVERIFY(call[QStringLiteral("voicemail")].isNull());
    }

    void everyoneDeclines()
    {
        QVERIFY(m_harness->startServiceWithFlow(flow()));
        const QJsonObject call = placeHuntCall(QStringLiteral("Alice:decline,Bob:decline"));
        QCOMPARE(text(call, "dial_status"), QStringLiteral("completed"));
        verifyVoicemailStored(call);
        QVERIFY(call[QStringLiteral("answered_by")].isNull());
        QCOMPARE(text(call, "reason"), QStringLiteral("declined"));
        QCOMPARE(call[QStringLiteral("route")].toArray(),
                 aliceThenBob(QStringLiteral("declined"), QStringLiteral("declined")));
    }

    void blockedCallerIsRejectedAndLogged()
    {
        QVERIFY(m_harness->startServiceWithFlow(flow()));
        const ServiceHarness::SimResult sim =
            m_harness->runSim({QStringLiteral("--from"), QStringLiteral("+15550109999"),
                               QStringLiteral("--press"), QStringLiteral("1")});
        QVERIFY2(sim.exitCode == 0, qPrintable(sim.output));
        QVERIFY2(sim.output.contains(QStringLiteral("Reject (busy)")), qPrintable(sim.output));
        const QJsonArray calls = QJsonDocument::fromJson(m_harness->exportLog()).array();
        QCOMPARE(calls.size(), 1);
        const QJsonObject call = calls.first().toObject();
        QCOMPARE(text(call, "from"), QStringLiteral("+15550109999"));
        QCOMPARE(text(call, "outcome"), QStringLiteral("blocked"));
        QCOMPARE(text(call, "reason"), QStringLiteral("blocked"));
        QVERIFY(call[QStringLiteral("menu_choice")].isNull()); // never heard the menu
        QVERIFY(call[QStringLiteral("route")].toArray().isEmpty());
        QVERIFY(call[QStringLiteral("voicemail")].isNull());
    }

    void transcriptionIsStoredWithTheVoicemail()
    {
        QVERIFY(m_harness->startServiceWithFlow(flow()));
        const QString said = QStringLiteral("Hi, this is Ada about the overdue invoice 4471.");
        const QJsonObject call = placeCall({QStringLiteral("--press"), QStringLiteral("2"),
                                            QStringLiteral("--transcription"), said});
        verifyVoicemailStored(call);
        QCOMPARE(call[QStringLiteral("voicemail")].toObject()[QStringLiteral("transcription")],
                 (QJsonObject{{QStringLiteral("text"), said},
                              {QStringLiteral("status"), QStringLiteral("completed")}}));
    }

    void failedTranscriptionSaysSo()
    {
        QVERIFY(m_harness->startServiceWithFlow(flow()));
        const QJsonObject call = placeCall({QStringLiteral("--press"), QStringLiteral("2"),
                                            QStringLiteral("--transcription-fails")});
        verifyVoicemailStored(call);
        const QJsonObject transcription = call[QStringLiteral("voicemail")]
                                              .toObject()[QStringLiteral("transcription")]
                                              .toObject();
        QCOMPARE(text(transcription, "status"), QStringLiteral("failed"));
        QCOMPARE(text(transcription, "text"), QString());
    }

    // Without "transcribe", Twilio is not asked to transcribe and nothing is stored.
    void noTranscriptionWhenTheFlowDoesNotAsk()
    {
        QVERIFY(m_harness->startServiceWithFlow(flow({{QStringLiteral("transcribe"), false}})));
        const QJsonObject call =
            placeCall({QStringLiteral("--press"), QStringLiteral("2"),
                       QStringLiteral("--transcription"), QStringLiteral("never sent")});
        verifyVoicemailStored(call);
        QVERIFY(
            call[QStringLiteral("voicemail")].toObject()[QStringLiteral("transcription")].isNull());
    }
};

QTEST_GUILESS_MAIN(TestRoutingEndToEnd)
#include "TestRoutingEndToEnd.moc"
