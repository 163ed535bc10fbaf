#include "CallScript.h"
#include "CallSettings.h"
#include "LegScript.h"
#include "ServiceHarness.h"
#include "SimulatedCall.h"

#include <QEventLoop>
#include <QHttpServer>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QTcpServer>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>
#include <twilio/FormData.h>
#include <twilio/Identifiers.h>
#include <twilio/RequestSignature.h>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

namespace {

const QString kCaller = QStringLiteral("+14155550142");

QString member(int index)
{
    return QStringLiteral("+1555010020") + QString::number(index);
}

// One request the stand-in service received, as it arrived.
struct Received
{
    QString kind; // the last path segment: voice, screen, screen-result, leg-status, ...
    QUrlQuery query;
    FormData form;
    bool signatureValid = false;

    QString value(const char *name) const { return form.value(QLatin1String(name)); }
    int member() const { return query.queryItemValue(QStringLiteral("member")).toInt(); }
};

} // namespace

// switchboard-sim's member legs against a stand-in service that answers the routing protocol's
// TwiML (ring groups, screening, transcription) and keeps what it received: the real
// SimulatedCall in-process, and the real binary for its command line and report.
class TestSimLegs final : public QObject
{
    Q_OBJECT

    QHttpServer m_server;
    QTcpServer *m_tcp = nullptr;
    QList<Received> m_received;
    // How the stand-in answers this test's call.
    int m_members = 3;
    bool m_sequential = false;
    bool m_screening = true;
    QByteArray m_screenTwiml; // empty: the protocol's whisper

    QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_tcp->serverPort()); }

    static QHttpServerResponse twiml(const QByteArray &verbs)
    {
        return QHttpServerResponse(QByteArrayLiteral("text/xml"),
                                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>" + verbs +
                                       "</Response>");
    }

    QByteArray number(const QString &parentSid, int index) const
    {
        const QByteArray query =
            "call=" + parentSid.toLatin1() + "&amp;member=" + QByteArray::number(index);
        QByteArray noun = "<Number statusCallback=\"/twilio/leg-status?" + query +
                          "\" statusCallbackEvent=\"completed\"";
        if (m_screening)
            noun += " url=\"/twilio/screen?" + query + "\"";
        return noun + ">" + member(index).toLatin1() + "</Number>";
    }

    QByteArray dial(const QString &parentSid, int first, int count) const
    {
        QByteArray action = "/twilio/dial";
        if (m_sequential)
            action += "?member=" + QByteArray::number(first);
        QByteArray verbs = "<Dial action=\"" + action +
                           "\" timeout=\"20\" answerOnBridge=\"true\" callerId=\"" +
                           kCaller.toLatin1() + "\">";
        for (int i = first; i < first + count; ++i)
            verbs += number(parentSid, i);
        return verbs + "</Dial>";
    }

    static QByteArray voicemail()
    {
        return "<Say>Sorry, nobody is available.</Say><Record action=\"/twilio/recorded\" "
               "maxLength=\"120\" recordingStatusCallback=\"/twilio/recording\" "
               "transcribe=\"true\" transcribeCallback=\"/twilio/transcription\"/>";
    }

    QHttpServerResponse answer(const QString &kind, const QHttpServerRequest &request)
    {
        Received received;
        received.kind = kind;
        received.query = QUrlQuery(request.url());
        received.form = FormData::decode(request.body());
        const QString query = request.url().query(QUrl::FullyEncoded);
        const QString signedUrl = base() + request.url().path(QUrl::FullyEncoded) +
                                  (query.isEmpty() ? QString() : QLatin1Char('?') + query);
        received.signatureValid =
            RequestSignature::isValid(ServiceHarness::authToken.toUtf8(), signedUrl, received.form,
                                      request.value(QByteArrayLiteral("X-Twilio-Signature")));
        m_received.append(received);

        const QString parentSid = kind == QLatin1String("voice") || kind == QLatin1String("dial")
                                      ? received.value("CallSid")
                                      : received.value("ParentCallSid");
        if (kind == QLatin1String("voice"))
            return twiml(dial(parentSid, 0, m_sequential ? 1 : m_members));
        if (kind == QLatin1String("screen")) {
            if (!m_screenTwiml.isEmpty())
                return twiml(m_screenTwiml);
            QByteArray query = request.url().query(QUrl::FullyEncoded).toLatin1();
            return twiml("<Gather numDigits=\"1\" timeout=\"5\" actionOnEmptyResult=\"true\" "
                         "action=\"/twilio/screen-result?" +
                         query.replace("&", "&amp;") +
                         "\"><Say>Call from plus one four one five five five five zero one four "
                         "two. Press 1 to accept.</Say></Gather><Hangup/>");
        }
        if (kind == QLatin1String("screen-result"))
            return twiml(received.value("Digits") == QLatin1String("1") ? QByteArray()
                                                                        : "<Hangup/>");
        if (kind == QLatin1String("dial")) {
            // "completed" also when a leg answered and hung up at the whisper, as Twilio says.
            if (received.value("DialCallStatus") == QLatin1String("completed") &&
                received.value("DialBridged") == QLatin1String("true"))
                return twiml("<Hangup/>");
            const int next = received.member() + 1;
            if (m_sequential && next < m_members)
                return twiml(dial(parentSid, next, 1));
            return twiml(voicemail());
        }
        if (kind == QLatin1String("recorded"))
            return twiml("<Hangup/>");
        return QHttpServerResponse(QHttpServerResponse::StatusCode::NoContent);
    }

    QList<Received> receivedOf(const char *kind) const
    {
        QList<Received> matching;
        for (const Received &received : m_received) {
            if (received.kind == QLatin1String(kind))
                matching.append(received);
        }
        return matching;
    }

    QStringList kinds() const
    {
        QStringList list;
        for (const Received &received : m_received)
            list.append(received.kind);
        return list;
    }

    CallSettings settings() const
    {
        CallSettings settings;
        settings.accountSid = ServiceHarness::accountSid;
        settings.authToken = ServiceHarness::authToken.toUtf8();
        settings.urls = UrlMapper({QUrl(base())}, QUrl(base()));
        settings.party.from = kCaller;
        return settings;
    }

    // Places one call with the real SimulatedCall and waits until it is over.
    CallResult place(const CallScript &script)
    {
        QNetworkAccessManager network;
        SimulatedCall call(1, settings(), script, &network, nullptr);
        bool finished = false;
        QStringList narration;
        connect(&call, &SimulatedCall::narration, this,
                [&narration](const QString &line) { narration.append(line); });
        connect(&call, &SimulatedCall::finished, this, [&finished] { finished = true; });
        call.start();
        [&] { QTRY_VERIFY_WITH_TIMEOUT(finished, 30000); }();
        if (QTest::currentTestFailed())
            qWarning().noquote() << narration.join(QLatin1Char('\n'));
        return call.result();
    }

    static CallScript scripted(const QString &legs)
    {
        CallScript script;
        script.presses = {QStringLiteral("1")};
        QString error;
        script.legs = LegScript::parseList(legs, &error).value_or(QList<LegScript>{});
        return script;
    }

    void verifyAllSigned() const
    {
        for (const Received &received : m_received)
            QVERIFY2(received.signatureValid, qPrintable(received.kind));
    }

    // The parameters every request on a member's leg carries.
    static void verifyChildLeg(const Received &received, const QString &parentSid, int index)
    {
        QVERIFY(isValidSid(received.value("CallSid"), QLatin1String("CA")));
        QVERIFY(received.value("CallSid") != parentSid);
        QCOMPARE(received.value("ParentCallSid"), parentSid);
        QCOMPARE(received.query.queryItemValue(QStringLiteral("call")), parentSid);
        QCOMPARE(received.member(), index);
        QCOMPARE(received.value("To"), member(index));
        QCOMPARE(received.value("From"), kCaller);
        QCOMPARE(received.value("Direction"), QStringLiteral("outbound-dial"));
        QCOMPARE(received.value("AccountSid"), ServiceHarness::accountSid);
    }

    struct Run
    {
        int exitCode = -1;
        QString output;
    };

    // Runs the real switchboard-sim while this thread's event loop keeps the stand-in answering.
    Run runSim(const QStringList &args)
    {
        QProcess process;
        process.setProcessEnvironment(ServiceHarness::credentialsEnvironment());
        process.setProcessChannelMode(QProcess::MergedChannels);
        QEventLoop loop;
        connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
        connect(&process, &QProcess::errorOccurred, &loop, &QEventLoop::quit);
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        process.start(QStringLiteral(SWITCHBOARD_SIM_BINARY),
                      QStringList{QStringLiteral("--service"), base(),
                                  QStringLiteral("--media-listen"), QStringLiteral("127.0.0.1:0"),
                                  QStringLiteral("--no-wait-downloads")} +
                          args);
        loop.exec();
        Run run;
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(2000);
            return run;
        }
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.output = QString::fromUtf8(process.readAll());
        return run;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_tcp = new QTcpServer(&m_server);
        QVERIFY(m_tcp->listen(QHostAddress::LocalHost, 0));
        m_server.bind(m_tcp);
        m_server.route(QStringLiteral("/twilio/<arg>"),
                       [this](const QString &kind, const QHttpServerRequest &request) {
                           return answer(kind, request);
                       });
    }

    void init()
    {
        m_received.clear();
        m_members = 3;
        m_sequential = false;
        m_screening = true;
        m_screenTwiml.clear();
    }

    void simultaneousSecondMemberAccepts()
    {
        const CallResult result = place(scripted(QStringLiteral("Alice:decline,Bob:accept,"
                                                                "Carol:no-answer")));
        QVERIFY2(result.ok(), qPrintable(result.errors.join(QLatin1Char('\n'))));
        verifyAllSigned();
        const QString parent = result.callSid;

        // Alice and Bob answer and are screened; Carol never answers, so is never screened.
        const QList<Received> screens = receivedOf("screen");
        QCOMPARE(screens.size(), 2);
        verifyChildLeg(screens.at(0), parent, 0);
        verifyChildLeg(screens.at(1), parent, 1);
        QCOMPARE(screens.at(0).value("CallStatus"), QStringLiteral("in-progress"));
        QVERIFY(screens.at(0).value("CallSid") != screens.at(1).value("CallSid"));
        const QList<Received> results = receivedOf("screen-result");
        QCOMPARE(results.size(), 2);
        verifyChildLeg(results.at(0), parent, 0);
        QCOMPARE(results.at(0).value("Digits"), QStringLiteral("9"));
        QCOMPARE(results.at(0).value("CallSid"), screens.at(0).value("CallSid"));
        QCOMPARE(results.at(1).value("Digits"), QStringLiteral("1"));

        // Each leg's final status: Alice completed, Carol canceled when Bob was bridged, Bob
        // completed after the conversation.
        const QList<Received> statuses = receivedOf("leg-status");
        QCOMPARE(statuses.size(), 3);
        QCOMPARE(statuses.at(0).member(), 0);
        QCOMPARE(statuses.at(0).value("CallStatus"), QStringLiteral("completed"));
        QVERIFY(statuses.at(0).value("CallDuration").toInt() > 0);
        QCOMPARE(statuses.at(1).member(), 2);
        verifyChildLeg(statuses.at(1), parent, 2);
        QCOMPARE(statuses.at(1).value("CallStatus"), QStringLiteral("canceled"));
        QVERIFY(!statuses.at(1).form.contains(QStringLiteral("CallDuration")));
        QCOMPARE(statuses.at(2).member(), 1);
        QCOMPARE(statuses.at(2).value("CallStatus"), QStringLiteral("completed"));
        const QString bobSid = screens.at(1).value("CallSid");
        QCOMPARE(statuses.at(2).value("CallSid"), bobSid);

        // The caller's Dial action names the bridged leg.
        const QList<Received> actions = receivedOf("dial");
        QCOMPARE(actions.size(), 1);
        QCOMPARE(actions.at(0).value("CallSid"), parent);
        QCOMPARE(actions.at(0).value("DialCallStatus"), QStringLiteral("completed"));
        QCOMPARE(actions.at(0).value("DialCallSid"), bobSid);
        QCOMPARE(actions.at(0).value("DialCallDuration"), statuses.at(2).value("CallDuration"));
        QCOMPARE(kinds().last(), QStringLiteral("status"));

        QCOMPARE(result.legs.size(), 3);
        QCOMPARE(result.legs.at(0).name, QStringLiteral("Alice"));
        QCOMPARE(result.legs.at(0).result, QStringLiteral("declined"));
        QCOMPARE(result.legs.at(1).result, QStringLiteral("accepted"));
        QCOMPARE(result.legs.at(2).result, QStringLiteral("canceled"));
        QCOMPARE(result.dialStatus, QStringLiteral("completed"));
    }

    void sequentialFirstDoesNotAnswerSecondAccepts()
    {
        m_sequential = true;
        m_members = 2;
        const CallResult result = place(scripted(QStringLiteral("Alice:no-answer,Bob:accept")));
        QVERIFY2(result.ok(), qPrintable(result.errors.join(QLatin1Char('\n'))));
        verifyAllSigned();
        QCOMPARE(kinds(), (QStringList{"voice", "leg-status", "dial", "screen", "screen-result",
                                       "leg-status", "dial", "status"}));
        const QList<Received> statuses = receivedOf("leg-status");
        QCOMPARE(statuses.at(0).value("CallStatus"), QStringLiteral("no-answer"));
        verifyChildLeg(statuses.at(0), result.callSid, 0);
        verifyChildLeg(statuses.at(1), result.callSid, 1);
        const QList<Received> actions = receivedOf("dial");
        QCOMPARE(actions.at(0).query.queryItemValue(QStringLiteral("member")), QStringLiteral("0"));
        QCOMPARE(actions.at(0).value("DialCallStatus"), QStringLiteral("no-answer"));
        QCOMPARE(actions.at(1).query.queryItemValue(QStringLiteral("member")), QStringLiteral("1"));
        QCOMPARE(actions.at(1).value("DialCallStatus"), QStringLiteral("completed"));
        QCOMPARE(actions.at(1).value("DialCallSid"), statuses.at(1).value("CallSid"));
    }

    void voicemailPicksUp()
    {
        m_members = 1;
        CallScript script = scripted(QStringLiteral("Alice:voicemail"));
        script.voicemailSeconds = 12;
        const CallResult result = place(script);
        QVERIFY2(result.ok(), qPrintable(result.errors.join(QLatin1Char('\n'))));
        verifyAllSigned();
        QCOMPARE(kinds(), (QStringList{"voice", "screen", "screen-result", "leg-status", "dial",
                                       "recorded", "recording", "status"}));
        QCOMPARE(receivedOf("screen-result").first().value("Digits"), QString());
        QCOMPARE(receivedOf("leg-status").first().value("CallStatus"), QStringLiteral("completed"));
        // Twilio's word for a Dial whose leg answered: only the screening says nobody took it.
        QCOMPARE(receivedOf("dial").first().value("DialCallStatus"), QStringLiteral("completed"));
        QCOMPARE(receivedOf("dial").first().value("DialCallSid"),
                 receivedOf("leg-status").first().value("CallSid"));
        QCOMPARE(receivedOf("dial").first().value("DialBridged"), QStringLiteral("false"));
        QCOMPARE(result.legs.first().result, QStringLiteral("voicemail"));
    }

    void voicemailIsTranscribed()
    {
        m_members = 1;
        CallScript script = scripted(QStringLiteral("Alice:voicemail"));
        script.transcription.kind = TranscriptionScript::Kind::Completed;
        script.transcription.text = QStringLiteral("Hi, it's Ada, please call me back.");
        const CallResult result = place(script);
        QVERIFY2(result.ok(), qPrintable(result.errors.join(QLatin1Char('\n'))));
        verifyAllSigned();
        // After the recording's status callback, before the call's final status.
        QCOMPARE(kinds(), (QStringList{"voice", "screen", "screen-result", "leg-status", "dial",
                                       "recorded", "recording", "transcription", "status"}));
        const Received transcription = receivedOf("transcription").first();
        QCOMPARE(transcription.value("AccountSid"), ServiceHarness::accountSid);
        QCOMPARE(transcription.value("CallSid"), result.callSid);
        QCOMPARE(transcription.value("RecordingSid"), result.recordingSid);
        QCOMPARE(transcription.value("RecordingUrl"),
                 receivedOf("recorded").first().value("RecordingUrl"));
        QVERIFY(isValidSid(transcription.value("TranscriptionSid"), QLatin1String("TR")));
        QCOMPARE(transcription.value("TranscriptionText"), script.transcription.text);
        QCOMPARE(transcription.value("TranscriptionStatus"), QStringLiteral("completed"));
        QVERIFY(transcription.value("TranscriptionUrl")
                    .endsWith(QStringLiteral("/Transcriptions/") +
                              transcription.value("TranscriptionSid")));
        QCOMPARE(result.transcriptionStatus, QStringLiteral("completed"));
    }

    void failedTranscription()
    {
        m_members = 1;
        CallScript script = scripted(QStringLiteral("Alice:decline"));
        script.transcription.kind = TranscriptionScript::Kind::Failed;
        const CallResult result = place(script);
        QVERIFY2(result.ok(), qPrintable(result.errors.join(QLatin1Char('\n'))));
        const QList<Received> transcriptions = receivedOf("transcription");
        QCOMPARE(transcriptions.size(), 1);
        QVERIFY(transcriptions.first().signatureValid);
        QCOMPARE(transcriptions.first().value("TranscriptionStatus"), QStringLiteral("failed"));
        QVERIFY(transcriptions.first().form.contains(QStringLiteral("TranscriptionText")));
        QCOMPARE(transcriptions.first().value("TranscriptionText"), QString());
    }

    void noTranscriptionUnlessScripted()
    {
        m_members = 1;
        const CallResult result = place(scripted(QStringLiteral("Alice:busy")));
        QVERIFY(result.ok());
        QCOMPARE(receivedOf("recorded").size(), 1);
        QVERIFY(receivedOf("transcription").isEmpty());
        QVERIFY(result.transcriptionStatus.isEmpty());
    }

    void everyMemberBusyOrFailed()
    {
        m_members = 2;
        const CallResult busy = place(scripted(QStringLiteral("busy,busy")));
        QVERIFY(busy.ok());
        QCOMPARE(receivedOf("dial").first().value("DialCallStatus"), QStringLiteral("busy"));
        QCOMPARE(receivedOf("leg-status").size(), 2);
        QVERIFY(receivedOf("screen").isEmpty());
        m_received.clear();
        const CallResult mixed = place(scripted(QStringLiteral("failed,busy")));
        QVERIFY(mixed.ok());
        verifyAllSigned();
        QCOMPARE(receivedOf("leg-status").at(0).value("CallStatus"), QStringLiteral("failed"));
        QCOMPARE(receivedOf("dial").first().value("DialCallStatus"), QStringLiteral("no-answer"));
    }

    void withoutLegsTheFirstNumberTalksAsBefore()
    {
        // No --legs: every leg does what --answer says (talk: accept at the whisper).
        const CallResult result = place(scripted(QString()));
        QVERIFY2(result.ok(), qPrintable(result.errors.join(QLatin1Char('\n'))));
        QCOMPARE(receivedOf("screen").size(), 1);
        QCOMPARE(receivedOf("screen-result").first().value("Digits"), QStringLiteral("1"));
        QCOMPARE(receivedOf("dial").first().value("DialCallStatus"), QStringLiteral("completed"));
        QStringList statuses;
        for (const Received &received : receivedOf("leg-status"))
            statuses.append(received.value("CallStatus"));
        QCOMPARE(statuses, (QStringList{"canceled", "canceled", "completed"}));
    }

    void moreThanTenNumbersFailTheCall()
    {
        m_members = 11;
        const CallResult result = place(scripted(QString()));
        QVERIFY(!result.ok());
        QVERIFY2(result.errors.first().contains(QLatin1String("11 numbers")),
                 qPrintable(result.errors.first()));
        QCOMPARE(kinds(), (QStringList{"voice", "status"})); // no leg was rung
        verifyAllSigned();
    }

    void endlessWhisperIsCutOff()
    {
        m_members = 1;
        m_screenTwiml = "<Say>Please hold.</Say><Redirect>/twilio/screen?call=x</Redirect>";
        const CallResult result = place(scripted(QStringLiteral("Alice:accept")));
        QVERIFY(!result.ok());
        QVERIFY(result.errors.first().contains(QLatin1String("a loop")));
        QCOMPARE(receivedOf("screen").size(), TwimlWalker::kMaxLegRequests);
        // The leg is hung up and the call goes on: status, Dial action, voicemail.
        QCOMPARE(receivedOf("leg-status").first().value("CallStatus"), QStringLiteral("completed"));
        QCOMPARE(receivedOf("dial").first().value("DialCallStatus"), QStringLiteral("completed"));
        QCOMPARE(receivedOf("recorded").size(), 1);
        QCOMPARE(result.legs.first().result, QStringLiteral("error"));
    }

    void binaryReportsEachLeg()
    {
        const Run run = runSim(
            {QStringLiteral("--legs"), QStringLiteral("Alice:decline,Bob:accept,Carol:busy")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.output));
        QVERIFY2(run.output.contains(QLatin1String("Alice declined (completed")),
                 qPrintable(run.output));
        QVERIFY(run.output.contains(QLatin1String("Bob accepted (completed")));
        QVERIFY(run.output.contains(QLatin1String("Carol busy (busy 0 s)")));
        QCOMPARE(receivedOf("screen").size(), 2);
        verifyAllSigned();
    }

    void binaryExplainsAndChecksLegs()
    {
        const Run help = runSim({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.output.simplified().contains(
            QLatin1String("Entry k is for the k-th distinct number dialled in the call")));
        const Run bad = runSim({QStringLiteral("--legs"), QStringLiteral("Alice:perhaps")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.output.contains(QLatin1String("Alice:perhaps")), qPrintable(bad.output));
        const Run both = runSim({QStringLiteral("--transcription"), QStringLiteral("hi"),
                                 QStringLiteral("--transcription-fails")});
        QCOMPARE(both.exitCode, 2);
        QVERIFY2(both.output.contains(QLatin1String("exclude each other")),
                 qPrintable(both.output));
        QVERIFY(m_received.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSimLegs)
#include "TestSimLegs.moc"
