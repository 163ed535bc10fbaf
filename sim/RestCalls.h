#pragma once

#include "twilio/FormData.h"

#include <optional>
#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>

class QHttpServerRequest;
class QHttpServerResponse;

namespace Switchboard {

// Plays Twilio's REST Calls endpoint, POST /2010-04-01/Accounts/{AccountSid}/Calls.json, as
// the desktop's "Call back" uses it: HTTP Basic auth (401 with Twilio's JSON error), the form
// fields Twilio requires (400 with its code and message), and 201 with the new call as JSON.
class RestCalls final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestCalls)

public:
    // A call Twilio accepted to place.
    struct Order
    {
        QString callSid;
        QString to;
        QString from;
        QString url;
        QString statusCallback;
        QStringList statusCallbackEvents;
    };

    RestCalls(const QString &accountSid, const QByteArray &authToken, QObject *parent = nullptr);

    // The answer to one request for `account`'s Calls; emits ordered() when it places a call.
    QHttpServerResponse handle(const QString &account, const QHttpServerRequest &request);

    // Twilio's error body: {"code", "message", "more_info", "status"}.
    static QByteArray errorJson(int code, const QString &message, int status);

Q_SIGNALS:
    void ordered(const RestCalls::Order &order);
    void refused(int status, const QString &message);

private:
    QHttpServerResponse error(int code, const QString &message, int status);

    QString m_accountSid;
    QByteArray m_expectedAuthorization;
};

} // namespace Switchboard
