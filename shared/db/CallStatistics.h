#pragma once

#include "core/CallStatus.h"

#include <array>
#include <functional>
#include <optional>
#include <QDate>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QTimeZone>
#include <QVariantList>

namespace Switchboard {

class Database;

// The calls that started in [from, to), bucketed by day and hour of day in `zone`.
struct StatisticsRange
{
    QDateTime from;
    QDateTime to;
    QTimeZone zone;

    // The days `first` to `last` (both included) of `zone`, midnight to midnight, whatever
    // length daylight saving gives them.
    static StatisticsRange days(const QDate &first, const QDate &last, const QTimeZone &zone);
    bool operator==(const StatisticsRange &other) const
    {
        return from == other.from && to == other.to && zone == other.zone;
    }
};

// How many calls ended each way, indexed by Outcome.
struct OutcomeCounts
{
    static constexpr int kOutcomes = int(Outcome::Blocked) + 1;
    std::array<qint64, kOutcomes> counts{};

    qint64 &operator[](Outcome outcome) { return counts[size_t(outcome)]; }
    qint64 operator[](Outcome outcome) const { return counts[size_t(outcome)]; }
    qint64 total() const;
};

struct DayFigures
{
    QDate date; // in the range's zone
    OutcomeCounts calls;
};

// One member's answered calls, as the call log names who answered (answered_by_*).
struct MemberFigures
{
    QString name;   // empty: the log does not say (a call forwarded before routing)
    QString number; // E.164, or empty
    qint64 answered = 0;
    qint64 talkSeconds = 0;
    std::optional<double> averageTalkSeconds;
};

struct CallFigures
{
    QList<DayFigures> days;              // every day of the range, those without calls too
    std::array<OutcomeCounts, 24> hours; // by local hour of day over the whole range
    OutcomeCounts total;
    // Answered among the calls that ended and were not blocked; nothing without such calls.
    std::optional<double> answerRate;
    std::optional<double> medianSecondsToAnswer; // start of the call to a member answering
    std::optional<double> averageTalkSeconds;
    QList<MemberFigures> members;  // most answered first
    bool membersTruncated = false; // more members answered than kMaxMembers
    qint64 voicemails = 0;
    qint64 voicemailsHeard = 0;                 // heard by anyone (voicemails.heard_at)
    std::optional<double> medianSecondsToHeard; // the recording stored to its first hearing
};

// The Statistics view's figures, computed by the database: every query aggregates (grouped
// by hour, member...), so a range of a million calls returns a few thousand rows at most.
// All of them read one snapshot of the log. Each engine's SQL is written out in full in
// StatisticsSql.cpp.
class CallStatistics final
{
public:
    static constexpr int kMaxDays = 366;
    static constexpr int kMaxMembers = 100;
    static constexpr int kMaxNameChars = 200;

    explicit CallStatistics(Database &database);
    Q_DISABLE_COPY_MOVE(CallStatistics)

    // Nothing, with lastError() set, on a database error or an invalid range (empty, reversed,
    // longer than kMaxDays, or without a valid zone).
    std::optional<CallFigures> compute(const StatisticsRange &range);

    QString lastError() const { return m_lastError; }

private:
    // Runs `sql` with the range's bounds and `moreValues` bound, {LOCAL_MS} replaced by
    // `localTime`, and hands each row to `row`.
    bool run(const QString &sql, const StatisticsRange &range, const QString &localTime,
             const QVariantList &moreValues, const std::function<void(const QVariantList &)> &row);

    Database &m_database;
    QString m_lastError;
};

} // namespace Switchboard
