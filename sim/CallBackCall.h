#pragma once

#include "CallScript.h"
#include "CallSettings.h"
#include "RestCalls.h"
#include "twilio/FormData.h"

#include <functional>
#include <QObject>
#include <QStringList>

class QNetworkAccessManager;
class QNetworkReply;

namespace Switchboard {

// Plays both legs of a call placed through the REST Calls endpoint, as Twilio would: the
// status callbacks asked for, the staff phone picking up (its Url fetched, signed), the
// <Dial> followed to the caller, who behaves as `caller` says, the dial action and the final
// status callback.
class CallBackCall final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CallBackCall)

public:
    // `staff`: how the staff phone answers (Talk: it picks up; NoAnswer, Busy, Failed: the
    // call ends there, the Url is never fetched); `caller`: how the caller's phone does.
    CallBackCall(const CallSettings &settings, const RestCalls::Order &order, const FarEnd &staff,
                 const FarEnd &caller, QNetworkAccessManager *network, QObject *parent = nullptr);

    void start();

    // What happened, for the narration: the number dialled, the caller ID shown, the result.
    QString summary() const;
    bool ok() const { return m_errors.isEmpty(); }

Q_SIGNALS:
    void narration(const QString &line);
    void finished();

private:
    FormData callParams(const QString &status) const;
    // POSTs `params` to `url`, signed; `then` gets the status and body (status 0: no answer).
    void post(const QString &url, const FormData &params, const QString &purpose,
              std::function<void(int, const QByteArray &)> then);
    void sendStatus(QStringList events, std::function<void()> then);
    void onStaffTwiml(int status, const QByteArray &body);
    void end();

    CallSettings m_settings;
    RestCalls::Order m_order;
    FarEnd m_staff;
    FarEnd m_caller;
    QString m_finalStatus = QStringLiteral("completed");
    QNetworkAccessManager *m_network;
    QString m_dialled;
    QString m_callerId;
    QString m_dialStatus;
    int m_talkSeconds = 0;
    QStringList m_errors;
};

} // namespace Switchboard
