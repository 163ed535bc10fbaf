#include "db/CallReader.h"
#include "db/Database.h"
#include "db/FlowCache.h"
#include "ServiceHarness.h"
#include "twilio/TwimlDocument.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUrlQuery>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

namespace {

const QString kCaller = QStringLiteral("+14155550100");
const QString kCallSid = QStringLiteral("CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
const QString kLegSid = QStringLiteral("CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
const QString kOtherCallSid = QStringLiteral("CAcccccccccccccccccccccccccccccccc");

// Three members, the second one away: who rings is Alice and Carol.
QJsonObject flowJson(const QString &ring, bool screening, bool transcribe = false,
                     const QString &greeting = QStringLiteral("Welcome to Acme. Press 1."))
{
    return QJsonObject{
        {QStringLiteral("greeting"), greeting},
        {QStringLiteral("members"),
         QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("Alice")},
                                {QStringLiteral("number"), QStringLiteral("+15550100201")}},
                    QJsonObject{{QStringLiteral("name"), QStringLiteral("Bob")},
                                {QStringLiteral("number"), QStringLiteral("+15550100202")},
                                {QStringLiteral("active"), false}},
                    QJsonObject{{QStringLiteral("name"), QStringLiteral("Carol")},
                                {QStringLiteral("number"), QStringLiteral("+15550100203")}}}},
        {QStringLiteral("ring"), ring},
        {QStringLiteral("ring_timeout_s"), 15},
        {QStringLiteral("screening"), screening},
        {QStringLiteral("blocked"), QJsonArray{QStringLiteral("+15550109999")}},
        {QStringLiteral("after_hours_greeting"), QStringLiteral("We are closed.")},
        {QStringLiteral("transcribe"), transcribe},
    };
}

using Answer = ServiceHarness::WebhookAnswer;

QStringList verbNames(const TwimlDocument &document)
{
    QStringList names;
    for (const TwimlVerb &verb : document.verbs)
        names.append(verb.name);
    return names;
}

} // namespace

// The call flow of issue #19 as Twilio meets it: the real service on loopback, its flow stored
// with `flow set`, every request signed; on SQLite, and on PostgreSQL as
// TestCallRouting_postgres.
class TestCallRouting final : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServiceHarness> m_harness;

    bool setFlow(const QJsonObject &flow)
    {
        QString error;
        if (m_harness->setFlow(flow, &error))
            return true;
        qWarning().noquote() << error;
        return false;
    }

    // The flow stored, then the service started on it.
    bool startWith(const QJsonObject &flow, const QStringList &args = {})
    {
        return m_harness->startServiceWithFlow(flow, args);
    }

    static Answer post(const QString &serviceUrl, const QString &pathAndQuery,
                       const FormData &params, bool sign = true)
    {
        return ServiceHarness::postWebhook(serviceUrl, pathAndQuery, params, sign);
    }

    Answer post(const QString &pathAndQuery, const FormData &params, bool sign = true)
    {
        return post(m_harness->serviceUrl(), pathAndQuery, params, sign);
    }

    static FormData callParams(const QString &from = kCaller, const QString &callSid = kCallSid)
    {
        return {{QStringLiteral("AccountSid"), ServiceHarness::accountSid},
                {QStringLiteral("CallSid"), callSid},
                {QStringLiteral("CallStatus"), QStringLiteral("in-progress")},
                {QStringLiteral("From"), from},
                {QStringLiteral("To"), QStringLiteral("+14155550199")}};
    }

    static FormData with(FormData params, const QString &name, const QString &value)
    {
        params.add(name, value);
        return params;
    }

    // A member's leg as Twilio sends it: its own CallSid, the caller's as ParentCallSid.
    static FormData legParams(const QString &parent = kCallSid, const QString &legSid = kLegSid)
    {
        return {{QStringLiteral("AccountSid"), ServiceHarness::accountSid},
                {QStringLiteral("CallSid"), legSid},
                {QStringLiteral("ParentCallSid"), parent},
                {QStringLiteral("CallStatus"), QStringLiteral("in-progress")},
                {QStringLiteral("Direction"), QStringLiteral("outbound-dial")},
                {QStringLiteral("From"), kCaller},
                {QStringLiteral("To"), QStringLiteral("+15550100201")}};
    }

    static TwimlDocument twiml(const Answer &answer)
    {
        const TwimlDocument document = TwimlDocument::parse(answer.body);
        if (!document.isValid() || answer.status != 200)
            qWarning() << answer.status << document.error << answer.body;
        return document;
    }

    TwimlDocument pressOne()
    {
        const Answer voice = post(QStringLiteral("/twilio/voice"), callParams());
        if (voice.status != 200)
            qWarning() << voice.status << voice.body;
        return twiml(post(QStringLiteral("/twilio/menu?attempt=1"),
                          with(callParams(), QStringLiteral("Digits"), QStringLiteral("1"))));
    }

    std::optional<qint64> eventCount()
    {
        QString error;
        Database db(*DatabaseUrl::parse(m_harness->databaseUrl(), &error),
                    QStringLiteral("routing-reader-%1").arg(++m_connections));
        if (!db.open(&error))
            return std::nullopt;
        return CallReader(db).eventCount();
    }
    int m_connections = 0;

    QString legUrl(const QString &kind, const QString &call, const QString &member) const
    {
        return QStringLiteral("/twilio/%1?call=%2&member=%3").arg(kind, call, member);
    }

private Q_SLOTS:
    void init() { m_harness = std::make_unique<ServiceHarness>(); }
    void cleanup() { m_harness.reset(); }

    void simultaneousRingsEveryActiveMemberWithLegCallbacks()
    {
        QVERIFY(startWith(flowJson(QStringLiteral("simultaneous"), true)));
        const TwimlDocument document = pressOne();
        QCOMPARE(verbNames(document), QStringList{QStringLiteral("Dial")});
        const TwimlVerb &dial = document.verbs.first();
        QCOMPARE(dial.attribute(QStringLiteral("action")),
                 m_harness->serviceUrl() + QStringLiteral("/twilio/dial?revision=1"));
        QCOMPARE(dial.attribute(QStringLiteral("timeout")), QStringLiteral("15"));
        // The caller hears ringing until a member accepts, not silence once a leg picks up.
        QCOMPARE(dial.attribute(QStringLiteral("answerOnBridge")), QStringLiteral("true"));
        QCOMPARE(dial.attribute(QStringLiteral("callerId")), kCaller);
        QCOMPARE(dial.children.size(), 2); // Bob is away
        const QStringList members{QStringLiteral("0"), QStringLiteral("2")};
        const QStringList numbers{QStringLiteral("+15550100201"), QStringLiteral("+15550100203")};
        for (int i = 0; i < 2; ++i) {
            const TwimlVerb &number = dial.children.at(i);
            QCOMPARE(number.name, QStringLiteral("Number"));
            QCOMPARE(number.text, numbers.at(i));
            QCOMPARE(number.attribute(QStringLiteral("statusCallback")),
                     m_harness->serviceUrl() +
                         legUrl(QStringLiteral("leg-status"), kCallSid, members.at(i)) +
                         QStringLiteral("&revision=1"));
            QCOMPARE(number.attribute(QStringLiteral("statusCallbackEvent")),
                     QStringLiteral("completed"));
            QCOMPARE(number.attribute(QStringLiteral("url")),
                     m_harness->serviceUrl() +
                         legUrl(QStringLiteral("screen"), kCallSid, members.at(i)) +
                         QStringLiteral("&revision=1"));
        }
    }

    void withoutScreeningNumbersHaveNoWhisper()
    {
        QVERIFY(startWith(flowJson(QStringLiteral("simultaneous"), false)));
        const TwimlDocument document = pressOne();
        QCOMPARE(document.verbs.first().children.size(), 2);
        QVERIFY(
            !document.verbs.first().children.first().attributes.contains(QStringLiteral("url")));
        // Answered without screening: the call is over.
        QCOMPARE(verbNames(twiml(post(QStringLiteral("/twilio/dial"),
                                      with(callParams(), QStringLiteral("DialCallStatus"),
                                           QStringLiteral("completed"))))),
                 QStringList{QStringLiteral("Hangup")});
    }

    void sequentialHuntsToTheNextMemberThenVoicemail()
    {
        QVERIFY(startWith(flowJson(QStringLiteral("sequential"), false)));
        const TwimlDocument first = pressOne();
        QCOMPARE(verbNames(first), QStringList{QStringLiteral("Dial")});
        QCOMPARE(first.verbs.first().attribute(QStringLiteral("action")),
                 m_harness->serviceUrl() + QStringLiteral("/twilio/dial?revision=1&member=0"));
        QCOMPARE(first.verbs.first().children.size(), 1);
        QCOMPARE(first.verbs.first().children.first().text, QStringLiteral("+15550100201"));

        // Alice does not answer: Carol rings (Bob is away).
        const TwimlDocument second = twiml(post(
            QStringLiteral("/twilio/dial?member=0"),
            with(callParams(), QStringLiteral("DialCallStatus"), QStringLiteral("no-answer"))));
        QCOMPARE(verbNames(second), QStringList{QStringLiteral("Dial")});
        QCOMPARE(second.verbs.first().attribute(QStringLiteral("action")),
                 m_harness->serviceUrl() + QStringLiteral("/twilio/dial?revision=1&member=2"));
        QCOMPARE(second.verbs.first().children.first().text, QStringLiteral("+15550100203"));
        // The caller hears ringing throughout the hunt, member after member.
        for (const TwimlDocument *dial : {&first, &second})
            QCOMPARE(dial->verbs.first().attribute(QStringLiteral("answerOnBridge")),
                     QStringLiteral("true"));

        // A revision with fewer members came in meanwhile: a message, not an error.
        const TwimlDocument gone = twiml(post(
            QStringLiteral("/twilio/dial?member=9"),
            with(callParams(), QStringLiteral("DialCallStatus"), QStringLiteral("no-answer"))));
        QVERIFY2(verbNames(gone).contains(QStringLiteral("Record")),
                 qPrintable(verbNames(gone).join(u' ')));

        // Nor does Carol: the caller leaves a message.
        const TwimlDocument last = twiml(
            post(QStringLiteral("/twilio/dial?member=2"),
                 with(callParams(), QStringLiteral("DialCallStatus"), QStringLiteral("busy"))));
        QVERIFY2(verbNames(last).contains(QStringLiteral("Record")),
                 qPrintable(verbNames(last).join(u' ')));
    }

    void blockedCallerIsRejectedAndLogged()
    {
        QVERIFY(startWith(flowJson(QStringLiteral("simultaneous"), false)));
        const TwimlDocument document = twiml(
            post(QStringLiteral("/twilio/voice"), callParams(QStringLiteral("+15550109999"))));
        QCOMPARE(verbNames(document), QStringList{QStringLiteral("Reject")});
        QCOMPARE(document.verbs.first().attribute(QStringLiteral("reason")),
                 QStringLiteral("busy"));
        const QJsonArray calls = QJsonDocument::fromJson(m_harness->exportLog()).array();
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls.first()[QStringLiteral("call_sid")].toString(), kCallSid);
        // Any other caller reaches the menu.
        const TwimlDocument menu =
            twiml(post(QStringLiteral("/twilio/voice"), callParams(kCaller, kOtherCallSid)));
        QCOMPARE(verbNames(menu),
                 (QStringList{QStringLiteral("Gather"), QStringLiteral("Redirect")}));
        QCOMPARE(menu.verbs.first().children.first().text,
                 QStringLiteral("Welcome to Acme. Press 1."));
    }

    void screeningWhisperAndItsResult()
    {
        QVERIFY(startWith(flowJson(QStringLiteral("simultaneous"), true)));
        pressOne();
        const TwimlDocument whisper = twiml(
            post(legUrl(QStringLiteral("screen"), kCallSid, QStringLiteral("0")),
                 with(legParams(), QStringLiteral("CallerName"), QStringLiteral("Jane <Doe>"))));
        QCOMPARE(verbNames(whisper),
                 (QStringList{QStringLiteral("Gather"), QStringLiteral("Hangup")}));
        const TwimlVerb &gather = whisper.verbs.first();
        QCOMPARE(gather.attribute(QStringLiteral("numDigits")), QStringLiteral("1"));
        QCOMPARE(gather.attribute(QStringLiteral("actionOnEmptyResult")), QStringLiteral("true"));
        QCOMPARE(gather.attribute(QStringLiteral("action")),
                 m_harness->serviceUrl() +
                     legUrl(QStringLiteral("screen-result"), kCallSid, QStringLiteral("0")) +
                     QStringLiteral("&revision=1"));
        QCOMPARE(gather.children.first().text,
                 QStringLiteral("Call from Jane <Doe>, plus one four one five five five five "
                                "zero one zero zero. Press 1 to accept."));

        // "Completed" while nobody accepted (a personal voicemail picked up): not answered.
        const FormData completed =
            with(with(callParams(), QStringLiteral("DialCallStatus"), QStringLiteral("completed")),
                 QStringLiteral("DialCallSid"), kLegSid);
        const Answer empty =
            post(legUrl(QStringLiteral("screen-result"), kCallSid, QStringLiteral("0")),
                 with(legParams(), QStringLiteral("Digits"), QString()));
        QCOMPARE(verbNames(twiml(empty)), QStringList{QStringLiteral("Hangup")});
        QVERIFY(verbNames(twiml(post(QStringLiteral("/twilio/dial"), completed)))
                    .contains(QStringLiteral("Record")));

        // Once the member pressed 1 the leg is bridged, and "completed" means answered.
        const Answer accepted =
            post(legUrl(QStringLiteral("screen-result"), kCallSid, QStringLiteral("0")),
                 with(legParams(), QStringLiteral("Digits"), QStringLiteral("1")));
        QCOMPARE(accepted.status, 200);
        QVERIFY(twiml(accepted).verbs.isEmpty());
        QCOMPARE(verbNames(twiml(post(QStringLiteral("/twilio/dial"), completed))),
                 QStringList{QStringLiteral("Hangup")});
        QCOMPARE(post(legUrl(QStringLiteral("leg-status"), kCallSid, QStringLiteral("0")),
                      with(legParams(), QStringLiteral("CallDuration"), QStringLiteral("30")))
                     .status,
                 204);
    }

    void forgedLegWebhooksAreRefusedAndChangeNothing()
    {
        QVERIFY(startWith(flowJson(QStringLiteral("simultaneous"), true)));
        pressOne();
        const std::optional<qint64> before = eventCount();
        QVERIFY(before);
        const FormData accept = with(legParams(), QStringLiteral("Digits"), QStringLiteral("1"));
        const QString member0 = QStringLiteral("0");
        // Another call's leg claiming this call, and this call's leg posted for another call.
        QCOMPARE(post(legUrl(QStringLiteral("screen-result"), kCallSid, member0),
                      with(legParams(kOtherCallSid), QStringLiteral("Digits"), QStringLiteral("1")))
                     .status,
                 403);
        QCOMPARE(
            post(legUrl(QStringLiteral("screen-result"), kOtherCallSid, member0), accept).status,
            403);
        // A member the flow does not have, or not a number.
        for (const char *member : {"3", "-1", "99999", "1e1", "", "0&member=1"})
            QCOMPARE(post(legUrl(QStringLiteral("screen"), kCallSid, QLatin1String(member)), accept)
                         .status,
                     403);
        QCOMPARE(post(QStringLiteral("/twilio/dial?member=x7"),
                      with(callParams(), QStringLiteral("DialCallStatus"), QStringLiteral("busy")))
                     .status,
                 403);
        // A call that was never forwarded (no such call in the log).
        QCOMPARE(post(legUrl(QStringLiteral("screen-result"), kOtherCallSid, member0),
                      with(legParams(kOtherCallSid), QStringLiteral("Digits"), QStringLiteral("1")))
                     .status,
                 403);
        // A call that is no call SID, no call at all, or the leg itself.
        QCOMPARE(post(legUrl(QStringLiteral("leg-status"), QStringLiteral("CA123"), member0),
                      legParams(QStringLiteral("CA123")))
                     .status,
                 403);
        QCOMPARE(post(QStringLiteral("/twilio/leg-status?member=0"), legParams()).status, 403);
        QCOMPARE(
            post(legUrl(QStringLiteral("screen"), kLegSid, member0), legParams(kLegSid, kLegSid))
                .status,
            403);
        // Unsigned.
        QCOMPARE(
            post(legUrl(QStringLiteral("screen-result"), kCallSid, member0), accept, false).status,
            403);
        QCOMPARE(eventCount(), before);
        // None of them made the call answered.
        QVERIFY(verbNames(twiml(post(QStringLiteral("/twilio/dial"),
                                     with(with(callParams(), QStringLiteral("DialCallStatus"),
                                               QStringLiteral("completed")),
                                          QStringLiteral("DialCallSid"), kLegSid))))
                    .contains(QStringLiteral("Record")));
    }

    void transcribedVoicemail()
    {
        QVERIFY(startWith(flowJson(QStringLiteral("simultaneous"), false, true)));
        post(QStringLiteral("/twilio/voice"), callParams());
        const TwimlDocument document =
            twiml(post(QStringLiteral("/twilio/menu?attempt=1"),
                       with(callParams(), QStringLiteral("Digits"), QStringLiteral("2"))));
        const auto record =
            std::find_if(document.verbs.cbegin(), document.verbs.cend(), [](const TwimlVerb &verb) {
                return verb.name == QLatin1String("Record");
            });
        QVERIFY(record != document.verbs.cend());
        QCOMPARE(record->attribute(QStringLiteral("transcribe")), QStringLiteral("true"));
        QCOMPARE(record->attribute(QStringLiteral("transcribeCallback")),
                 m_harness->serviceUrl() + QStringLiteral("/twilio/transcription"));

        const std::optional<qint64> before = eventCount();
        FormData transcription = callParams();
        transcription.add(QStringLiteral("RecordingSid"),
                          QStringLiteral("RE0123456789abcdef0123456789abcdef"));
        transcription.add(QStringLiteral("TranscriptionSid"),
                          QStringLiteral("TR0123456789abcdef0123456789abcdef"));
        transcription.add(QStringLiteral("TranscriptionText"), QStringLiteral("Call me back."));
        transcription.add(QStringLiteral("TranscriptionStatus"), QStringLiteral("completed"));
        QCOMPARE(post(QStringLiteral("/twilio/transcription"), transcription).status, 204);
        QCOMPARE(eventCount(), *before + 1);
    }

    // `flow set` on one instance's database reaches another running instance's next call,
    // without a restart (on PostgreSQL through NOTIFY, on SQLite through its poll).
    void aFlowChangeReachesTheNextCallWithoutRestart()
    {
        QVERIFY(startWith(flowJson(QStringLiteral("simultaneous"), false)));
        const QString other = m_harness->startAnotherService();
        QVERIFY2(!other.isEmpty(), qPrintable(m_harness->serviceOutput()));
        const auto greeting = [&other](const QString &callSid) {
            const Answer answer =
                post(other, QStringLiteral("/twilio/voice"), callParams(kCaller, callSid));
            const TwimlDocument document = TwimlDocument::parse(answer.body);
            return document.verbs.isEmpty() || document.verbs.first().children.isEmpty()
                       ? QString()
                       : document.verbs.first().children.first().text;
        };
        QCOMPARE(greeting(kCallSid), QStringLiteral("Welcome to Acme. Press 1."));
        QVERIFY(setFlow(flowJson(QStringLiteral("simultaneous"), false, false,
                                 QStringLiteral("New hours from Monday. Press 1."))));
        int call = 0;
        QTRY_COMPARE_WITH_TIMEOUT(
            greeting(QStringLiteral("CA%1").arg(++call, 32, 10, QLatin1Char('0'))),
            QStringLiteral("New hours from Monday. Press 1."), 10000);
    }

    // A sequential hunt goes on with the members it was routed to: a flow stored while the
    // first member rang (other members, in another order) changes whom the next call rings,
    // not whom this one does.
    void aSequentialHuntKeepsTheRevisionItStartedWith()
    {
        QVERIFY(startWith(flowJson(QStringLiteral("sequential"), false)));
        const TwimlDocument first = pressOne();
        QCOMPARE(verbNames(first), QStringList{QStringLiteral("Dial")});
        QCOMPARE(first.verbs.first().children.first().text, QStringLiteral("+15550100201"));
        const QString action = first.verbs.first().attribute(QStringLiteral("action"));
        QVERIFY2(action.startsWith(m_harness->serviceUrl()), qPrintable(action));

        // While Alice rings, the team becomes Zoe then Yann; new calls ring Zoe first.
        QVERIFY(setFlow(QJsonDocument::fromJson(R"({"members": [
                            {"name": "Zoe", "number": "+15550100209"},
                            {"name": "Yann", "number": "+15550100208"}],
                            "ring": "sequential"})")
                            .object()));
        const auto firstRung = [this](const QString &callSid) {
            post(QStringLiteral("/twilio/voice"), callParams(kCaller, callSid));
            const TwimlDocument dial = twiml(post(
                QStringLiteral("/twilio/menu?attempt=1"),
                with(callParams(kCaller, callSid), QStringLiteral("Digits"), QStringLiteral("1"))));
            return dial.verbs.isEmpty() || dial.verbs.first().children.isEmpty()
                       ? QString()
                       : dial.verbs.first().children.first().text;
        };
        int call = 0;
        QTRY_COMPARE_WITH_TIMEOUT(
            firstRung(QStringLiteral("CA%1").arg(++call, 32, 10, QLatin1Char('0'))),
            QStringLiteral("+15550100209"), 10000);

        // Alice did not answer: the call's own flow goes on with Carol (Bob is away) ...
        const FormData noAnswer =
            with(callParams(), QStringLiteral("DialCallStatus"), QStringLiteral("no-answer"));
        const TwimlDocument second =
            twiml(post(action.mid(m_harness->serviceUrl().size()), noAnswer));
        QCOMPARE(verbNames(second), QStringList{QStringLiteral("Dial")});
        QCOMPARE(second.verbs.first().children.size(), 1);
        QCOMPARE(second.verbs.first().children.first().text, QStringLiteral("+15550100203"));
        const QString next = second.verbs.first().attribute(QStringLiteral("action"));
        QCOMPARE(next,
                 m_harness->serviceUrl() + QStringLiteral("/twilio/dial?revision=1&member=2"));

        // ... and after Carol, who was its last, to the voicemail.
        const TwimlDocument last = twiml(post(next.mid(m_harness->serviceUrl().size()), noAnswer));
        QVERIFY2(verbNames(last).contains(QStringLiteral("Record")) &&
                     !verbNames(last).contains(QStringLiteral("Dial")),
                 qPrintable(verbNames(last).join(u' ')));
    }

    // The revision in a signed URL may be gone (pushed out by newer ones, or from a database
    // restored since), or name a member it does not have: the caller leaves a message, and a
    // member's leg that names it is refused and recorded nowhere.
    void aHuntWhoseRevisionIsGoneEndsAtTheVoicemail()
    {
        QVERIFY(startWith(flowJson(QStringLiteral("sequential"), true)));
        QCOMPARE(verbNames(pressOne()), QStringList{QStringLiteral("Dial")});
        const FormData noAnswer =
            with(callParams(), QStringLiteral("DialCallStatus"), QStringLiteral("no-answer"));
        const auto toVoicemail = [&](const QString &query) {
            const Answer answer = post(QStringLiteral("/twilio/dial?") + query, noAnswer);
            const QStringList verbs = verbNames(twiml(answer));
            if (answer.status == 200 && verbs.contains(QStringLiteral("Record")) &&
                !verbs.contains(QStringLiteral("Dial")))
                return true;
            qWarning().noquote() << query << answer.status << answer.body;
            return false;
        };
        for (const char *query :
             {"revision=99&member=0", "revision=1&member=7", "revision=0&member=0",
              "revision=-1&member=0", "revision=x&member=0", "revision=1&revision=1&member=0",
              "revision=99999999999999999999&member=0"})
            QVERIFY(toVoicemail(QLatin1String(query)));

        const std::optional<qint64> before = eventCount();
        QVERIFY(before);
        const QString gone = QStringLiteral("&revision=99");
        QCOMPARE(post(legUrl(QStringLiteral("screen"), kCallSid, QStringLiteral("0")) + gone,
                      legParams())
                     .status,
                 403);
        QCOMPARE(post(legUrl(QStringLiteral("screen-result"), kCallSid, QStringLiteral("0")) + gone,
                      with(legParams(), QStringLiteral("Digits"), QStringLiteral("1")))
                     .status,
                 403);
        QCOMPARE(post(legUrl(QStringLiteral("screen"), kCallSid, QStringLiteral("3")) +
                          QStringLiteral("&revision=1"),
                      legParams())
                     .status,
                 403);
        QCOMPARE(eventCount(), before);

        // The service keeps the newest FlowCache::kKeptRevisions revisions: that many changes
        // later revision 1 is gone, revision 2 the oldest still at hand.
        for (int i = 2; i <= 1 + FlowCache::kKeptRevisions; ++i)
            QVERIFY(setFlow(flowJson(QStringLiteral("sequential"), true, false,
                                     QStringLiteral("Change %1. Press 1.").arg(i))));
        const auto greeting = [this](const QString &callSid) {
            const TwimlDocument menu =
                twiml(post(QStringLiteral("/twilio/voice"), callParams(kCaller, callSid)));
            return menu.verbs.isEmpty() || menu.verbs.first().children.isEmpty()
                       ? QString()
                       : menu.verbs.first().children.first().text;
        };
        int call = 0;
        QTRY_COMPARE_WITH_TIMEOUT(
            greeting(QStringLiteral("CA%1").arg(++call, 32, 10, QLatin1Char('0'))),
            QStringLiteral("Change %1. Press 1.").arg(1 + FlowCache::kKeptRevisions), 10000);
        const TwimlDocument kept =
            twiml(post(QStringLiteral("/twilio/dial?revision=2&member=0"), noAnswer));
        QCOMPARE(verbNames(kept), QStringList{QStringLiteral("Dial")});
        QCOMPARE(kept.verbs.first().children.first().text, QStringLiteral("+15550100203"));
        QVERIFY(toVoicemail(QStringLiteral("revision=1&member=0")));
    }
};

QTEST_GUILESS_MAIN(TestCallRouting)
#include "TestCallRouting.moc"
