#pragma once

#include "core/CallRecord.h"

#include <functional>
#include <optional>
#include <QDateTime>
#include <QList>
#include <QString>

namespace Switchboard {

class Database;

// What the activity feed shows. The default filter shows every call.
struct CallFeedFilter
{
    QString search; // part of the caller's number or name, or words of a transcription
    std::optional<Outcome> outcome;
    QDateTime startedFrom;    // inclusive; invalid = no lower bound
    QDateTime startedBefore;  // exclusive; invalid = no upper bound
    bool unheardOnly = false; // voicemails `viewer` has not heard (nobody has, without one)
    QString viewer;           // whose "heard" counts; not a filter of its own
    bool openOnly = false;    // calls not done yet
    QString tag;              // calls with this tag (normalised as CallAnnotations does)

    bool isEmpty() const;
    bool operator==(const CallFeedFilter &other) const;
    bool operator!=(const CallFeedFilter &other) const { return !(*this == other); }
};

// A call's place in the feed: newest first, ties broken by CallSid, as the index
// calls_by_start orders them.
struct CallFeedKey
{
    qint64 startedAtMs = 0;
    QString callSid;

    static CallFeedKey of(const CallRecord &call);
    // True when `this` comes before `other` in the feed (is newer).
    bool before(const CallFeedKey &other) const;
};

// A call that changed, and whether it matches the filter it was asked for.
struct CallChange
{
    CallRecord call;
    bool matches = false;
};

struct CallCounters
{
    int callsToday = 0;
    int answeredToday = 0;
    int missedToday = 0;
    int unheardVoicemails = 0;
};

// The SQL behind the desktop feed. Pages are keyset-paginated on (started_at, call_sid), so
// that the millionth row costs what the first does; changes are found through calls.revision.
// Every query is read to its end before returning: an unfinished SELECT pins an old SQLite
// snapshot and would hide other processes' commits.
class CallFeedQuery final
{
public:
    explicit CallFeedQuery(Database &database);
    Q_DISABLE_COPY_MOVE(CallFeedQuery)

    // Up to `limit` calls matching `filter` that come after `after` (from the top without it).
    std::optional<QList<CallRecord>> page(const CallFeedFilter &filter,
                                          const std::optional<CallFeedKey> &after, int limit);

    // Every call matching `filter`, newest first, read page by page; `visit` returns false to
    // stop. Returns false on a database error.
    bool forEach(const CallFeedFilter &filter, const std::function<bool(const CallRecord &)> &visit,
                 int pageSize = 500);

    // Calls whose revision is above `revision`, oldest change first, each flagged with whether
    // it matches `filter`.
    std::optional<QList<CallChange>> changesSince(qint64 revision, const CallFeedFilter &filter,
                                                  int limit = 5000);

    std::optional<qint64> maxRevision();

    // Today's counts (calls started at or after `startOfToday`) and every voicemail `viewer`
    // has not heard (nobody has, without a viewer).
    std::optional<CallCounters> counters(const QDateTime &startOfToday, const QString &viewer = {});

    QString lastError() const { return m_lastError; }

private:
    Database &m_database;
    QString m_lastError;
};

} // namespace Switchboard
