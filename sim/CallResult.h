#pragma once

#include "LegReport.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace Switchboard {

// One HTTP request the sim made for a call, and how the service answered.
struct HttpExchange
{
    QString purpose; // "voice", "gather action", "status callback", ...
    QString url;     // as sent
    int status = 0;  // 0: no HTTP answer (connection refused, time-out)
};

// What happened during one simulated call, for the printed summary and --json.
struct CallResult
{
    int index = 0;
    QString callSid;
    QString branch;
    QStringList keys;
    QString dialStatus; // empty: no <Dial>
    int dialSeconds = 0;
    QString recordingSid; // empty: nothing recorded
    int recordingSeconds = 0;
    QList<LegReport> legs;       // every member's leg, of every <Dial>, in order
    QString transcriptionStatus; // empty: no transcription callback sent
    QList<HttpExchange> exchanges;
    QString finalStatus;
    int durationSeconds = 0;
    QStringList errors; // non-2xx answers, invalid TwiML, loops, network failures

    bool ok() const { return errors.isEmpty(); }
    QJsonObject toJson() const;
    QString summary() const; // one human-readable line
};

} // namespace Switchboard
