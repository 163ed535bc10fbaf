#include "SimulatedCall.h"

#include "MediaServer.h"
#include "Sid.h"
#include "TwilioParameters.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <twilio/RequestSignature.h>
#include <twilio/TwimlDocument.h>
#include <twilio/WebhookRoutes.h>

namespace Switchboard {
namespace {

bool isSuccess(int status)
{
    return status >= 200 && status < 300;
}

QString verbList(const QList<TwimlVerb> &verbs)
{
    QStringList names;
    for (const TwimlVerb &verb : verbs) {
        QString name = verb.name;
        if (!verb.children.isEmpty())
            name += QLatin1Char('(') + verbList(verb.children) + QLatin1Char(')');
        names.append(name);
    }
    return names.join(QLatin1Char(' '));
}

} // namespace

SimulatedCall::SimulatedCall(int index, const CallSettings &settings, const CallScript &script,
                             QNetworkAccessManager *network, MediaServer *media, QObject *parent)
    : QObject(parent)
    , m_index(index)
    , m_settings(settings)
    , m_script(script)
    , m_network(network)
    , m_media(media)
    , m_walker(script)
    , m_callSid(randomSid(QLatin1String("CA")))
{
    m_result.index = index;
    m_result.callSid = m_callSid;
    m_result.branch = script.branch;
    m_walker.setNarrator(
        [this](const QString &line) { Q_EMIT narration(QStringLiteral("  ") + line); });
    m_walker.setRecordingPublisher([this](const QString &sid, int seconds) {
        if (m_media)
            return m_media->addRecording(sid, seconds);
        return QStringLiteral("http://127.0.0.1/2010-04-01/Accounts/%1/Recordings/%2")
            .arg(m_settings.accountSid, sid);
    });
}

void SimulatedCall::start()
{
    m_startedAt = QDateTime::currentDateTimeUtc();
    Q_EMIT narration(
        QStringLiteral("incoming call %1 from %2 to %3 (presses: %4; far end: %5; "
                       "voicemail: %6 s%7)")
            .arg(m_callSid, m_settings.party.from, m_settings.party.to,
                 m_script.presses.isEmpty() ? QStringLiteral("none")
                                            : m_script.presses.join(QLatin1Char(',')),
                 m_script.farEnd.toString())
            .arg(m_script.voicemailSeconds)
            .arg(m_script.hangupInMenu ? QStringLiteral("; hangs up in the menu") : QString()));
    enqueue(Expect::Twiml, QStringLiteral("voice"),
            m_settings.urls.serviceUrl(webhookPath(WebhookKind::Voice)),
            TwilioParameters::call(m_settings.accountSid, m_callSid, QStringLiteral("ringing"),
                                   m_settings.party));
    pump();
}

QDateTime SimulatedCall::clockTime() const
{
    return m_startedAt.addMSecs(m_walker.elapsedMs());
}

int SimulatedCall::durationSeconds() const
{
    return int((m_walker.elapsedMs() + 999) / 1000);
}

void SimulatedCall::enqueue(Expect expect, const QString &purpose, const QUrl &url,
                            const FormData &params, int copies)
{
    Outgoing outgoing;
    outgoing.expect = expect;
    outgoing.purpose = purpose;
    outgoing.url = url;
    outgoing.params = params;
    outgoing.copies = copies;
    outgoing.idempotencyToken = randomSid(QLatin1String("")).toLatin1();
    m_queue.append(outgoing);
}

// Sends the next queued request; when none is left, asks the walker for the next step.
void SimulatedCall::pump()
{
    while (!m_inFlight && !m_finished) {
        if (!m_queue.isEmpty()) {
            const Outgoing outgoing = m_queue.takeFirst();
            m_inFlight = true;
            if (m_settings.delayMs > 0 && m_requestsSent > 0)
                QTimer::singleShot(m_settings.delayMs, this, [this, outgoing] { send(outgoing); });
            else
                send(outgoing);
            return;
        }
        if (m_walkPending) {
            m_walkPending = false;
            walk();
            continue;
        }
        if (m_ending)
            finish();
        return;
    }
}

void SimulatedCall::send(const Outgoing &outgoing)
{
    ++m_requestsSent;
    const QUrl target = m_settings.urls.toSend(outgoing.url);
    const QString signedUrl = m_settings.urls.toSign(target);
    QNetworkRequest request(target);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("TwilioProxy/1.1"));
    request.setRawHeader(
        QByteArrayLiteral("X-Twilio-Signature"),
        RequestSignature::compute(m_settings.authToken, signedUrl, outgoing.params));
    request.setRawHeader(QByteArrayLiteral("I-Twilio-Idempotency-Token"),
                         outgoing.idempotencyToken);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(m_settings.requestTimeoutMs);

    QString detail;
    for (const char *name : {"CallStatus", "Digits", "DialCallStatus", "RecordingDuration",
                             "RecordingStatus", "CallDuration", "SequenceNumber"}) {
        const QString key = QLatin1String(name);
        if (outgoing.params.contains(key))
            detail += QStringLiteral(" %1=%2").arg(key, outgoing.params.value(key));
    }
    Q_EMIT narration(
        QStringLiteral("-> POST %1 [%2]%3").arg(target.toString(), outgoing.purpose, detail));

    QNetworkReply *reply = m_network->post(request, outgoing.params.encode());
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, outgoing] { onReply(reply, outgoing); });
}

void SimulatedCall::onReply(QNetworkReply *reply, Outgoing outgoing)
{
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    const QString sentTo = reply->url().toString();
    m_result.exchanges.append({outgoing.purpose, sentTo, status});

    if (status == 0) {
        Q_EMIT narration(QStringLiteral("<- no answer: %1").arg(reply->errorString()));
        fail(QStringLiteral("%1: %2").arg(outgoing.purpose, reply->errorString()));
    } else if (!isSuccess(status)) {
        Q_EMIT narration(QStringLiteral("<- %1 %2")
                             .arg(status)
                             .arg(QString::fromUtf8(body.left(200)).simplified()));
        fail(QStringLiteral("%1 answered HTTP %2").arg(outgoing.purpose).arg(status));
    } else if (outgoing.expect == Expect::Twiml) {
        if (acceptTwiml(reply, body, outgoing))
            m_walkPending = true;
    } else {
        Q_EMIT narration(
            outgoing.expect == Expect::IgnoredTwiml
                ? QStringLiteral("<- %1 (the caller has hung up: TwiML ignored)").arg(status)
                : QStringLiteral("<- %1").arg(status));
    }

    // Byte-identical retries, the way Twilio re-delivers a callback.
    if (--outgoing.copies > 0) {
        Q_EMIT narration(QStringLiteral("   (sending the same %1 again: duplicate delivery)")
                             .arg(outgoing.purpose));
        send(outgoing);
        return;
    }
    m_inFlight = false;
    pump();
}

bool SimulatedCall::acceptTwiml(QNetworkReply *reply, const QByteArray &body,
                                const Outgoing &outgoing)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString type = reply->header(QNetworkRequest::ContentTypeHeader).toString();
    if (!type.contains(QLatin1String("xml"))) {
        Q_EMIT narration(QStringLiteral("<- %1 with Content-Type \"%2\"").arg(status).arg(type));
        fail(QStringLiteral("%1: Content-Type \"%2\" is not TwiML (Twilio error 12300)")
                 .arg(outgoing.purpose, type));
        return false;
    }
    const TwimlDocument document = TwimlDocument::parse(body);
    if (!document.isValid()) {
        Q_EMIT narration(QStringLiteral("<- %1 invalid TwiML: %2").arg(status).arg(document.error));
        fail(QStringLiteral("%1: invalid TwiML (%2)").arg(outgoing.purpose, document.error));
        return false;
    }
    Q_EMIT narration(
        QStringLiteral("<- %1 TwiML: %2")
            .arg(status)
            .arg(document.verbs.isEmpty() ? QStringLiteral("(empty)") : verbList(document.verbs)));
    m_walker.load(document, outgoing.url);
    return true;
}

void SimulatedCall::walk()
{
    if (m_ending)
        return;
    const WalkStep step = m_walker.next();
    switch (step.kind) {
    case WalkStep::Kind::Request: {
        if (++m_twimlRequests >= m_settings.maxRequests) {
            fail(QStringLiteral("more than %1 TwiML requests in one call: a loop?")
                     .arg(m_settings.maxRequests));
            endCall(QStringLiteral("completed"));
            return;
        }
        if (step.recording && step.recording->wantsEvent(QStringLiteral("in-progress")))
            queueRecordingCallback(*step.recording, QStringLiteral("in-progress"));
        FormData params = TwilioParameters::call(m_settings.accountSid, m_callSid,
                                                 step.callerHungUp ? QStringLiteral("completed")
                                                                   : QStringLiteral("in-progress"),
                                                 m_settings.party);
        for (const auto &[name, value] : step.params.items())
            params.add(name, value);
        enqueue(step.callerHungUp ? Expect::IgnoredTwiml : Expect::Twiml, step.purpose, step.url,
                params);
        if (step.recording && step.recording->wantsEvent(QStringLiteral("completed")))
            queueRecordingCallback(*step.recording, QStringLiteral("completed"));
        if (step.callerHungUp)
            endCall(QStringLiteral("completed"));
        return;
    }
    case WalkStep::Kind::Notify:
        if (step.recording && step.recording->wantsEvent(QStringLiteral("absent")))
            queueRecordingCallback(*step.recording, QStringLiteral("absent"));
        m_walkPending = true;
        return;
    case WalkStep::Kind::Hangup:
        endCall(step.finalStatus);
        return;
    case WalkStep::Kind::Failure:
        Q_EMIT narration(QStringLiteral("  TwiML error: %1; the caller hears \"an application "
                                        "error has occurred\" and Twilio hangs up")
                             .arg(step.error));
        fail(step.error);
        return;
    }
}

void SimulatedCall::queueRecordingCallback(const WalkRecording &recording, const QString &status)
{
    if (!recording.statusCallback.isValid() || recording.statusCallback.isEmpty())
        return;
    enqueue(Expect::Callback, QStringLiteral("recording status ") + status,
            recording.statusCallback,
            TwilioParameters::recordingStatus(m_settings.accountSid, m_callSid, recording, status,
                                              m_startedAt.addMSecs(recording.startedAtMs)),
            m_settings.duplicateCallbacks ? 2 : 1);
}

// Records the error; a failed webhook ends the call the way Twilio does, and the status
// callback still goes out so the service can close the call.
void SimulatedCall::fail(const QString &error)
{
    m_result.errors.append(error);
    if (!m_ending)
        endCall(QStringLiteral("completed"));
}

void SimulatedCall::endCall(const QString &finalStatus)
{
    if (m_ending)
        return;
    m_ending = true;
    m_walkPending = false;
    m_finalStatus = finalStatus;
    const int duration = finalStatus == QLatin1String("completed") ? durationSeconds() : 0;
    Q_EMIT narration(QStringLiteral("  call over: %1, %2 s on the simulated clock")
                         .arg(finalStatus)
                         .arg(duration));
    const QUrl statusUrl = m_settings.urls.serviceUrl(webhookPath(WebhookKind::Status));
    enqueue(Expect::Callback, QStringLiteral("status callback"), statusUrl,
            TwilioParameters::statusCallback(m_settings.accountSid, m_callSid, finalStatus,
                                             m_settings.party, duration, clockTime(),
                                             TwilioParameters::sequenceNumber(finalStatus)),
            m_settings.duplicateCallbacks ? 2 : 1);
    if (!m_settings.lateStatus.isEmpty()) {
        // An earlier event delivered after the final one: it must not reopen the call.
        enqueue(Expect::Callback, QStringLiteral("late status callback"), statusUrl,
                TwilioParameters::statusCallback(
                    m_settings.accountSid, m_callSid, m_settings.lateStatus, m_settings.party, -1,
                    m_startedAt, qMin(TwilioParameters::sequenceNumber(m_settings.lateStatus), 2)));
    }
}

void SimulatedCall::finish()
{
    m_finished = true;
    m_result.keys = m_walker.keysPressed();
    m_result.dialStatus = m_walker.dialStatus();
    m_result.dialSeconds = m_walker.dialSeconds();
    for (const WalkRecording &recording : m_walker.recordings()) {
        if (recording.seconds > 0) {
            m_result.recordingSid = recording.sid;
            m_result.recordingSeconds = recording.seconds;
        }
    }
    m_result.finalStatus = m_finalStatus;
    m_result.durationSeconds = m_finalStatus == QLatin1String("completed") ? durationSeconds() : 0;
    Q_EMIT finished();
}

} // namespace Switchboard
