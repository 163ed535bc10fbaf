#pragma once

#include <functional>
#include <optional>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace Switchboard {

class Database;

// A person's "heard" of a voicemail. An empty name is the mark made before the log kept
// names (schema 7 migrated the one shared heard_at so): it counts as heard by everyone.
struct HeardMark
{
    QString by;
    QDateTime at;
};

struct DoneMark
{
    QString by;
    QDateTime at;
    QString note;
};

struct TagMark
{
    QString tag;
    QString by;
    QDateTime at;
};

struct CallNote
{
    qint64 id = 0;
    QString author;
    QDateTime at;
    QString text;
};

// What the team did with a call. The feed reads it without the notes' texts (noteCount only).
struct CallHandling
{
    QList<HeardMark> heard; // first heard first
    std::optional<DoneMark> done;
    QStringList tags;        // normalised, sorted
    QList<TagMark> tagMarks; // the same, with who added each and when
    QList<CallNote> notes;
    int noteCount = 0;

    // Heard by `name`, or marked heard before names were kept.
    bool isHeardBy(const QString &name) const;
    // The names that heard it, first first; the anonymous mark is left out.
    QStringList heardByNames() const;
    bool operator==(const CallHandling &other) const;
};

// Who handled what, stored in the call log and shared by every desktop on it: heard per
// person, done (with an optional note), tags and notes. Each write also moves the call's
// revision on, in the same transaction, so that every feed on the log re-reads the call; on
// PostgreSQL it NOTIFYs the channel the feeds listen to. Everything read back is checked as
// hostile: another program may have written the rows.
class CallAnnotations final
{
public:
    static constexpr int kMaxNameChars = 64;
    static constexpr int kMaxTagChars = 32;
    static constexpr int kMaxTagsPerCall = 20;
    static constexpr int kMaxNoteChars = 2000;
    static constexpr int kMaxNotesPerCall = 200;
    static constexpr int kMaxTagsInUse = 500;

    explicit CallAnnotations(Database &database);
    Q_DISABLE_COPY_MOVE(CallAnnotations)

    // A name as stored: trimmed, runs of white space made one space, no control characters;
    // empty when nothing is left.
    static QString normalisedName(const QString &name);
    // A tag as stored: a name, in lower case (so "Urgent" and "urgent " are one tag).
    static QString normalisedTag(const QString &tag);
    // A note as stored: trimmed, control characters other than line breaks removed.
    static QString normalisedNote(const QString &text);

    // The SQL condition, on a call aliased `c`, of a call not done yet: the "Open" filter.
    static QString openCondition();

    // Each returns false with lastError() when the input crosses a limit, the call is not in
    // the log, or the write failed.
    bool setHeard(const QString &callSid, const QString &by, bool heard);
    bool markDone(const QString &callSid, const QString &by, const QString &note = {});
    bool reopen(const QString &callSid);
    bool addTag(const QString &callSid, const QString &tag, const QString &by);
    bool removeTag(const QString &callSid, const QString &tag);
    bool addNote(const QString &callSid, const QString &author, const QString &text);

    // One call's handling, its notes included; nothing when the query failed.
    std::optional<CallHandling> read(const QString &callSid);
    // The handling of each call that has any, without the notes' texts.
    std::optional<QHash<QString, CallHandling>> summaries(const QStringList &callSids);
    // The handling of each call that has any, with the notes' texts (for the export).
    std::optional<QHash<QString, CallHandling>> withNotes(const QStringList &callSids);
    // The tags in use, most used first (for completion).
    std::optional<QStringList> tagsInUse();

    QString lastError() const { return m_lastError; }

private:
    // Runs `write` in a transaction that holds the call, then moves its revision on.
    bool changeCall(const QString &callSid, const std::function<bool()> &write);
    bool fail(const QString &error);

    Database &m_database;
    QString m_lastError;
};

} // namespace Switchboard
