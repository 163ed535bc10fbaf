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
        const auto url = DatabaseUrl::parse(m_harness->databaseUrl(), &error);
        QVERIFY2(url, qPrintable(error));
        m_db = std::make_unique<Database>(*url, QStringLiteral("writer"));
        QVERIFY2(m_db->openAndMigrate(&error), qPrintable(error));
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

    void voicemailDownloadLifecycle()
    {
        const QString recordingUrl = QStringLiteral(
            "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/"
            "Recordings/RE0123456789abcdef0123456789abcdef");
        const FormData recording{
            {QStringLiteral("RecordingSid"), QStringLiteral("RE0123456789abcdef0123456789abcdef")},
            {QStringLiteral("RecordingUrl"), recordingUrl},
            {QStringLiteral("RecordingDuration"), QStringLiteral("6")}};
        m_writer->record(webhook(WebhookKind::Recording,
                                 QStringLiteral("https://x.test/twilio/recording"), recording));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        // Media is not ready until Twilio says so.
        QVERIFY(m_writer->claimDueDownloads(now, 10, 60).isEmpty());

        FormData ready = recording;
        ready.add(QStringLiteral("RecordingStatus"), QStringLiteral("completed"));
        m_writer->record(webhook(WebhookKind::RecordingStatus,
                                 QStringLiteral("https://x.test/twilio/recording-status"), ready));
        const auto due = m_writer->claimDueDownloads(now.addMSecs(1), 10, 60);
        QCOMPARE(due.size(), 1);
        QCOMPARE(due.first().callSid, kCall);
        QCOMPARE(due.first().recordingUrl, recordingUrl);
        QVERIFY(m_writer->claimDueDownloads(now.addMSecs(2), 10, 60).isEmpty()); // claimed once

        QVERIFY(m_writer->recordDownloadFailure(kCall, QStringLiteral("HTTP 500"), now.addSecs(5),
                                                false));
        QVERIFY(m_writer->claimDueDownloads(now.addSecs(1), 10, 60).isEmpty());
        const auto retry = m_writer->claimDueDownloads(now.addSecs(6), 10, 60);
        QCOMPARE(retry.size(), 1);
        QCOMPARE(retry.first().attempts, 1);

        const QByteArray audio("RIFF....WAVEfmt fake audio");
        QVERIFY(m_writer->storeAudio(kCall, audio, QStringLiteral("audio/x-wav")));
        CallReader reader(*m_db);
        const auto call = reader.call(kCall);
        QCOMPARE(call->voicemail->downloadState, DownloadState::Downloaded);
        QCOMPARE(call->voicemail->downloadAttempts, 2);
        QCOMPARE(call->voicemail->bytes, audio.size());
        QCOMPARE(call->voicemail->sha256,
                 QString::fromLatin1(
                     QCryptographicHash::hash(audio, QCryptographicHash::Sha256).toHex()));
        QCOMPARE(reader.voicemailAudio(kCall), audio);

        QVERIFY(!call->voicemail->isHeard());
        QVERIFY(m_writer->setHeard(kCall, true));
        QVERIFY(reader.call(kCall)->voicemail->isHeard());
        QVERIFY(m_writer->setHeard(kCall, false));
        QVERIFY(!reader.call(kCall)->voicemail->isHeard());
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

    // Storing audio, a failed download, marking heard: each changes the call's voicemail and
    // moves its revision on (one statement on PostgreSQL). Without a voicemail: nothing.
    void voicemailChangeNeedsAVoicemail()
    {
        m_writer->record(webhook(WebhookKind::Voice, QStringLiteral("https://x.test/twilio/voice"),
                                 {{QStringLiteral("CallStatus"), QStringLiteral("ringing")}}));
        CallReader reader(*m_db);
        const qint64 revision = reader.call(kCall)->revision;
        QVERIFY(!m_writer->setHeard(kCall, true));
        QVERIFY(m_writer->lastError().contains(QStringLiteral("has no voicemail")));
        QVERIFY(!m_writer->storeAudio(kCall, "RIFF", QStringLiteral("audio/x-wav")));
        QVERIFY(!m_writer->recordDownloadFailure(kCall, QStringLiteral("HTTP 500"),
                                                 QDateTime::currentDateTimeUtc(), true));
        QCOMPARE(reader.call(kCall)->revision, revision);

        m_writer->record(webhook(
            WebhookKind::Recording, QStringLiteral("https://x.test/twilio/recording"),
            {{QStringLiteral("RecordingSid"), QStringLiteral("RE0123456789abcdef0123456789abcdef")},
             {QStringLiteral("RecordingUrl"),
              QStringLiteral("https://api.twilio.com/2010-04-01/Accounts/"
                             "AC0123456789abcdef0123456789abcdef/Recordings/"
                             "RE0123456789abcdef0123456789abcdef")},
             {QStringLiteral("RecordingDuration"), QStringLiteral("6")}}));
        const qint64 withVoicemail = reader.call(kCall)->revision;
        QVERIFY2(m_writer->setHeard(kCall, true), qPrintable(m_writer->lastError()));
        QVERIFY(reader.call(kCall)->revision > withVoicemail);
        QVERIFY(reader.call(kCall)->voicemail->isHeard());
    }
};

QTEST_GUILESS_MAIN(TestCallWriter)
#include "TestCallWriter.moc"
