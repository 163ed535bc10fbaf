#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace Switchboard {

// One member's leg of a <Dial>, as it ended.
struct LegReport
{
    QString name;      // the --legs name, or the number
    QString number;    // the <Number> dialled
    QString sid;       // the leg's CallSid
    QString behaviour; // what the script had the member do: accept, decline, ...
    QString result;    // accepted, declined, voicemail, busy, no-answer, failed, canceled, error
    QString status;    // the leg's final CallStatus
    int seconds = 0;   // CallDuration
    QStringList keys;  // pressed during the whisper

    QJsonObject toJson() const;
    QString summary() const;
};

} // namespace Switchboard
