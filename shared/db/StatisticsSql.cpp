#include "StatisticsSql.h"

namespace Switchboard {

// Shared by both engines' statements below: only `begin` and the medians differ.
//
// Every figure is over calls.started_at in [?, ?), which the index on started_at finds. A
// value the log should never hold (an answer before the call started, a negative talk time) is
// left out of the figures rather than let it drag them.

const StatisticsSql &StatisticsSql::sqlite()
{
    static const StatisticsSql sql{
        // Deferred: the snapshot is taken by the first SELECT and held until COMMIT.
        {QStringLiteral("BEGIN")},
        QStringLiteral("COMMIT"),

        QStringLiteral("SELECT ({LOCAL_MS}) / 3600000 AS local_hour, outcome, COUNT(*)"
                       " FROM calls"
                       " WHERE started_at >= ? AND started_at < ?"
                       " GROUP BY local_hour, outcome"),

        QStringLiteral("SELECT answered_by_name, answered_by_number, COUNT(*) AS answered,"
                       " SUM(CASE WHEN talk_duration_s >= 0 THEN talk_duration_s ELSE 0 END),"
                       " COUNT(CASE WHEN talk_duration_s >= 0 THEN 1 END)"
                       " FROM calls"
                       " WHERE started_at >= ? AND started_at < ? AND outcome = 'answered'"
                       " GROUP BY answered_by_name, answered_by_number"
                       " ORDER BY answered DESC, answered_by_name, answered_by_number"
                       " LIMIT 101"),

        // The median: the middle row, or the mean of the two middle rows, of the waits in
        // order.
        QStringLiteral("WITH answered AS ("
                       "  SELECT CASE WHEN answered_at >= started_at"
                       "    THEN answered_at - started_at END AS wait_ms,"
                       "   CASE WHEN talk_duration_s >= 0 THEN talk_duration_s END AS talk_s"
                       "  FROM calls"
                       "  WHERE started_at >= ? AND started_at < ? AND outcome = 'answered'),"
                       " waits AS ("
                       "  SELECT wait_ms, ROW_NUMBER() OVER (ORDER BY wait_ms) AS position,"
                       "   COUNT(*) OVER () AS n"
                       "  FROM answered WHERE wait_ms IS NOT NULL)"
                       " SELECT (SELECT AVG(wait_ms) FROM waits"
                       "   WHERE position IN ((n + 1) / 2, (n + 2) / 2)),"
                       "  (SELECT AVG(talk_s) FROM answered)"),

        // Only a call that left a message has a voicemails row, and its outcome is then
        // 'voicemail': the filter saves looking up every other call of the range.
        QStringLiteral("WITH messages AS ("
                       "  SELECT v.heard_at, CASE WHEN v.heard_at >= v.created_at"
                       "    THEN v.heard_at - v.created_at END AS delay_ms"
                       "  FROM calls c JOIN voicemails v ON v.call_sid = c.call_sid"
                       "  WHERE c.started_at >= ? AND c.started_at < ?"
                       "   AND c.outcome = 'voicemail'),"
                       " delays AS ("
                       "  SELECT delay_ms, ROW_NUMBER() OVER (ORDER BY delay_ms) AS position,"
                       "   COUNT(*) OVER () AS n"
                       "  FROM messages WHERE delay_ms IS NOT NULL)"
                       " SELECT (SELECT COUNT(*) FROM messages),"
                       "  (SELECT COUNT(heard_at) FROM messages),"
                       "  (SELECT AVG(delay_ms) FROM delays"
                       "   WHERE position IN ((n + 1) / 2, (n + 2) / 2))"),
    };
    return sql;
}

const StatisticsSql &StatisticsSql::postgres()
{
    static const StatisticsSql sql{
        // JIT compiling costs PostgreSQL 15 about 100 ms on a plan as big as these, more than
        // running them: off for this transaction only.
        {QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"),
         QStringLiteral("SET LOCAL jit = off")},
        QStringLiteral("COMMIT"),

        QStringLiteral("SELECT ({LOCAL_MS}) / 3600000 AS local_hour, outcome, COUNT(*)"
                       " FROM calls"
                       " WHERE started_at >= ? AND started_at < ?"
                       " GROUP BY local_hour, outcome"),

        QStringLiteral("SELECT answered_by_name, answered_by_number, COUNT(*) AS answered,"
                       " SUM(CASE WHEN talk_duration_s >= 0 THEN talk_duration_s ELSE 0 END),"
                       " COUNT(CASE WHEN talk_duration_s >= 0 THEN 1 END)"
                       " FROM calls"
                       " WHERE started_at >= ? AND started_at < ? AND outcome = 'answered'"
                       " GROUP BY answered_by_name, answered_by_number"
                       " ORDER BY answered DESC, answered_by_name, answered_by_number"
                       " LIMIT 101"),

        // percentile_cont(0.5) is the middle value, or the mean of the two middle values; it
        // skips NULLs, as AVG does.
        QStringLiteral("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY"
                       "   CASE WHEN answered_at >= started_at THEN answered_at - started_at END),"
                       "  AVG(CASE WHEN talk_duration_s >= 0 THEN talk_duration_s END)"
                       " FROM calls"
                       " WHERE started_at >= ? AND started_at < ? AND outcome = 'answered'"),

        QStringLiteral("SELECT COUNT(*), COUNT(v.heard_at),"
                       "  percentile_cont(0.5) WITHIN GROUP (ORDER BY"
                       "   CASE WHEN v.heard_at >= v.created_at THEN v.heard_at - v.created_at END)"
                       " FROM calls c JOIN voicemails v ON v.call_sid = c.call_sid"
                       " WHERE c.started_at >= ? AND c.started_at < ?"
                       "  AND c.outcome = 'voicemail'"),
    };
    return sql;
}

} // namespace Switchboard
