#include "CallFeedQuery.h"

#include "CallAnnotations.h"
#include "CallRows.h"
#include "Database.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace Switchboard {
namespace {

// A WHERE condition with its positional parameters.
struct Condition
{
    QStringList terms;
    QVariantList values;

    QString sql() const
    {
        return terms.isEmpty() ? QStringLiteral("1 = 1") : terms.join(QStringLiteral(" AND "));
    }
};

QString likePattern(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    escaped.replace(QLatin1Char('%'), QLatin1String("\\%"));
    escaped.replace(QLatin1Char('_'), QLatin1String("\\_"));
    return QLatin1Char('%') + escaped.toLower() + QLatin1Char('%');
}

// Staff type numbers the way they read them ("555 0100", "(555) 010-0"); Twilio stores E.164.
QString digitsOnly(const QString &text)
{
    QString digits;
    for (const QChar c : text) {
        if (c.isDigit())
            digits += c;
    }
    return digits;
}

bool looksLikeNumber(const QString &text)
{
    for (const QChar c : text) {
        if (!c.isDigit() && !QStringLiteral("+-() .").contains(c))
            return false;
    }
    return !digitsOnly(text).isEmpty();
}

// Not heard by the one viewer bound, nor before names were kept (CallAnnotations).
QString unheardBy()
{
    return QStringLiteral("NOT EXISTS (SELECT 1 FROM call_heard h WHERE h.call_sid = c.call_sid"
                          " AND h.heard_by IN (?, ''))");
}

Condition filterCondition(const CallFeedFilter &filter)
{
    Condition condition;
    const QString search = filter.search.trimmed();
    if (!search.isEmpty()) {
        const QString pattern = likePattern(search);
        QString term = QStringLiteral(
            "(LOWER(c.from_number) LIKE ? ESCAPE '\\' OR LOWER(c.caller_name) LIKE ? ESCAPE '\\'"
            " OR LOWER(c.transcription_text) LIKE ? ESCAPE '\\'");
        condition.values << pattern << pattern << pattern;
        if (looksLikeNumber(search)) {
            // Compare digits with digits: strip what people put between them.
            term += QStringLiteral(" OR REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(c.from_number, "
                                   "'+', ''), ' ', ''), '-', ''), '(', ''), ')', '') LIKE ?");
            condition.values << QString(QLatin1Char('%') + digitsOnly(search) + QLatin1Char('%'));
        }
        condition.terms << term + QLatin1Char(')');
    }
    if (filter.outcome) {
        condition.terms << QStringLiteral("c.outcome = ?");
        condition.values << outcomeToString(*filter.outcome);
    }
    if (filter.startedFrom.isValid()) {
        condition.terms << QStringLiteral("c.started_at >= ?");
        condition.values << filter.startedFrom.toMSecsSinceEpoch();
    }
    if (filter.startedBefore.isValid()) {
        condition.terms << QStringLiteral("c.started_at < ?");
        condition.values << filter.startedBefore.toMSecsSinceEpoch();
    }
    if (filter.unheardOnly && filter.viewer.isEmpty()) {
        condition.terms << QStringLiteral("v.call_sid IS NOT NULL AND v.heard_at IS NULL");
    } else if (filter.unheardOnly) {
        condition.terms << QStringLiteral("v.call_sid IS NOT NULL AND ") + unheardBy();
        condition.values << CallAnnotations::normalisedName(filter.viewer);
    }
    if (filter.openOnly)
        condition.terms << CallAnnotations::openCondition();
    const QString tag = CallAnnotations::normalisedTag(filter.tag);
    if (!tag.isEmpty()) {
        condition.terms << QStringLiteral(
            "EXISTS (SELECT 1 FROM call_tags t WHERE t.call_sid = c.call_sid AND t.tag = ?)");
        condition.values << tag;
    }
    return condition;
}

// CallRows::selectSql() with one more column after the ones CallRows::fromQuery() reads.
QString selectWithExtraColumn(const QString &column)
{
    QString sql = CallRows::selectSql();
    const QString from = QStringLiteral(" FROM calls c ");
    const int at = sql.indexOf(from);
    Q_ASSERT(at > 0);
    sql.insert(at, QStringLiteral(", ") + column);
    return sql;
}

int extraColumnIndex()
{
    return CallRows::columnCount(); // fromQuery() reads the columns before it
}

} // namespace

bool CallFeedFilter::isEmpty() const
{
    return *this == CallFeedFilter{};
}

bool CallFeedFilter::operator==(const CallFeedFilter &other) const
{
    return search.trimmed() == other.search.trimmed() && outcome == other.outcome &&
           startedFrom == other.startedFrom && startedBefore == other.startedBefore &&
           unheardOnly == other.unheardOnly &&
           (!unheardOnly || CallAnnotations::normalisedName(viewer) ==
                                CallAnnotations::normalisedName(other.viewer)) &&
           openOnly == other.openOnly &&
           CallAnnotations::normalisedTag(tag) == CallAnnotations::normalisedTag(other.tag);
}

CallFeedKey CallFeedKey::of(const CallRecord &call)
{
    return {call.startedAt.toMSecsSinceEpoch(), call.callSid};
}

bool CallFeedKey::before(const CallFeedKey &other) const
{
    if (startedAtMs != other.startedAtMs)
        return startedAtMs > other.startedAtMs;
    return callSid > other.callSid;
}

CallFeedQuery::CallFeedQuery(Database &database)
    : m_database(database)
{}

std::optional<QList<CallRecord>> CallFeedQuery::page(const CallFeedFilter &filter,
                                                     const std::optional<CallFeedKey> &after,
                                                     int limit)
{
    Condition condition = filterCondition(filter);
    if (after) {
        // The first term bounds the index range; the second breaks ties on started_at.
        condition.terms << QStringLiteral(
            "c.started_at <= ? AND (c.started_at < ? OR c.call_sid < ?)");
        condition.values << after->startedAtMs << after->startedAtMs << after->callSid;
    }
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(CallRows::selectSql() + QStringLiteral(" WHERE ") + condition.sql() +
                  QStringLiteral(" ORDER BY c.started_at DESC, c.call_sid DESC LIMIT ?"));
    for (const QVariant &value : std::as_const(condition.values))
        query.addBindValue(value);
    query.addBindValue(limit);
    if (!query.exec()) {
        m_lastError = query.lastError().text();
        return std::nullopt;
    }
    QList<CallRecord> calls;
    calls.reserve(limit);
    while (query.next())
        calls.append(CallRows::fromQuery(query));
    if (query.lastError().isValid()) {
        m_lastError = query.lastError().text();
        return std::nullopt;
    }
    return calls;
}

bool CallFeedQuery::forEach(const CallFeedFilter &filter,
                            const std::function<bool(const CallRecord &)> &visit, int pageSize)
{
    std::optional<CallFeedKey> after;
    for (;;) {
        const auto calls = page(filter, after, pageSize);
        if (!calls)
            return false;
        for (const CallRecord &call : *calls) {
            if (!visit(call))
                return true;
        }
        if (calls->size() < pageSize)
            return true;
        after = CallFeedKey::of(calls->constLast());
    }
}

std::optional<QList<CallChange>>
CallFeedQuery::changesSince(qint64 revision, const CallFeedFilter &filter, int limit)
{
    const Condition condition = filterCondition(filter);
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(selectWithExtraColumn(QStringLiteral("CASE WHEN ") + condition.sql() +
                                        QStringLiteral(" THEN 1 ELSE 0 END")) +
                  QStringLiteral(" WHERE c.revision > ? ORDER BY c.revision LIMIT ?"));
    for (const QVariant &value : condition.values)
        query.addBindValue(value);
    query.addBindValue(revision - m_database.dialect().revisionLookback());
    query.addBindValue(limit);
    if (!query.exec()) {
        m_lastError = query.lastError().text();
        return std::nullopt;
    }
    QList<CallChange> changes;
    while (query.next())
        changes.append({CallRows::fromQuery(query), query.value(extraColumnIndex()).toInt() == 1});
    if (query.lastError().isValid()) {
        m_lastError = query.lastError().text();
        return std::nullopt;
    }
    return changes;
}

std::optional<qint64> CallFeedQuery::maxRevision()
{
    QSqlQuery query(m_database.connection());
    if (!query.exec(QStringLiteral("SELECT COALESCE(MAX(revision), 0) FROM calls")) ||
        !query.next()) {
        m_lastError = query.lastError().text();
        return std::nullopt;
    }
    const qint64 revision = query.value(0).toLongLong();
    query.finish();
    return revision;
}

std::optional<CallCounters> CallFeedQuery::counters(const QDateTime &startOfToday,
                                                    const QString &viewer)
{
    const QString name = CallAnnotations::normalisedName(viewer);
    const QString unheard =
        name.isEmpty() ? QStringLiteral("(SELECT COUNT(*) FROM voicemails WHERE heard_at IS NULL)")
                       : QStringLiteral("(SELECT COUNT(*) FROM voicemails c WHERE ") + unheardBy() +
                             QLatin1Char(')');
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(
        QStringLiteral("SELECT COUNT(*),"
                       " COALESCE(SUM(CASE WHEN outcome = 'answered' THEN 1 ELSE 0 END), 0),"
                       " COALESCE(SUM(CASE WHEN outcome = 'missed' THEN 1 ELSE 0 END), 0), ") +
        unheard + QStringLiteral(" FROM calls WHERE started_at >= ?"));
    if (!name.isEmpty())
        query.addBindValue(name);
    query.addBindValue(startOfToday.toMSecsSinceEpoch());
    if (!query.exec() || !query.next()) {
        m_lastError = query.lastError().text();
        return std::nullopt;
    }
    CallCounters counters;
    counters.callsToday = query.value(0).toInt();
    counters.answeredToday = query.value(1).toInt();
    counters.missedToday = query.value(2).toInt();
    counters.unheardVoicemails = query.value(3).toInt();
    query.finish();
    return counters;
}

} // namespace Switchboard
