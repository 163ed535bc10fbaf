#pragma once

#include "core/CallRecord.h"

#include <optional>
#include <QDateTime>
#include <QString>

namespace Switchboard::CallFormat {

// How the feed and the details pane word a call. Kept together so both say the same thing.

// "14:32" today, "Yesterday 09:05", "24 Nov 14:32" this year, "24 Nov 2025" before.
QString feedTime(const QDateTime &time, const QDateTime &now = QDateTime::currentDateTime());
QString fullTime(const QDateTime &time); // local date and time with seconds

QString duration(const std::optional<int> &seconds); // "0:42", "1:02:05", "–" when unknown
QString caller(const CallRecord &call);              // the name when known, else the number
QString callerNumber(const CallRecord &call);        // the number under a known name
QString place(const CallRecord &call);               // "Portland, OR, US"
QString outcome(Outcome outcome);
QString reason(CallReason reason); // empty for None
// The feed's outcome: "Answered · Alice Martin", "Voicemail · after hours".
QString outcomeLine(const CallRecord &call);
QString legResult(LegResult result);
QString outcomeIconName(Outcome outcome); // the icon in resources/icons/
QString status(CallStatus status);
QString menuChoice(MenuChoice choice);
QString voicemailState(const Voicemail &voicemail); // "Ready", "Downloading…", "Download failed"
// A call back's result: "reached", "not reached", "calling…".
QString callBackResult(Outcome outcome);
// "Called back by Alice · 10:42 · reached".
QString calledBack(const CallBackSummary &callBack,
                   const QDateTime &now = QDateTime::currentDateTime());

} // namespace Switchboard::CallFormat
