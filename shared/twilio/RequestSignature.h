#pragma once

#include "FormData.h"

#include <QByteArray>
#include <QString>

namespace Switchboard {

// Twilio's X-Twilio-Signature: base64(HMAC-SHA1(authToken, url + sorted name/value pairs)).
class RequestSignature final
{
public:
    // The bytes Twilio signs: the URL, then each parameter's name and value, sorted by name.
    static QByteArray payload(const QString &url, const FormData &params);

    static QByteArray compute(const QByteArray &authToken, const QString &url,
                              const FormData &params);

    // Accepts the URL as given and with its default port added or removed, as Twilio's own
    // helper libraries do, because proxies differ in whether they keep ":443".
    static bool isValid(const QByteArray &authToken, const QString &url, const FormData &params,
                        const QByteArray &signature);
};

} // namespace Switchboard
