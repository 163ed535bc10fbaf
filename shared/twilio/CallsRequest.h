#pragma once

#include "twilio/FormData.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace Switchboard {

// Starts one outbound call through Twilio's REST API: POST
// /2010-04-01/Accounts/{AccountSid}/Calls.json with HTTP Basic auth. Twilio answers 201 with
// the new call as JSON, or an error as {"code", "message", "more_info", "status"}. The answer
// is read up to a bound and checked: a stranger between here and Twilio may send anything.
class CallsRequest final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CallsRequest)

public:
    struct Options
    {
        QUrl apiBase; // e.g. https://api.twilio.com
        QString accountSid;
        QByteArray authToken;
        int timeoutMs = 30000;
        qint64 maxAnswerBytes = 64 * 1024; // a call's JSON is about 2 KiB
    };

    // What Twilio should do: ring `to`, showing `from`, then fetch its TwiML from `url`.
    struct Call
    {
        QString to;
        QString from;
        QString url;
        QString statusCallback;
        QStringList statusCallbackEvents; // initiated, ringing, answered, completed
    };

    struct Failure
    {
        enum class Kind
        {
            Refused,     // before any request: a setting or number is not acceptable
            Network,     // no HTTP answer: host unreachable, timeout, TLS
            Credentials, // 401 or 403: the Account SID or auth token is wrong
            Rejected,    // another 4xx: Twilio refused the call (its message says why)
            Server,      // 5xx, a redirect or an answer that is not Twilio's
        };
        Kind kind = Kind::Network;
        int httpStatus = 0; // 0 when no HTTP answer arrived
        int twilioCode = 0; // Twilio's error code, when its answer had one
        QString message;    // one line, for a person
    };

    static constexpr qsizetype kMaxMessageChars = 300;

    CallsRequest(QNetworkAccessManager *network, const Options &options, QObject *parent = nullptr);
    ~CallsRequest() override;

    // The Calls endpoint of an account under `apiBase`.
    static QUrl endpoint(const QUrl &apiBase, const QString &accountSid);
    // The form Twilio reads the call from.
    static FormData form(const Call &call);
    // Why these options or this call may not be sent; empty when they may. Credentials go over
    // HTTPS only (plain HTTP to this machine's loopback is allowed, for the simulator).
    static QString refusal(const Options &options, const Call &call);
    // Reads Twilio's answer: the new CallSid, or why there is none.
    static QString callSidOf(int httpStatus, const QByteArray &body, Failure *failure);

    // Sends the request; answers with created() or failed(), once.
    void start(const Call &call);
    bool isPending() const { return !m_reply.isNull(); }

Q_SIGNALS:
    void created(const QString &callSid);
    void failed(const CallsRequest::Failure &failure);

private:
    void onFinished(QNetworkReply *reply);
    void fail(Failure::Kind kind, const QString &message, int httpStatus = 0, int code = 0);

    QNetworkAccessManager *m_network;
    Options m_options;
    QPointer<QNetworkReply> m_reply;
};

} // namespace Switchboard
