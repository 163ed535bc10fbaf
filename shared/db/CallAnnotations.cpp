#include "CallAnnotations.h"

#include "CallRows.h"
#include "Database.h"

#include <algorithm>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace Switchboard {
namespace {

// How much of a stored string is looked at before normalising it: a row another program
// wrote may hold megabytes where a name belongs.
constexpr int kReadSlack = 4;
// The most heard marks read for one call: a team, not a crowd.
constexpr int kMaxHeardPerCall = 100;
// Calls per summaries() query: the IN list stays well below either engine's parameter limit.
constexpr int kSummaryChunk = 400;

QString withoutControls(const QString &text, bool keepLineBreaks)
{
    QString kept;
    kept.reserve(text.size());
    for (const QChar c : text) {
        if (keepLineBreaks && c == QLatin1Char('\n'))
            kept += c;
        else if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            kept += QLatin1Char(' ');
        else
            kept += c;
    }
    return kept;
}

QString placeholders(qsizetype count)
{
    return QStringList(count, QStringLiteral("?")).join(QLatin1Char(','));
}

QString readName(const QVariant &value)
{
    return CallAnnotations::normalisedName(
               value.toString().left(CallAnnotations::kMaxNameChars * kReadSlack))
        .left(CallAnnotations::kMaxNameChars);
}

QString readNote(const QVariant &value)
{
    return CallAnnotations::normalisedNote(
               value.toString().left(CallAnnotations::kMaxNoteChars * kReadSlack))
        .left(CallAnnotations::kMaxNoteChars);
}

// Adds a tag read back, if it still is one once normalised; returns it (empty: not added).
QString addReadTag(QStringList &tags, const QVariant &value)
{
    if (tags.size() >= CallAnnotations::kMaxTagsPerCall)
        return {};
    const QString tag = CallAnnotations::normalisedTag(
                            value.toString().left(CallAnnotations::kMaxTagChars * kReadSlack))
                            .left(CallAnnotations::kMaxTagChars);
    if (tag.isEmpty() || tags.contains(tag))
        return {};
    tags.append(tag);
    return tag;
}

} // namespace

bool CallHandling::isHeardBy(const QString &name) const
{
    return std::any_of(heard.cbegin(), heard.cend(), [&name](const HeardMark &mark) {
        return mark.by.isEmpty() || mark.by == name;
    });
}

QStringList CallHandling::heardByNames() const
{
    QStringList names;
    for (const HeardMark &mark : heard) {
        if (!mark.by.isEmpty())
            names.append(mark.by);
    }
    return names;
}

bool CallHandling::operator==(const CallHandling &other) const
{
    const auto sameHeard = [](const HeardMark &a, const HeardMark &b) {
        return a.by == b.by && a.at == b.at;
    };
    const auto sameNote = [](const CallNote &a, const CallNote &b) {
        return a.id == b.id && a.author == b.author && a.at == b.at && a.text == b.text;
    };
    const bool sameDone = done.has_value() == other.done.has_value() &&
                          (!done || (done->by == other.done->by && done->at == other.done->at &&
                                     done->note == other.done->note));
    return sameDone && tags == other.tags && noteCount == other.noteCount &&
           std::equal(heard.cbegin(), heard.cend(), other.heard.cbegin(), other.heard.cend(),
                      sameHeard) &&
           std::equal(notes.cbegin(), notes.cend(), other.notes.cbegin(), other.notes.cend(),
                      sameNote);
}

CallAnnotations::CallAnnotations(Database &database)
    : m_database(database)
{}

QString CallAnnotations::normalisedName(const QString &name)
{
    return withoutControls(name, false).simplified();
}

QString CallAnnotations::normalisedTag(const QString &tag)
{
    return normalisedName(tag).toLower();
}

QString CallAnnotations::normalisedNote(const QString &text)
{
    QString note = text;
    note.replace(QLatin1String("\r\n"), QLatin1String("\n"));
    note.replace(QLatin1Char('\r'), QLatin1Char('\n'));
    return withoutControls(note, true).trimmed();
}

QString CallAnnotations::openCondition()
{
    // A caller's call nobody marked done and nobody reached by calling back; a call back is the
    // team's own call, never open. `<> ''` lets SQLite use the partial calls_by_call_back.
    return QStringLiteral(
        "c.direction = 'inbound'"
        " AND NOT EXISTS (SELECT 1 FROM call_done d WHERE d.call_sid = c.call_sid)"
        " AND NOT EXISTS (SELECT 1 FROM calls b WHERE b.call_back_of = c.call_sid"
        " AND b.call_back_of <> '' AND b.outcome = 'answered')");
}

bool CallAnnotations::fail(const QString &error)
{
    m_lastError = error;
    return false;
}

bool CallAnnotations::changeCall(const QString &callSid, const std::function<bool()> &write)
{
    const bool sqlite = m_database.dialect().isSqlite();
    QSqlQuery query(m_database.connection());
    if (!query.exec(m_database.dialect().beginWrite()))
        return fail(query.lastError().text());
    const auto rollback = [&query] {
        query.exec(QStringLiteral("ROLLBACK"));
        return false;
    };
    const auto run = [this, &query](const QString &sql, const QVariantList &values) {
        query.prepare(sql);
        for (const QVariant &value : values)
            query.addBindValue(value);
        if (query.exec())
            return true;
        return fail(query.lastError().text());
    };
    // The lock the service's writers take on the call: its row is not rewritten under them.
    if (!sqlite && !run(QStringLiteral("SELECT pg_advisory_xact_lock(hashtext(?))"), {callSid}))
        return rollback();
    if (!run(QStringLiteral("SELECT 1 FROM calls WHERE call_sid = ?"), {callSid}))
        return rollback();
    if (!query.next()) {
        fail(QStringLiteral("call %1 is not in the log").arg(callSid));
        return rollback();
    }
    query.finish();
    if (!write())
        return rollback();
    const QString bump =
        sqlite ? QStringLiteral("UPDATE calls SET revision = (SELECT COALESCE(MAX(revision), 0) + 1"
                                " FROM calls) WHERE call_sid = ?")
               : QStringLiteral("UPDATE calls SET revision = nextval('call_revisions')"
                                " WHERE call_sid = ?");
    if (!run(bump, {callSid}))
        return rollback();
    if (!sqlite &&
        !run(QStringLiteral("SELECT pg_notify('%1', ?)").arg(SqlDialect::callChangesChannel()),
             {callSid}))
        return rollback();
    query.finish();
    if (!query.exec(QStringLiteral("COMMIT"))) {
        fail(query.lastError().text());
        return rollback();
    }
    m_lastError.clear();
    return true;
}

bool CallAnnotations::setHeard(const QString &callSid, const QString &by, bool heard)
{
    const QString name = normalisedName(by);
    if (name.isEmpty() || name.size() > kMaxNameChars)
        return fail(QStringLiteral("a name has 1 to %1 characters").arg(kMaxNameChars));
    return changeCall(callSid, [&] {
        QSqlQuery query(m_database.connection());
        query.prepare(QStringLiteral("SELECT 1 FROM voicemails WHERE call_sid = ?"));
        query.addBindValue(callSid);
        if (!query.exec())
            return fail(query.lastError().text());
        if (!query.next())
            return fail(QStringLiteral("call %1 has no voicemail").arg(callSid));
        query.finish();
        if (heard) {
            query.prepare(QStringLiteral("INSERT INTO call_heard (call_sid, heard_by, heard_at)"
                                         " VALUES (?, ?, ?) ON CONFLICT DO NOTHING"));
            query.addBindValue(callSid);
            query.addBindValue(name);
            query.addBindValue(QDateTime::currentMSecsSinceEpoch());
        } else {
            // The mark from before names were kept was everyone's: whoever takes theirs back
            // takes it back too, as the one shared mark was taken back before.
            query.prepare(QStringLiteral(
                "DELETE FROM call_heard WHERE call_sid = ? AND heard_by IN (?, '')"));
            query.addBindValue(callSid);
            query.addBindValue(name);
        }
        if (!query.exec())
            return fail(query.lastError().text());
        // heard_at stays when anyone first heard it, for the export and older readers.
        query.prepare(
            QStringLiteral("UPDATE voicemails SET heard_at = (SELECT MIN(h.heard_at)"
                           " FROM call_heard h WHERE h.call_sid = ?) WHERE call_sid = ?"));
        query.addBindValue(callSid);
        query.addBindValue(callSid);
        return query.exec() || fail(query.lastError().text());
    });
}

bool CallAnnotations::markDone(const QString &callSid, const QString &by, const QString &note)
{
    const QString name = normalisedName(by);
    const QString text = normalisedNote(note);
    if (name.isEmpty() || name.size() > kMaxNameChars)
        return fail(QStringLiteral("a name has 1 to %1 characters").arg(kMaxNameChars));
    if (text.size() > kMaxNoteChars)
        return fail(QStringLiteral("a note has at most %1 characters").arg(kMaxNoteChars));
    return changeCall(callSid, [&] {
        QSqlQuery query(m_database.connection());
        query.prepare(QStringLiteral(
            "INSERT INTO call_done (call_sid, done_by, done_at, note) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (call_sid) DO UPDATE SET done_by = excluded.done_by,"
            " done_at = excluded.done_at, note = excluded.note"));
        query.addBindValue(callSid);
        query.addBindValue(name);
        query.addBindValue(QDateTime::currentMSecsSinceEpoch());
        query.addBindValue(text);
        return query.exec() || fail(query.lastError().text());
    });
}

bool CallAnnotations::reopen(const QString &callSid)
{
    return changeCall(callSid, [&] {
        QSqlQuery query(m_database.connection());
        query.prepare(QStringLiteral("DELETE FROM call_done WHERE call_sid = ?"));
        query.addBindValue(callSid);
        return query.exec() || fail(query.lastError().text());
    });
}

bool CallAnnotations::addTag(const QString &callSid, const QString &tag, const QString &by)
{
    const QString name = normalisedName(by);
    const QString normalised = normalisedTag(tag);
    if (name.isEmpty() || name.size() > kMaxNameChars)
        return fail(QStringLiteral("a name has 1 to %1 characters").arg(kMaxNameChars));
    if (normalised.isEmpty() || normalised.size() > kMaxTagChars)
        return fail(QStringLiteral("a tag has 1 to %1 characters").arg(kMaxTagChars));
    return changeCall(callSid, [&] {
        QSqlQuery query(m_database.connection());
        query.prepare(QStringLiteral("SELECT COUNT(*), COALESCE(SUM(CASE WHEN tag = ? THEN 1"
                                     " ELSE 0 END), 0) FROM call_tags WHERE call_sid = ?"));
        query.addBindValue(normalised);
        query.addBindValue(callSid);
        if (!query.exec() || !query.next())
            return fail(query.lastError().text());
        const int count = query.value(0).toInt();
        const bool present = query.value(1).toInt() > 0;
        query.finish();
        if (present)
            return true;
        if (count >= kMaxTagsPerCall)
            return fail(QStringLiteral("a call has at most %1 tags").arg(kMaxTagsPerCall));
        query.prepare(QStringLiteral("INSERT INTO call_tags (call_sid, tag, tagged_by, tagged_at)"
                                     " VALUES (?, ?, ?, ?)"));
        query.addBindValue(callSid);
        query.addBindValue(normalised);
        query.addBindValue(name);
        query.addBindValue(QDateTime::currentMSecsSinceEpoch());
        return query.exec() || fail(query.lastError().text());
    });
}

bool CallAnnotations::removeTag(const QString &callSid, const QString &tag)
{
    const QString normalised = normalisedTag(tag);
    return changeCall(callSid, [&] {
        QSqlQuery query(m_database.connection());
        query.prepare(QStringLiteral("DELETE FROM call_tags WHERE call_sid = ? AND tag = ?"));
        query.addBindValue(callSid);
        query.addBindValue(normalised);
        return query.exec() || fail(query.lastError().text());
    });
}

bool CallAnnotations::addNote(const QString &callSid, const QString &author, const QString &text)
{
    const QString name = normalisedName(author);
    const QString note = normalisedNote(text);
    if (name.isEmpty() || name.size() > kMaxNameChars)
        return fail(QStringLiteral("a name has 1 to %1 characters").arg(kMaxNameChars));
    if (note.isEmpty() || note.size() > kMaxNoteChars)
        return fail(QStringLiteral("a note has 1 to %1 characters").arg(kMaxNoteChars));
    return changeCall(callSid, [&] {
        QSqlQuery query(m_database.connection());
        query.prepare(QStringLiteral("SELECT COUNT(*) FROM call_notes WHERE call_sid = ?"));
        query.addBindValue(callSid);
        if (!query.exec() || !query.next())
            return fail(query.lastError().text());
        const int count = query.value(0).toInt();
        query.finish();
        if (count >= kMaxNotesPerCall)
            return fail(QStringLiteral("a call has at most %1 notes").arg(kMaxNotesPerCall));
        query.prepare(QStringLiteral(
            "INSERT INTO call_notes (call_sid, author, created_at, body) VALUES (?, ?, ?, ?)"));
        query.addBindValue(callSid);
        query.addBindValue(name);
        query.addBindValue(QDateTime::currentMSecsSinceEpoch());
        query.addBindValue(note);
        return query.exec() || fail(query.lastError().text());
    });
}

std::optional<CallHandling> CallAnnotations::read(const QString &callSid)
{
    auto all = summaries({callSid});
    if (!all)
        return std::nullopt;
    CallHandling handling = all->value(callSid);
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT id, author, created_at, body FROM call_notes"
                                 " WHERE call_sid = ? ORDER BY id LIMIT ?"));
    query.addBindValue(callSid);
    query.addBindValue(kMaxNotesPerCall);
    if (!query.exec()) {
        m_lastError = query.lastError().text();
        return std::nullopt;
    }
    while (query.next()) {
        handling.notes.append({query.value(0).toLongLong(), readName(query.value(1)),
                               CallRows::fromColumn(query.value(2)), readNote(query.value(3))});
    }
    query.finish();
    return handling;
}

std::optional<QHash<QString, CallHandling>> CallAnnotations::summaries(const QStringList &callSids)
{
    QHash<QString, CallHandling> handled;
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    const auto select = [&](const QString &sql, const QStringList &sids) {
        query.prepare(sql.arg(placeholders(sids.size())));
        for (const QString &sid : sids)
            query.addBindValue(sid);
        if (query.exec())
            return true;
        m_lastError = query.lastError().text();
        return false;
    };
    for (qsizetype from = 0; from < callSids.size(); from += kSummaryChunk) {
        const QStringList sids = callSids.mid(from, kSummaryChunk);
        if (!select(QStringLiteral("SELECT call_sid, heard_by, heard_at FROM call_heard"
                                   " WHERE call_sid IN (%1) ORDER BY heard_at, heard_by"),
                    sids))
            return std::nullopt;
        while (query.next()) {
            QList<HeardMark> &heard = handled[query.value(0).toString()].heard;
            if (heard.size() < kMaxHeardPerCall)
                heard.append({readName(query.value(1)), CallRows::fromColumn(query.value(2))});
        }
        if (!select(QStringLiteral("SELECT call_sid, done_by, done_at, note FROM call_done"
                                   " WHERE call_sid IN (%1)"),
                    sids))
            return std::nullopt;
        while (query.next()) {
            handled[query.value(0).toString()].done =
                DoneMark{readName(query.value(1)), CallRows::fromColumn(query.value(2)),
                         readNote(query.value(3))};
        }
        if (!select(QStringLiteral("SELECT call_sid, tag, tagged_by, tagged_at FROM call_tags"
                                   " WHERE call_sid IN (%1) ORDER BY tag"),
                    sids))
            return std::nullopt;
        while (query.next()) {
            CallHandling &handling = handled[query.value(0).toString()];
            const QString tag = addReadTag(handling.tags, query.value(1));
            if (!tag.isEmpty())
                handling.tagMarks.append(
                    {tag, readName(query.value(2)), CallRows::fromColumn(query.value(3))});
        }
        if (!select(QStringLiteral("SELECT call_sid, COUNT(*) FROM call_notes"
                                   " WHERE call_sid IN (%1) GROUP BY call_sid"),
                    sids))
            return std::nullopt;
        while (query.next()) {
            handled[query.value(0).toString()].noteCount =
                int(std::min<qint64>(query.value(1).toLongLong(), kMaxNotesPerCall));
        }
    }
    query.finish();
    return handled;
}

std::optional<QHash<QString, CallHandling>> CallAnnotations::withNotes(const QStringList &callSids)
{
    auto handled = summaries(callSids);
    if (!handled)
        return std::nullopt;
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    for (qsizetype from = 0; from < callSids.size(); from += kSummaryChunk) {
        const QStringList sids = callSids.mid(from, kSummaryChunk);
        query.prepare(QStringLiteral("SELECT call_sid, id, author, created_at, body FROM call_notes"
                                     " WHERE call_sid IN (%1) ORDER BY call_sid, id")
                          .arg(placeholders(sids.size())));
        for (const QString &sid : sids)
            query.addBindValue(sid);
        if (!query.exec()) {
            m_lastError = query.lastError().text();
            return std::nullopt;
        }
        while (query.next()) {
            QList<CallNote> &notes = (*handled)[query.value(0).toString()].notes;
            if (notes.size() < kMaxNotesPerCall)
                notes.append({query.value(1).toLongLong(), readName(query.value(2)),
                              CallRows::fromColumn(query.value(3)), readNote(query.value(4))});
        }
    }
    query.finish();
    return handled;
}

std::optional<QStringList> CallAnnotations::tagsInUse()
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT tag, COUNT(*) AS uses FROM call_tags GROUP BY tag"
                                 " ORDER BY uses DESC, tag LIMIT ?"));
    query.addBindValue(kMaxTagsInUse);
    if (!query.exec()) {
        m_lastError = query.lastError().text();
        return std::nullopt;
    }
    QStringList tags;
    while (query.next()) {
        const QString tag = normalisedTag(query.value(0).toString().left(kMaxTagChars * kReadSlack))
                                .left(kMaxTagChars);
        if (!tag.isEmpty() && !tags.contains(tag))
            tags.append(tag);
    }
    query.finish();
    return tags;
}

} // namespace Switchboard
