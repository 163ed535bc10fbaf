#include "db/CallReader.h"
#include "db/CallWriter.h"
#include "db/Database.h"
#include "ServiceHarness.h"

#include <QSqlQuery>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

namespace {

const QString kCall = QStringLiteral("CA00000000000000000000000000000001");

Webhook webhook(WebhookKind kind, const QString &url, FormData params)
{
    params.set(QStringLiteral("CallSid"), kCall);
    params.set(QStringLiteral("AccountSid"), QStringLiteral("AC0123456789abcdef0123456789abcdef"));
    params.set(QStringLiteral("From"), QStringLiteral("+14155550100"));
    Webhook w;
    w.kind = kind;
    w.url = url;
    w.receivedAt = QDateTime::currentDateTimeUtc();
    w.params = params;
    return w;
}

const QString kAliceLeg = QStringLiteral("CA0000000000000000000000000000a001");
const QString kBobLeg = QStringLiteral("CA0000000000000000000000000000b002");

// A webhook on a member's leg: its own CallSid, the caller's call as ParentCallSid.
Webhook legWebhook(WebhookKind kind, const QString &legSid, const QString &name,
                   const QString &number, FormData params)
{
    Webhook w = webhook(
        kind,
        QStringLiteral("https://x.test/twilio/%1?call=%2").arg(webhookKindToString(kind), kCall),
        params);
    w.params.set(QStringLiteral("CallSid"), legSid);
    w.params.set(QStringLiteral("ParentCallSid"), kCall);
    w.params.set(QStringLiteral("To"), number);
    w.memberName = name;
    return w;
}

} // namespace

class TestCallWriter final : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServiceHarness> m_harness; // a database of its own for each test
    std::unique_ptr<Database> m_db;
    std::unique_ptr<CallWriter> m_writer;

    int count(const QString &sql)
    {
        QSqlQuery query(m_db->connection());
        return query.exec(sql) && query.next() ? query.value(0).toInt() : -1;
    }

private Q_SLOTS:
    void init()
    {
        m_harness = std::make_unique<ServiceHarness>();
        QString error;
        m_db = m_harness->openDatabase(QStringLiteral("writer"), ServiceHarness::Schema::Migrated,
                                       &error);
        QVERIFY2(m_db, qPrintable(error));
        m_writer = std::make_unique<CallWriter>(*m_db);
    }

    void cleanup()
    {
        m_writer.reset();
        m_db.reset();
        m_harness.reset();
    }

    void retriedWebhookIsRecordedOnce()
    {
        const Webhook voice =
            webhook(WebhookKind::Voice, QStringLiteral("https://x.test/twilio/voice"),
                    {{QStringLiteral("CallStatus"), QStringLiteral("ringing")}});
        QCOMPARE(m_writer->record(voice), CallWriter::Result::Recorded);
        QCOMPARE(m_writer->record(voice), CallWriter::Result::Duplicate);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM calls")), 1);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM call_events")), 1);
    }

    void sameParametersOnAnotherUrlAreAnotherEvent()
    {
        const FormData silence{{QStringLiteral("CallStatus"), QStringLiteral("in-progress")}};
        QCOMPARE(m_writer->record(webhook(WebhookKind::Menu,
                                          QStringLiteral("https://x.test/twilio/menu?attempt=1"),
                                          silence)),
                 CallWriter::Result::Recorded);
        QCOMPARE(m_writer->record(webhook(WebhookKind::Menu,
                                          QStringLiteral("https://x.test/twilio/menu?attempt=2"),
                                          silence)),
                 CallWriter::Result::Recorded);
        CallReader reader(*m_db);
        QCOMPARE(reader.timeline(kCall).size(), 2);
    }

    void finalStatusSurvivesLateCallbacks()
    {
        const QString url = QStringLiteral("https://x.test/twilio/status");
        m_writer->record(webhook(WebhookKind::Voice, QStringLiteral("https://x.test/twilio/voice"),
                                 {{QStringLiteral("CallStatus"), QStringLiteral("ringing")}}));
        m_writer->record(webhook(WebhookKind::Status, url,
                                 {{QStringLiteral("CallStatus"), QStringLiteral("completed")},
                                  {QStringLiteral("CallDuration"), QStringLiteral("12")},
                                  {QStringLiteral("SequenceNumber"), QStringLiteral("2")}}));
        m_writer->record(webhook(WebhookKind::Status, url,
                                 {{QStringLiteral("CallStatus"), QStringLiteral("in-progress")},
                                  {QStringLiteral("SequenceNumber"), QStringLiteral("1")}}));
        CallReader reader(*m_db);
        const auto call = reader.call(kCall);
        QVERIFY(call);
        QCOMPARE(call->status, CallStatus::Completed);
        QCOMPARE(call->durationS, std::optional<int>(12));
        QCOMPARE(call->outcome(), Outcome::Abandoned);
        QCOMPARE(reader.timeline(kCall).size(), 3);
    }

    void batchIsRecordedInOrderInOneTransaction()
    {
        const Webhook voice =
            webhook(WebhookKind::Voice, QStringLiteral("https://x.test/twilio/voice"),
                    {{QStringLiteral("CallStatus"), QStringLiteral("ringing")}});
        const Webhook menu =
            webhook(WebhookKind::Menu, QStringLiteral("https://x.test/twilio/menu?attempt=1"),
                    {{QStringLiteral("CallStatus"), QStringLiteral("in-progress")},
                     {QStringLiteral("Digits"), QStringLiteral("2")}});
        const Webhook completed =
            webhook(WebhookKind::Status, QStringLiteral("https://x.test/twilio/status"),
                    {{QStringLiteral("CallStatus"), QStringLiteral("completed")},
                     {QStringLiteral("CallDuration"), QStringLiteral("30")}});
        QList<CallWriter::Result> results;
        QVERIFY(m_writer->recordAll({CallWriter::event(voice), CallWriter::event(menu),
                                     CallWriter::event(voice), CallWriter::event(completed)},
                                    &results));
        using R = CallWriter::Result;
        QCOMPARE(results, (QList<R>{R::Recorded, R::Recorded, R::Duplicate, R::Recorded}));
        CallReader reader(*m_db);
        const auto call = reader.call(kCall);
        QVERIFY(call);
        QCOMPARE(call->menuChoice, MenuChoice::Voicemail);
        QCOMPARE(call->status, CallStatus::Completed);
        QCOMPARE(call->durationS, std::optional<int>(30));
        QCOMPARE(reader.timeline(kCall).size(), 3);
    }

    void failedBatchWritesNothing()
    {
        const Webhook voice =
            webhook(WebhookKind::Voice, QStringLiteral("https://x.test/twilio/voice"),
                    {{QStringLiteral("CallStatus"), QStringLiteral("ringing")}});
        Webhook other = voice;
        other.params.set(QStringLiteral("CallSid"),
                         QStringLiteral("CA00000000000000000000000000000002"));
        // The database refuses the second call's event, after the first call was written.
        QSqlQuery trigger(m_db->connection());
        if (m_db->dialect().isSqlite()) {
            QVERIFY(trigger.exec(QStringLiteral(
                "CREATE TRIGGER refuse BEFORE INSERT ON call_events WHEN NEW.call_sid = "
                "'CA00000000000000000000000000000002' BEGIN SELECT RAISE(ABORT, 'refused'); END")));
        } else {
            QVERIFY(trigger.exec(QStringLiteral(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF"
                " NEW.call_sid = 'CA00000000000000000000000000000002' THEN RAISE EXCEPTION"
                " 'refused'; END IF; RETURN NEW; END $$")));
            QVERIFY(trigger.exec(QStringLiteral("CREATE TRIGGER refuse BEFORE INSERT ON call_events"
                                                " FOR EACH ROW EXECUTE FUNCTION refuse()")));
        }
        QList<CallWriter::Result> results;
        QVERIFY(
            !m_writer->recordAll({CallWriter::event(voice), CallWriter::event(other)}, &results));
        QVERIFY(m_writer->lastError().contains(QStringLiteral("refused")));
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM calls")), 0);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM call_events")), 0);
        // The writer is usable afterwards.
        QCOMPARE(m_writer->record(voice), CallWriter::Result::Recorded);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM calls")), 1);
    }

    void revisionGrowsWithEveryChange()
    {
        m_writer->record(webhook(WebhookKind::Voice, QStringLiteral("https://x.test/twilio/voice"),
                                 {{QStringLiteral("CallStatus"), QStringLiteral("ringing")}}));
        CallReader reader(*m_db);
        const qint64 first = reader.call(kCall)->revision;
        QVERIFY(first > 0);
        m_writer->record(webhook(WebhookKind::Status,
                                 QStringLiteral("https://x.test/twilio/status"),
                                 {{QStringLiteral("CallStatus"), QStringLiteral("completed")}}));
        QVERIFY(reader.call(kCall)->revision > first);
    }

    // The feed reads changes in revision order, a page at a time: calls written by one batch
    // must not share a revision, or a page ending inside the group would skip the rest.
    void batchGivesEachCallItsOwnRevision()
    {
        m_writer->record(webhook(WebhookKind::Voice, QStringLiteral("https://x.test/twilio/voice"),
                                 {{QStringLiteral("CallStatus"), QStringLiteral("ringing")}}));
        const qint64 earlier = CallReader(*m_db).call(kCall)->revision;
        QList<CallWriter::Event> events;
        QStringList callSids;
        for (int i = 0; i < 5; ++i) {
            const QString callSid = QStringLiteral("CB%1").arg(i, 32, 10, QLatin1Char('0'));
            callSids.append(callSid);
            Webhook voice =
                webhook(WebhookKind::Voice, QStringLiteral("https://x.test/twilio/voice"),
                        {{QStringLiteral("CallStatus"), QStringLiteral("ringing")}});
            voice.params.set(QStringLiteral("CallSid"), callSid);
            events.append(CallWriter::event(voice));
        }
        QList<CallWriter::Result> results;
        QVERIFY2(m_writer->recordAll(events, &results), qPrintable(m_writer->lastError()));
        QCOMPARE(results.count(CallWriter::Result::Recorded), 5);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(DISTINCT revision) FROM calls")), 6);
        // And all above the earlier one.
        QCOMPARE(
            count(QStringLiteral("SELECT COUNT(*) FROM calls WHERE revision > %1").arg(earlier)),
            5);
    }

    // A screened call, one webhook per transaction as the service records them: each
    // write reads back what the ones before stored.
    void routedCallIsStoredAndReadBack()
    {
        const QString alice = QStringLiteral("+15550100201");
        const QString bob = QStringLiteral("+15550100202");
        const auto inProgress = QStringLiteral("in-progress");
        const QList<Webhook> webhooks{
            webhook(WebhookKind::Voice, QStringLiteral("https://x.test/twilio/voice"),
                    {{QStringLiteral("CallStatus"), QStringLiteral("ringing")}}),
            webhook(WebhookKind::Menu, QStringLiteral("https://x.test/twilio/menu"),
                    {{QStringLiteral("CallStatus"), inProgress},
                     {QStringLiteral("Digits"), QStringLiteral("1")}}),
            legWebhook(WebhookKind::Screen, kAliceLeg, QStringLiteral("Alice Martin"), alice,
                       {{QStringLiteral("CallStatus"), inProgress}}),
            legWebhook(WebhookKind::ScreenResult, kAliceLeg, QStringLiteral("Alice Martin"), alice,
                       {{QStringLiteral("CallStatus"), inProgress},
                        {QStringLiteral("Digits"), QStringLiteral("9")}}),
            legWebhook(WebhookKind::LegStatus, kAliceLeg, QStringLiteral("Alice Martin"), alice,
                       {{QStringLiteral("CallStatus"), QStringLiteral("completed")},
                        {QStringLiteral("CallDuration"), QStringLiteral("4")}}),
            legWebhook(WebhookKind::Screen, kBobLeg, QStringLiteral("Bob Chen"), bob,
                       {{QStringLiteral("CallStatus"), inProgress}}),
            legWebhook(WebhookKind::ScreenResult, kBobLeg, QStringLiteral("Bob Chen"), bob,
                       {{QStringLiteral("CallStatus"), inProgress},
                        {QStringLiteral("Digits"), QStringLiteral("1")}}),
            webhook(WebhookKind::Dial, QStringLiteral("https://x.test/twilio/dial"),
                    {{QStringLiteral("CallStatus"), inProgress},
                     {QStringLiteral("DialCallStatus"), QStringLiteral("completed")},
                     {QStringLiteral("DialCallDuration"), QStringLiteral("30")}}),
        };
        for (const Webhook &w : webhooks)
            QCOMPARE(m_writer->record(w), CallWriter::Result::Recorded);

        CallReader reader(*m_db);
        const auto call = reader.call(kCall);
        QVERIFY(call);
        QCOMPARE(call->outcome(), Outcome::Answered);
        QVERIFY(call->answeredBy());
        QCOMPARE(call->answeredBy()->name, QStringLiteral("Bob Chen"));
        QCOMPARE(call->answeredBy()->number, bob);
        QCOMPARE(call->route.size(), 2);
        QCOMPARE(call->route.at(0).result(true), LegResult::Declined);
        QCOMPARE(call->route.at(1).result(true), LegResult::Accepted);
        QCOMPARE(call->route.at(0).name, QStringLiteral("Alice Martin"));
        // The legs are the caller's call's timeline, not calls of their own.
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM calls")), 1);
        QCOMPARE(reader.timeline(kCall).size(), webhooks.size());
        // What other readers of the log (SQL, reports) see.
        QSqlQuery row(m_db->connection());
        QVERIFY(row.exec(QStringLiteral(
                    "SELECT answered_by_name, answered_by_number, reason, outcome FROM calls")) &&
                row.next());
        QCOMPARE(row.value(0).toString(), QStringLiteral("Bob Chen"));
        QCOMPARE(row.value(1).toString(), bob);
        QCOMPARE(row.value(2).toString(), QString());
        QCOMPARE(row.value(3).toString(), QStringLiteral("answered"));
    }

    void reasonsAndTranscriptionAreStored()
    {
        Webhook blocked = webhook(WebhookKind::Voice, QStringLiteral("https://x.test/twilio/voice"),
                                  {{QStringLiteral("CallStatus"), QStringLiteral("ringing")}});
        blocked.reason = QStringLiteral("blocked");
        QCOMPARE(m_writer->record(blocked), CallWriter::Result::Recorded);
        CallReader reader(*m_db);
        QCOMPARE(reader.call(kCall)->outcome(), Outcome::Blocked);
        QCOMPARE(reader.call(kCall)->reason(), CallReason::Blocked);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM calls WHERE reason = 'blocked' AND"
                                      " outcome = 'blocked'")),
                 1);

        // The transcription overtakes its recording: it is kept and shown with it.
        const QString recordingSid = QStringLiteral("RE0123456789abcdef0123456789abcdef");
        QCOMPARE(
            m_writer->record(webhook(
                WebhookKind::Transcription, QStringLiteral("https://x.test/twilio/transcription"),
                {{QStringLiteral("RecordingSid"), recordingSid},
                 {QStringLiteral("TranscriptionStatus"), QStringLiteral("completed")},
                 {QStringLiteral("TranscriptionText"), QStringLiteral("Please call back")}})),
            CallWriter::Result::Recorded);
        QVERIFY(!reader.call(kCall)->voicemailTranscription());
        QCOMPARE(m_writer->record(webhook(
                     WebhookKind::Recording, QStringLiteral("https://x.test/twilio/recording"),
                     {{QStringLiteral("RecordingSid"), recordingSid},
                      {QStringLiteral("RecordingUrl"), QStringLiteral("https://x.test/r")},
                      {QStringLiteral("RecordingDuration"), QStringLiteral("6")}})),
                 CallWriter::Result::Recorded);
        const auto transcription = reader.call(kCall)->voicemailTranscription();
        QVERIFY(transcription);
        QCOMPARE(transcription->text, QStringLiteral("Please call back"));
        QCOMPARE(transcription->status, QStringLiteral("completed"));
    }

    // Whoever can write the database can write anything in these columns.
    void hostileRoutingColumnsAreBounded()
    {
        m_writer->record(webhook(WebhookKind::Voice, QStringLiteral("https://x.test/twilio/voice"),
                                 {{QStringLiteral("CallStatus"), QStringLiteral("ringing")}}));
        QSqlQuery update(m_db->connection());
        update.prepare(QStringLiteral(
            "UPDATE calls SET route = ?, reason = 'no such reason', transcription_text = ?,"
            " transcription_status = 'completed', transcription_recording_sid = 'RE1'"));
        QString route = QStringLiteral("[");
        for (int i = 0; i < 50; ++i)
            route += QStringLiteral("{\"sid\": \"CA%1\", \"name\": \"<b>x</b>\"},").arg(i);
        route.chop(1);
        update.addBindValue(QString(route + QLatin1Char(']')));
        update.addBindValue(QString(kMaxTranscriptionChars * 3, QLatin1Char('w')));
        QVERIFY(update.exec());
        const auto call = CallReader(*m_db).call(kCall);
        QVERIFY(call);
        QCOMPARE(call->route.size(), kMaxRouteLegs);
        QCOMPARE(call->reason(), CallReason::None);
        QCOMPARE(call->transcription.text.size(), kMaxTranscriptionChars);
        QVERIFY(update.exec(QStringLiteral("UPDATE calls SET route = 'garbage',"
                                           " transcription_status = 'whatever'")));
        QVERIFY(CallReader(*m_db).call(kCall)->route.isEmpty());
        QVERIFY(CallReader(*m_db).call(kCall)->transcription.isEmpty());
    }

    // The timeline keeps each webhook's parameters as they came, whatever they hold; rows an
    // earlier version wrote (a JSON array of pairs) still read.
    void timelineKeepsTheParametersAsSent()
    {
        const Webhook voice =
            webhook(WebhookKind::Voice, QStringLiteral("https://x.test/twilio/voice"),
                    {{QStringLiteral("CallStatus"), QStringLiteral("ringing")},
                     {QStringLiteral("CallerName"), QStringLiteral("Zoë & Co = 1+1 %20")},
                     {QStringLiteral("Empty"), QString()}});
        QCOMPARE(m_writer->record(voice), CallWriter::Result::Recorded);
        QSqlQuery legacy(m_db->connection());
        QVERIFY(legacy.exec(
            QStringLiteral(
                "INSERT INTO call_events (call_sid, received_at, kind, call_status, digest, params)"
                " VALUES ('%1', 0, 'status', 'completed', 'legacy',"
                " '[[\"CallStatus\",\"completed\"],[\"CallerName\",\"Zoë\"]]')")
                .arg(kCall)));

        const QList<CallEvent> timeline = CallReader(*m_db).timeline(kCall);
        QCOMPARE(timeline.size(), 2); // the earlier row first (received at 0)
        QCOMPARE(timeline.at(1).params.items(), voice.params.items());
        QCOMPARE(timeline.at(0).params.value(QStringLiteral("CallerName")), QStringLiteral("Zoë"));
        QCOMPARE(timeline.at(0).params.value(QStringLiteral("CallStatus")),
                 QStringLiteral("completed"));
    }

    // A webhook from the service keeps its body as Twilio sent it ('+' for a space, raw UTF-8,
    // any order); the timeline reads back the same parameters.
    void timelineKeepsTheBodyAsSent()
    {
        Webhook status =
            webhook(WebhookKind::Status, QStringLiteral("https://x.test/twilio/status"), {});
        status.body = "CallStatus=completed&CallerName=Zo\xc3\xab+%26+Co+%3D+1%2B1&CallSid=" +
                      kCall.toLatin1() +
                      "&AccountSid=AC0123456789abcdef0123456789abcdef&From=%2B14155550100&Empty=";
        QString problem;
        const auto params = FormData::decodeStrict(status.body, &problem);
        QVERIFY2(params, qPrintable(problem));
        status.params = *params;
        QCOMPARE(m_writer->record(status), CallWriter::Result::Recorded);

        const QList<CallEvent> timeline = CallReader(*m_db).timeline(kCall);
        QCOMPARE(timeline.size(), 1);
        QCOMPARE(timeline.at(0).params.items(), status.params.items());
        QCOMPARE(timeline.at(0).params.value(QStringLiteral("CallerName")),
                 QStringLiteral("Zoë & Co = 1+1"));
        QCOMPARE(m_writer->record(status), CallWriter::Result::Duplicate);
    }
};

QTEST_GUILESS_MAIN(TestCallWriter)
#include "TestCallWriter.moc"
