#include "StatisticsSql.h"

namespace Switchboard {

// Both engines read the same rows the same way but for `begin` and the medians. A value the
// log should never hold (an answer before the call started, a negative talk time, a voicemail
// heard before it was recorded) is left out of the figures rather than let it drag them. Calls
// are the line's, inbound: a call back the desktop placed is the team's work, not a caller's.

const StatisticsSql &StatisticsSql::sqlite()
{
    static const StatisticsSql sql{
        // Deferred: the snapshot is taken by the first SELECT and held until COMMIT.
        {QStringLiteral("BEGIN")},
        QStringLiteral("COMMIT"),

        QStringLiteral("SELECT ({LOCAL_MS}) / 3600000 AS local_hour, outcome, COUNT(*),"
                       " COUNT(CASE WHEN outcome = 'answered' AND answered_at >= started_at"
                       "  THEN 1 END),"
                       " SUM(CASE WHEN outcome = 'answered' AND talk_duration_s >= 0"
                       "  THEN talk_duration_s ELSE 0 END),"
                       " COUNT(CASE WHEN outcome = 'answered' AND talk_duration_s >= 0"
                       "  THEN 1 END)"
                       " FROM calls"
                       " WHERE started_at >= ? AND started_at < ? AND direction = 'inbound'"
                       " GROUP BY local_hour, outcome"),

        QStringLiteral("SELECT answered_by_name, answered_by_number, COUNT(*) AS answered,"
                       " SUM(CASE WHEN talk_duration_s >= 0 THEN talk_duration_s ELSE 0 END),"
                       " COUNT(CASE WHEN talk_duration_s >= 0 THEN 1 END)"
                       " FROM calls"
                       " WHERE started_at >= ? AND started_at < ? AND direction = 'inbound' AND "
                       "outcome = 'answered'"
                       " GROUP BY answered_by_name, answered_by_number"
                       " ORDER BY answered DESC, answered_by_name, answered_by_number"
                       " LIMIT 101"),

        // The median: the middle wait, or the mean of the two middle ones, the count of
        // waits coming from `buckets` (LIMIT 1 or 2 OFFSET (n - 1) / 2). Cheaper than
        // ROW_NUMBER() over the same rows: SQLite's sorter keeps only the first rows.
        QStringLiteral("SELECT AVG(wait_ms) FROM ("
                       " SELECT answered_at - started_at AS wait_ms FROM calls"
                       " WHERE started_at >= ? AND started_at < ? AND direction = 'inbound' AND "
                       "outcome = 'answered'"
                       "  AND answered_at >= started_at"
                       " ORDER BY wait_ms LIMIT ? OFFSET ?)"),

        QStringLiteral("SELECT COUNT(*), COUNT(heard_at),"
                       " COUNT(CASE WHEN heard_at >= created_at THEN 1 END)"
                       " FROM voicemails"
                       " WHERE created_at >= ? AND created_at < ?"),

        QStringLiteral("SELECT AVG(delay_ms) FROM ("
                       " SELECT heard_at - created_at AS delay_ms FROM voicemails"
                       " WHERE created_at >= ? AND created_at < ? AND heard_at >= created_at"
                       " ORDER BY delay_ms LIMIT ? OFFSET ?)"),
    };
    return sql;
}

const StatisticsSql &StatisticsSql::postgres()
{
    static const StatisticsSql sql{
        // JIT compiling costs PostgreSQL 15 more than running these statements: off for this
        // transaction only.
        {QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"),
         QStringLiteral("SET LOCAL jit = off")},
        QStringLiteral("COMMIT"),

        QStringLiteral("SELECT ({LOCAL_MS}) / 3600000 AS local_hour, outcome, COUNT(*),"
                       " COUNT(*) FILTER (WHERE outcome = 'answered'"
                       "  AND answered_at >= started_at),"
                       " COALESCE(SUM(talk_duration_s) FILTER (WHERE outcome = 'answered'"
                       "  AND talk_duration_s >= 0), 0),"
                       " COUNT(*) FILTER (WHERE outcome = 'answered' AND talk_duration_s >= 0)"
                       " FROM calls"
                       " WHERE started_at >= ? AND started_at < ? AND direction = 'inbound'"
                       " GROUP BY local_hour, outcome"),

        QStringLiteral("SELECT answered_by_name, answered_by_number, COUNT(*) AS answered,"
                       " COALESCE(SUM(talk_duration_s) FILTER (WHERE talk_duration_s >= 0), 0),"
                       " COUNT(*) FILTER (WHERE talk_duration_s >= 0)"
                       " FROM calls"
                       " WHERE started_at >= ? AND started_at < ? AND direction = 'inbound' AND "
                       "outcome = 'answered'"
                       " GROUP BY answered_by_name, answered_by_number"
                       " ORDER BY answered DESC, answered_by_name, answered_by_number"
                       " LIMIT 101"),

        // percentile_cont(0.5): the middle value, or the mean of the two middle values.
        QStringLiteral("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY"
                       "  answered_at - started_at)"
                       " FROM calls"
                       " WHERE started_at >= ? AND started_at < ? AND direction = 'inbound' AND "
                       "outcome = 'answered'"
                       "  AND answered_at >= started_at"),

        QStringLiteral("SELECT COUNT(*), COUNT(heard_at),"
                       " COUNT(*) FILTER (WHERE heard_at >= created_at)"
                       " FROM voicemails"
                       " WHERE created_at >= ? AND created_at < ?"),

        QStringLiteral("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY"
                       "  heard_at - created_at)"
                       " FROM voicemails"
                       " WHERE created_at >= ? AND created_at < ? AND heard_at >= created_at"),
    };
    return sql;
}

} // namespace Switchboard
