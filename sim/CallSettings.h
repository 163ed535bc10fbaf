#pragma once

#include "CallScript.h"
#include "UrlMapper.h"

#include <QByteArray>
#include <QString>

namespace Switchboard {

// What every call of a run shares: who "Twilio" is, where the service is, how to behave.
struct CallSettings
{
    QString accountSid;
    QByteArray authToken;
    UrlMapper urls;
    CallParty party;
    int delayMs = 0;                 // real pause before each request, for live demos
    bool duplicateCallbacks = false; // send every callback twice, as Twilio's retries do
    QString lateStatus;              // sent after the final status, with a lower SequenceNumber
    int maxRequests = 50;            // TwiML requests per call before calling it a loop
    int requestTimeoutMs = 15000;    // Twilio gives a webhook about 15 s
};

} // namespace Switchboard
