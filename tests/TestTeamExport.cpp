// `switchboard-service export` carries the team's work (issue #20): with each call, who heard
// it and when, who marked it done (when, the note), its tags and notes with their authors,
// and on a caller's call its latest call back with the outcome; as JSON and as CSV, on a log
// of either engine (SWITCHBOARD_TEST_POSTGRES picks PostgreSQL). What the team typed is
// hostile to a spreadsheet: the CSV keeps it text.

#include "core/CallExport.h"
#include "db/CallAnnotations.h"
#include "db/CallReader.h"
#include "ServiceHarness.h"
#include "twilio/CallBackRoute.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <utility>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

namespace {

const QString kOutboundSid = QStringLiteral("CA00000000000000000000000000000b01");
const QString kStaffPhone = QStringLiteral("+15550100222");
const QString kFormula = QStringLiteral("=HYPERLINK(\"http://evil.example\",\"x\")");
const QString kNote = QStringLiteral("Line one\nLine \"two\", <b>bold</b>");

// RFC 4180, as a spreadsheet reads it: quoted fields may hold commas, quotes, line breaks.
QList<QStringList> parseCsv(const QString &text)
{
    QList<QStringList> records;
    QStringList record;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"'))
                field += text.at(++i);
            else if (c == QLatin1Char('"'))
                quoted = false;
            else
                field += c;
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            record.append(std::exchange(field, {}));
        } else if (c == QLatin1Char('\r') && i + 1 < text.size() &&
                   text.at(i + 1) == QLatin1Char('\n')) {
            record.append(std::exchange(field, {}));
            records.append(std::exchange(record, {}));
            ++i;
        } else {
            field += c;
        }
    }
    return records;
}

} // namespace

class TestTeamExport final : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServiceHarness> m_harness;
    std::unique_ptr<Database> m_database;
    QString m_inboundSid; // the caller who hung up in the menu: Bob calls back
    QString m_callerNumber;
    QString m_voicemailSid; // the caller who left a message: the team works on it

    // Posts a call back's webhook as Twilio would, signed, on the route CallBackRoute names.
    bool postCallBack(WebhookKind kind, const FormData &extra, const QString &status)
    {
        const QString url = CallBackRoute::url(QUrl(m_harness->serviceUrl()), kind,
                                               {m_inboundSid, QStringLiteral("Bob")});
        FormData params{{QStringLiteral("AccountSid"), ServiceHarness::accountSid},
                        {QStringLiteral("CallSid"), kOutboundSid},
                        {QStringLiteral("From"), QStringLiteral("+15005550006")},
                        {QStringLiteral("To"), kStaffPhone},
                        {QStringLiteral("CallStatus"), status},
                        {QStringLiteral("Direction"), QStringLiteral("outbound-api")}};
        for (const auto &[name, value] : extra.items())
            params.add(name, value);
        const auto answer = m_harness->postWebhook(url.mid(m_harness->serviceUrl().size()), params);
        return answer.status == 200 || answer.status == 204;
    }

    static QJsonObject callIn(const QJsonArray &calls, const QString &callSid)
    {
        for (const QJsonValue &call : calls) {
            if (call[QLatin1String("call_sid")].toString() == callSid)
                return call.toObject();
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_harness = std::make_unique<ServiceHarness>();
        QVERIFY2(m_harness->startService(), qPrintable(m_harness->serviceOutput()));
        const auto sim = m_harness->runSim({QStringLiteral("--hangup-in-menu")});
        QVERIFY2(sim.exitCode == 0, qPrintable(sim.output));
        QString error;
        m_database = m_harness->openDatabase(QStringLiteral("team-export"),
                                             ServiceHarness::Schema::AsItIs, &error);
        QVERIFY2(m_database, qPrintable(error));
        CallReader reader(*m_database);
        reader.forEachCall([this](const CallRecord &call) {
            m_inboundSid = call.callSid;
            m_callerNumber = call.from;
            return false;
        });
        QVERIFY(!m_inboundSid.isEmpty());
        const auto message = m_harness->runSim({QStringLiteral("--press"), QStringLiteral("2")});
        QVERIFY2(message.exitCode == 0, qPrintable(message.output));
        QVERIFY(m_harness->waitForDownloads());
        reader.forEachCall([this](const CallRecord &call) {
            if (call.callSid != m_inboundSid)
                m_voicemailSid = call.callSid;
            return true;
        });
        QVERIFY(!m_voicemailSid.isEmpty());

        // Bob calls the caller back and reaches them.
        QVERIFY(postCallBack(WebhookKind::CallBack, {}, QStringLiteral("in-progress")));
        QVERIFY(postCallBack(
            WebhookKind::CallBackDial,
            {{QStringLiteral("DialCallSid"), QStringLiteral("CA00000000000000000000000000000c01")},
             {QStringLiteral("DialCallStatus"), QStringLiteral("completed")},
             {QStringLiteral("DialCallDuration"), QStringLiteral("42")}},
            QStringLiteral("in-progress")));
        QVERIFY(postCallBack(WebhookKind::CallBackStatus,
                             {{QStringLiteral("CallDuration"), QStringLiteral("50")}},
                             QStringLiteral("completed")));

        // The team's work on the voicemail, hostile text included.
        CallAnnotations annotations(*m_database);
        QVERIFY2(annotations.setHeard(m_voicemailSid, QStringLiteral("Alice"), true),
                 qPrintable(annotations.lastError()));
        QVERIFY(annotations.setHeard(m_voicemailSid, QStringLiteral("Bob"), true));
        QVERIFY(annotations.markDone(m_voicemailSid, QStringLiteral("Alice"), kFormula));
        QVERIFY(
            annotations.addTag(m_voicemailSid, QStringLiteral("-Urgent"), QStringLiteral("Alice")));
        QVERIFY(annotations.addTag(m_voicemailSid, QStringLiteral("vip"), QStringLiteral("Bob")));
        QVERIFY(annotations.addNote(m_voicemailSid, QStringLiteral("Alice"), kNote));
        QVERIFY(
            annotations.addNote(m_voicemailSid, QStringLiteral("@Bob"), QStringLiteral("+cmd")));
    }

    void jsonCarriesTheTeamsWork()
    {
        const QJsonArray calls = QJsonDocument::fromJson(m_harness->exportLog()).array();
        QCOMPARE(calls.size(), 3);
        const QJsonObject voicemail = callIn(calls, m_voicemailSid);
        const QJsonObject handling = voicemail[QLatin1String("handling")].toObject();

        const QJsonArray heard = handling[QLatin1String("heard")].toArray();
        QCOMPARE(heard.size(), 2);
        QCOMPARE(heard[0][QLatin1String("by")].toString(), QStringLiteral("Alice"));
        QCOMPARE(heard[1][QLatin1String("by")].toString(), QStringLiteral("Bob"));
        const QDateTime heardAt =
            QDateTime::fromString(heard[0][QLatin1String("at")].toString(), Qt::ISODate);
        QVERIFY(heardAt.isValid());
        QVERIFY(qAbs(heardAt.secsTo(QDateTime::currentDateTimeUtc())) < 600);

        const QJsonObject done = handling[QLatin1String("done")].toObject();
        QCOMPARE(done[QLatin1String("by")].toString(), QStringLiteral("Alice"));
        QCOMPARE(done[QLatin1String("note")].toString(), kFormula);
        QVERIFY(QDateTime::fromString(done[QLatin1String("at")].toString(), Qt::ISODate).isValid());

        const QJsonArray tags = handling[QLatin1String("tags")].toArray();
        QCOMPARE(tags.size(), 2);
        QCOMPARE(tags[0][QLatin1String("tag")].toString(), QStringLiteral("-urgent"));
        QCOMPARE(tags[0][QLatin1String("by")].toString(), QStringLiteral("Alice"));
        QCOMPARE(tags[1][QLatin1String("tag")].toString(), QStringLiteral("vip"));
        QCOMPARE(tags[1][QLatin1String("by")].toString(), QStringLiteral("Bob"));

        const QJsonArray notes = handling[QLatin1String("notes")].toArray();
        QCOMPARE(notes.size(), 2);
        QCOMPARE(notes[0][QLatin1String("author")].toString(), QStringLiteral("Alice"));
        QCOMPARE(notes[0][QLatin1String("text")].toString(), kNote); // as written, never markup
        QVERIFY(
            QDateTime::fromString(notes[0][QLatin1String("at")].toString(), Qt::ISODate).isValid());
        QCOMPARE(notes[1][QLatin1String("author")].toString(), QStringLiteral("@Bob"));

        // The caller's call says who called back, and that the caller was reached.
        const QJsonObject inbound = callIn(calls, m_inboundSid);
        QCOMPARE(inbound[QLatin1String("handling")][QLatin1String("tags")].toArray().size(), 0);
        const QJsonObject callBack = inbound[QLatin1String("last_call_back")].toObject();
        QCOMPARE(callBack[QLatin1String("call_sid")].toString(), kOutboundSid);
        QCOMPARE(callBack[QLatin1String("by")].toString(), QStringLiteral("Bob"));
        QCOMPARE(callBack[QLatin1String("outcome")].toString(), QStringLiteral("answered"));
        const QJsonObject outbound = callIn(calls, kOutboundSid);
        QCOMPARE(outbound[QLatin1String("direction")].toString(), QStringLiteral("outbound"));
        QCOMPARE(outbound[QLatin1String("call_back_of")].toString(), m_inboundSid);
        QCOMPARE(outbound[QLatin1String("called_back_by")].toString(), QStringLiteral("Bob"));
        QVERIFY(outbound[QLatin1String("last_call_back")].isNull());
        // A call nobody touched has empty handling, not a missing one.
        const QJsonObject untouched = outbound[QLatin1String("handling")].toObject();
        QCOMPARE(untouched[QLatin1String("heard")].toArray().size(), 0);
        QVERIFY(untouched[QLatin1String("done")].isNull());
    }

    void csvCarriesTheTeamsWorkAsText()
    {
        const QList<QStringList> records =
            parseCsv(QString::fromUtf8(m_harness->exportLog(QStringLiteral("csv"))));
        QCOMPARE(records.size(), 4); // the header, 3 calls: the note's line break is quoted
        const QStringList header = records.first();
        for (const QStringList &record : records)
            QCOMPARE(record.size(), header.size());
        for (const char *name :
             {"heard_by", "done_by", "done_at", "done_note", "tags", "notes", "last_call_back_sid",
              "last_call_back_by", "last_call_back_at", "last_call_back_outcome"})
            QVERIFY2(header.contains(QLatin1String(name)), name);
        const auto column = [&header](const char *name) {
            return header.indexOf(QLatin1String(name));
        };
        const auto recordOf = [&](const QString &callSid) {
            for (const QStringList &record : records)
                if (record.at(column("call_sid")) == callSid)
                    return record;
            return QStringList(header.size());
        };
        const QStringList voicemail = recordOf(m_voicemailSid);
        const QStringList inbound = recordOf(m_inboundSid);
        QCOMPARE(inbound.at(column("call_sid")), m_inboundSid);
        // A phone number stays a number.
        QCOMPARE(inbound.at(column("from")), m_callerNumber);

        const QStringList heard = voicemail.at(column("heard_by")).split(QStringLiteral("; "));
        QCOMPARE(heard.size(), 2);
        QVERIFY(heard[0].startsWith(QStringLiteral("Alice 20")));
        QVERIFY(heard[1].startsWith(QStringLiteral("Bob 20")));
        QCOMPARE(voicemail.at(column("done_by")), QStringLiteral("Alice"));
        QVERIFY(QDateTime::fromString(voicemail.at(column("done_at")), Qt::ISODate).isValid());
        // What a spreadsheet would run is written after a ', as text.
        QCOMPARE(voicemail.at(column("done_note")), QLatin1Char('\'') + kFormula);
        QCOMPARE(voicemail.at(column("tags")), QStringLiteral("'-urgent; vip"));
        const QString notes = voicemail.at(column("notes"));
        QVERIFY2(notes.startsWith(QStringLiteral("Alice 20")), qPrintable(notes));
        QVERIFY(notes.contains(QStringLiteral(": ") + kNote + QStringLiteral("\n\n@Bob 20")));
        QVERIFY(notes.endsWith(QStringLiteral(": +cmd")));
        QCOMPARE(inbound.at(column("last_call_back_sid")), kOutboundSid);
        QCOMPARE(inbound.at(column("last_call_back_by")), QStringLiteral("Bob"));
        QCOMPARE(inbound.at(column("last_call_back_outcome")), QStringLiteral("answered"));
        QVERIFY(
            QDateTime::fromString(inbound.at(column("last_call_back_at")), Qt::ISODate).isValid());
    }

    void csvNeverStartsAFieldWithAFormula_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("written");
        QTest::newRow("equals") << QStringLiteral("=1+1") << QStringLiteral("'=1+1");
        QTest::newRow("plus") << QStringLiteral("+cmd|' /C calc'!A0")
                              << QStringLiteral("'+cmd|' /C calc'!A0");
        QTest::newRow("minus") << QStringLiteral("-2+3") << QStringLiteral("'-2+3");
        QTest::newRow("at") << QStringLiteral("@SUM(A1)") << QStringLiteral("'@SUM(A1)");
        QTest::newRow("tab") << QStringLiteral("\t=1") << QStringLiteral("'\t=1");
        QTest::newRow("carriage return") << QStringLiteral("\r=1") << QStringLiteral("\"'\r=1\"");
        QTest::newRow("a phone number")
            << QStringLiteral("+14155550101") << QStringLiteral("+14155550101");
        QTest::newRow("a negative figure") << QStringLiteral("-2.5") << QStringLiteral("-2.5");
        QTest::newRow("text") << QStringLiteral("a=1") << QStringLiteral("a=1");
    }
    void csvNeverStartsAFieldWithAFormula()
    {
        QFETCH(QString, field);
        QFETCH(QString, written);
        QCOMPARE(QString::fromUtf8(CallExport::csvLine({field})), written + QStringLiteral("\r\n"));
    }

    void cleanupTestCase()
    {
        m_database.reset();
        m_harness.reset();
    }
};

QTEST_GUILESS_MAIN(TestTeamExport)
#include "TestTeamExport.moc"
