#pragma once

#include "CallResult.h"
#include "CallScript.h"
#include "CallSettings.h"
#include "TwimlWalker.h"

#include <optional>
#include <QDateTime>
#include <QList>
#include <QObject>
#include <QUrl>
#include <twilio/FormData.h>

class QNetworkAccessManager;
class QNetworkReply;

namespace Switchboard {

class MediaServer;

// One inbound call, played the way Twilio would: signed webhook POSTs, TwiML followed verb by
// verb (by TwimlWalker), recording and status callbacks. Requests are strictly sequential.
class SimulatedCall final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulatedCall)

public:
    // `media` may be null: recordings then get a URL nobody serves.
    SimulatedCall(int index, const CallSettings &settings, const CallScript &script,
                  QNetworkAccessManager *network, MediaServer *media, QObject *parent = nullptr);

    void start();
    const CallResult &result() const { return m_result; }

Q_SIGNALS:
    void narration(const QString &line);
    void finished();

private:
    enum class Expect
    {
        Twiml,        // follow the TwiML in the answer
        IgnoredTwiml, // the caller hung up: Twilio makes the request but ignores the answer
        Callback,     // status callbacks: only the HTTP status matters
        LegTwiml,     // TwiML for a member's leg of a <Dial>; a failure ends that leg only
        LegCallback,  // a leg's status callback; a failure is reported, the call goes on
    };

    struct Outgoing
    {
        Expect expect = Expect::Callback;
        QString purpose;
        QUrl url; // as Twilio would request it (public form); mapped when sent
        FormData params;
        int copies = 1;
        QByteArray idempotencyToken;
    };

    void enqueue(Expect expect, const QString &purpose, const QUrl &url, const FormData &params,
                 int copies = 1);
    void pump();
    void send(const Outgoing &outgoing);
    void onReply(QNetworkReply *reply, Outgoing outgoing);
    std::optional<TwimlDocument> readTwiml(QNetworkReply *reply, const QByteArray &body,
                                           const Outgoing &outgoing, QString *error);
    void walk();
    void queueRecordingCallback(const WalkRecording &recording, const QString &status);
    void queueTranscriptionCallback(const WalkRecording &recording);
    void queueLegStep(const WalkStep &step);
    void endCall(const QString &finalStatus);
    void fail(const QString &error);
    void finish();
    QDateTime clockTime() const;
    int durationSeconds() const;

    int m_index;
    CallSettings m_settings;
    CallScript m_script;
    QNetworkAccessManager *m_network;
    MediaServer *m_media;
    TwimlWalker m_walker;
    QString m_callSid;
    QDateTime m_startedAt;
    QList<Outgoing> m_queue;
    bool m_inFlight = false;
    bool m_walkPending = false;
    bool m_ending = false;
    bool m_finished = false;
    int m_twimlRequests = 0;
    int m_requestsSent = 0;
    QString m_finalStatus;
    CallResult m_result;
};

} // namespace Switchboard
