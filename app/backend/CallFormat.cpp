#include "CallFormat.h"

#include <QCoreApplication>
#include <QLocale>
#include <QStringList>

namespace Switchboard::CallFormat {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("CallFormat", text);
}

} // namespace

QString feedTime(const QDateTime &time, const QDateTime &now)
{
    if (!time.isValid())
        return {};
    const QDateTime local = time.toLocalTime();
    const QDate today = now.toLocalTime().date();
    const QString clock = local.toString(QStringLiteral("HH:mm"));
    if (local.date() == today)
        return clock;
    if (local.date() == today.addDays(-1))
        return tr("Yesterday %1").arg(clock);
    if (local.date().year() == today.year())
        return QLocale().toString(local.date(), QStringLiteral("d MMM ")) + clock;
    return QLocale().toString(local.date(), QStringLiteral("d MMM yyyy"));
}

QString fullTime(const QDateTime &time)
{
    if (!time.isValid())
        return QStringLiteral("–");
    return QLocale().toString(time.toLocalTime(), QStringLiteral("ddd d MMM yyyy, HH:mm:ss"));
}

QString duration(const std::optional<int> &seconds)
{
    if (!seconds)
        return QStringLiteral("–");
    const int s = *seconds;
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg(s / 60 % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString caller(const CallRecord &call)
{
    if (call.direction == CallDirection::Outbound)
        return tr("Call back to %1").arg(call.forwardedTo.isEmpty() ? tr("…") : call.forwardedTo);
    if (!call.callerName.isEmpty())
        return call.callerName;
    if (!call.from.isEmpty())
        return call.from;
    return tr("Unknown caller");
}

QString callerNumber(const CallRecord &call)
{
    if (call.direction == CallDirection::Outbound)
        return {};
    return call.callerName.isEmpty() ? QString() : call.from;
}

QString place(const CallRecord &call)
{
    QStringList parts;
    for (const QString &part : {call.fromCity, call.fromState, call.fromCountry}) {
        if (!part.isEmpty())
            parts << part;
    }
    return parts.join(QStringLiteral(", "));
}

QString outcome(Outcome outcome)
{
    switch (outcome) {
    case Outcome::InProgress:
        return tr("Live");
    case Outcome::Answered:
        return tr("Answered");
    case Outcome::Voicemail:
        return tr("Voicemail");
    case Outcome::Missed:
        return tr("Missed");
    case Outcome::Abandoned:
        return tr("Abandoned");
    case Outcome::Blocked:
        return tr("Blocked");
    }
    return {};
}

QString reason(CallReason reason)
{
    switch (reason) {
    case CallReason::None:
        return {};
    case CallReason::AfterHours:
        return tr("after hours");
    case CallReason::Blocked:
        return tr("blocked number");
    case CallReason::NoOneAccepted:
        return tr("nobody accepted");
    case CallReason::Declined:
        return tr("declined");
    }
    return {};
}

QString outcomeLine(const CallRecord &call)
{
    if (call.direction == CallDirection::Outbound) {
        QStringList parts{tr("Call back"), call.calledBackBy, callBackResult(call.outcome())};
        parts.removeAll(QString());
        return parts.join(QStringLiteral(" · "));
    }
    QStringList parts{outcome(call.outcome())};
    if (const auto answeredBy = call.answeredBy())
        parts << (answeredBy->name.isEmpty() ? answeredBy->number : answeredBy->name);
    else if (call.outcome() != Outcome::Blocked)
        parts << reason(call.reason());
    parts.removeAll(QString());
    if (call.lastCallBack)
        parts << calledBack(*call.lastCallBack);
    return parts.join(QStringLiteral(" · "));
}

QString callBackResult(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Answered:
        return tr("reached");
    case Outcome::InProgress:
        return tr("calling…");
    default:
        return tr("not reached");
    }
}

QString calledBack(const CallBackSummary &callBack, const QDateTime &now)
{
    const QString who = callBack.by.isEmpty() ? tr("someone") : callBack.by;
    return tr("Called back by %1 · %2 · %3")
        .arg(who, feedTime(callBack.startedAt.toLocalTime(), now),
             callBackResult(callBack.outcome));
}

QString legResult(LegResult result)
{
    switch (result) {
    case LegResult::Ringing:
        return tr("Ringing");
    case LegResult::Accepted:
        return tr("Accepted");
    case LegResult::Declined:
        return tr("Declined");
    case LegResult::Voicemail:
        return tr("Voicemail picked up");
    case LegResult::NoAnswer:
        return tr("No answer");
    case LegResult::Busy:
        return tr("Busy");
    case LegResult::Failed:
        return tr("Failed");
    case LegResult::Canceled:
        return tr("Canceled: another member was first");
    }
    return {};
}

QString outcomeIconName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::InProgress:
        return QStringLiteral(":/icons/live.svg");
    case Outcome::Answered:
        return QStringLiteral(":/icons/answered.svg");
    case Outcome::Voicemail:
        return QStringLiteral(":/icons/voicemail.svg");
    case Outcome::Missed:
        return QStringLiteral(":/icons/missed.svg");
    case Outcome::Abandoned:
        return QStringLiteral(":/icons/abandoned.svg");
    case Outcome::Blocked:
        return QStringLiteral(":/icons/missed.svg");
    }
    return {};
}

QString status(CallStatus status)
{
    switch (status) {
    case CallStatus::Unknown:
        return tr("Unknown");
    case CallStatus::Queued:
        return tr("Queued");
    case CallStatus::Initiated:
        return tr("Initiated");
    case CallStatus::Ringing:
        return tr("Ringing");
    case CallStatus::InProgress:
        return tr("In progress");
    case CallStatus::Completed:
        return tr("Completed");
    case CallStatus::Busy:
        return tr("Busy");
    case CallStatus::NoAnswer:
        return tr("No answer");
    case CallStatus::Failed:
        return tr("Failed");
    case CallStatus::Canceled:
        return tr("Canceled");
    }
    return {};
}

QString menuChoice(MenuChoice choice)
{
    switch (choice) {
    case MenuChoice::None:
        return tr("None");
    case MenuChoice::Forward:
        return tr("1 – talk to someone");
    case MenuChoice::Voicemail:
        return tr("2 – leave a voicemail");
    }
    return {};
}

QString voicemailState(const Voicemail &voicemail)
{
    switch (voicemail.downloadState) {
    case DownloadState::Downloaded:
        return tr("Ready");
    case DownloadState::Pending:
        return voicemail.lastError.isEmpty()
                   ? tr("Downloading…")
                   : tr("Downloading… (last try: %1)").arg(voicemail.lastError);
    case DownloadState::Failed:
        return voicemail.lastError.isEmpty() ? tr("Download failed")
                                             : tr("Download failed: %1").arg(voicemail.lastError);
    }
    return {};
}

} // namespace Switchboard::CallFormat
