#pragma once

#include <QString>
#include <QUrl>

namespace Switchboard {

// What the caller hears, and how long things may take.
struct CallFlowSettings
{
    QUrl publicUrl; // what Twilio requests; action URLs are built from it
    QString forwardTo;
    QString greeting = QStringLiteral(
        "Thank you for calling. To speak to someone, press 1. To leave a message, press 2.");
    QString voice = QStringLiteral("Polly.Joanna");
    QString language = QStringLiteral("en-US");
    int ringTimeoutS = 20;
    int voicemailMaxS = 120;
    int menuRepeats = 3;
};

} // namespace Switchboard
