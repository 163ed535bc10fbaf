#include "CallStatus.h"

#include <array>
#include <utility>

namespace Switchboard {
namespace {

template<typename Enum, std::size_t N>
Enum fromString(const std::array<std::pair<Enum, const char *>, N> &names, const QString &text,
                Enum fallback)
{
    for (const auto &[value, name] : names) {
        if (text == QLatin1String(name))
            return value;
    }
    return fallback;
}

template<typename Enum, std::size_t N>
QString toString(const std::array<std::pair<Enum, const char *>, N> &names, Enum value)
{
    for (const auto &[candidate, name] : names) {
        if (candidate == value)
            return QString::fromLatin1(name);
    }
    return {};
}

constexpr std::array<std::pair<CallStatus, const char *>, 10> kStatusNames{{
    {CallStatus::Unknown, ""},
    {CallStatus::Queued, "queued"},
    {CallStatus::Initiated, "initiated"},
    {CallStatus::Ringing, "ringing"},
    {CallStatus::InProgress, "in-progress"},
    {CallStatus::Completed, "completed"},
    {CallStatus::Busy, "busy"},
    {CallStatus::NoAnswer, "no-answer"},
    {CallStatus::Failed, "failed"},
    {CallStatus::Canceled, "canceled"},
}};

constexpr std::array<std::pair<Outcome, const char *>, 6> kOutcomeNames{{
    {Outcome::InProgress, "in-progress"},
    {Outcome::Answered, "answered"},
    {Outcome::Voicemail, "voicemail"},
    {Outcome::Missed, "missed"},
    {Outcome::Abandoned, "abandoned"},
    {Outcome::Blocked, "blocked"},
}};

constexpr std::array<std::pair<CallReason, const char *>, 5> kReasonNames{{
    {CallReason::None, ""},
    {CallReason::AfterHours, "after-hours"},
    {CallReason::Blocked, "blocked"},
    {CallReason::NoOneAccepted, "no-one-accepted"},
    {CallReason::Declined, "declined"},
}};

constexpr std::array<std::pair<LegResult, const char *>, 8> kLegResultNames{{
    {LegResult::Ringing, "ringing"},
    {LegResult::Accepted, "accepted"},
    {LegResult::Declined, "declined"},
    {LegResult::Voicemail, "voicemail"},
    {LegResult::NoAnswer, "no-answer"},
    {LegResult::Busy, "busy"},
    {LegResult::Failed, "failed"},
    {LegResult::Canceled, "canceled"},
}};

constexpr std::array<std::pair<MenuChoice, const char *>, 3> kMenuChoiceNames{{
    {MenuChoice::None, ""},
    {MenuChoice::Forward, "forward"},
    {MenuChoice::Voicemail, "voicemail"},
}};

constexpr std::array<std::pair<DownloadState, const char *>, 3> kDownloadStateNames{{
    {DownloadState::Pending, "pending"},
    {DownloadState::Downloaded, "downloaded"},
    {DownloadState::Failed, "failed"},
}};

int rank(CallStatus status)
{
    switch (status) {
    case CallStatus::Unknown:
        return 0;
    case CallStatus::Queued:
        return 1;
    case CallStatus::Initiated:
        return 2;
    case CallStatus::Ringing:
        return 3;
    case CallStatus::InProgress:
        return 4;
    default:
        return 5;
    }
}

} // namespace

CallStatus callStatusFromString(const QString &text)
{
    return fromString(kStatusNames, text, CallStatus::Unknown);
}

QString callStatusToString(CallStatus status)
{
    return toString(kStatusNames, status);
}

bool isFinal(CallStatus status)
{
    return rank(status) == rank(CallStatus::Completed);
}

CallStatus advanceStatus(CallStatus current, CallStatus incoming)
{
    if (isFinal(current))
        return current;
    return rank(incoming) > rank(current) ? incoming : current;
}

Outcome outcomeFromString(const QString &text)
{
    return fromString(kOutcomeNames, text, Outcome::InProgress);
}

QString outcomeToString(Outcome outcome)
{
    return toString(kOutcomeNames, outcome);
}

CallReason callReasonFromString(const QString &text)
{
    return fromString(kReasonNames, text, CallReason::None);
}

QString callReasonToString(CallReason reason)
{
    return toString(kReasonNames, reason);
}

LegResult legResultFromString(const QString &text)
{
    return fromString(kLegResultNames, text, LegResult::Ringing);
}

QString legResultToString(LegResult result)
{
    return toString(kLegResultNames, result);
}

MenuChoice menuChoiceFromString(const QString &text)
{
    return fromString(kMenuChoiceNames, text, MenuChoice::None);
}

QString menuChoiceToString(MenuChoice choice)
{
    return toString(kMenuChoiceNames, choice);
}

DownloadState downloadStateFromString(const QString &text)
{
    return fromString(kDownloadStateNames, text, DownloadState::Pending);
}

QString downloadStateToString(DownloadState state)
{
    return toString(kDownloadStateNames, state);
}

} // namespace Switchboard
