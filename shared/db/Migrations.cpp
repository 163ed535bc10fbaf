#include "Migrations.h"

#include "Database.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

namespace Switchboard {
namespace {

struct Migration
{
    int version;
    const char *description;
    QStringList statements;
    QStringList postgresOnly = {};
    QStringList sqliteOnly = {};
};

const QList<Migration> &migrations()
{
    static const QList<Migration> all{
        {1,
         "calls and their timeline",
         {
             QStringLiteral("CREATE TABLE calls ("
                            " call_sid TEXT PRIMARY KEY,"
                            " account_sid TEXT NOT NULL,"
                            " from_number TEXT NOT NULL DEFAULT '',"
                            " to_number TEXT NOT NULL DEFAULT '',"
                            " caller_name TEXT NOT NULL DEFAULT '',"
                            " from_city TEXT NOT NULL DEFAULT '',"
                            " from_state TEXT NOT NULL DEFAULT '',"
                            " from_country TEXT NOT NULL DEFAULT '',"
                            " started_at BIGINT NOT NULL,"
                            " answered_at BIGINT,"
                            " ended_at BIGINT,"
                            " status TEXT NOT NULL,"
                            " duration_s INTEGER,"
                            " menu_choice TEXT,"
                            " forwarded_to TEXT NOT NULL DEFAULT '',"
                            " dial_status TEXT NOT NULL DEFAULT '',"
                            " talk_duration_s INTEGER,"
                            " outcome TEXT NOT NULL,"
                            " revision BIGINT NOT NULL)"),
             QStringLiteral(
                 "CREATE INDEX calls_by_start ON calls (started_at DESC, call_sid DESC)"),
             QStringLiteral("CREATE INDEX calls_by_revision ON calls (revision)"),
             QStringLiteral("CREATE TABLE call_events ("
                            " id {AUTO_ID},"
                            " call_sid TEXT NOT NULL,"
                            " received_at BIGINT NOT NULL,"
                            " kind TEXT NOT NULL,"
                            " call_status TEXT NOT NULL DEFAULT '',"
                            " digest TEXT NOT NULL UNIQUE,"
                            " params TEXT NOT NULL)"),
             QStringLiteral("CREATE INDEX call_events_by_call ON call_events (call_sid, id)"),
         },
         {
             // Concurrent instances need revisions no two transactions share.
             QStringLiteral("CREATE SEQUENCE call_revisions"),
         }},
        {2,
         "voicemails with their audio",
         {
             QStringLiteral("CREATE TABLE voicemails ("
                            " call_sid TEXT PRIMARY KEY REFERENCES calls (call_sid),"
                            " recording_sid TEXT NOT NULL UNIQUE,"
                            " recording_url TEXT NOT NULL,"
                            " recording_status TEXT NOT NULL DEFAULT '',"
                            " duration_s INTEGER NOT NULL DEFAULT 0,"
                            " created_at BIGINT NOT NULL,"
                            " download_state TEXT NOT NULL DEFAULT 'pending',"
                            " download_attempts INTEGER NOT NULL DEFAULT 0,"
                            " next_attempt_at BIGINT NOT NULL DEFAULT 0,"
                            " last_error TEXT NOT NULL DEFAULT '',"
                            " content_type TEXT NOT NULL DEFAULT '',"
                            " bytes BIGINT NOT NULL DEFAULT 0,"
                            " sha256 TEXT NOT NULL DEFAULT '',"
                            " transcription TEXT NOT NULL DEFAULT '',"
                            " heard_at BIGINT,"
                            " audio {BLOB})"),
             QStringLiteral("CREATE INDEX voicemails_by_download ON voicemails (download_state, "
                            "next_attempt_at)"),
         }},
        // A retried webhook is found among its call's events: an event added changes one
        // page of one index for its call, not also a page at random of an index of digests.
        // On SQLite at full load, about half the WAL writes of the call log per webhook.
        {3,
         "one index of a call's events, for its timeline and its retried webhooks",
         {},
         {
             QStringLiteral("ALTER TABLE call_events DROP CONSTRAINT call_events_digest_key"),
             QStringLiteral("DROP INDEX call_events_by_call"),
             QStringLiteral(
                 "CREATE UNIQUE INDEX call_events_by_call ON call_events (call_sid, digest)"),
         },
         {
             // SQLite drops a UNIQUE constraint only with its table: the events move to a new one.
             QStringLiteral("CREATE TABLE call_events_v3 ("
                            " id {AUTO_ID},"
                            " call_sid TEXT NOT NULL,"
                            " received_at BIGINT NOT NULL,"
                            " kind TEXT NOT NULL,"
                            " call_status TEXT NOT NULL DEFAULT '',"
                            " digest TEXT NOT NULL,"
                            " params TEXT NOT NULL)"),
             QStringLiteral("INSERT INTO call_events_v3 (id, call_sid, received_at, kind, "
                            "call_status, digest, params) SELECT id, call_sid, received_at, kind,"
                            " call_status, digest, params FROM call_events ORDER BY id"),
             QStringLiteral("DROP TABLE call_events"),
             QStringLiteral("ALTER TABLE call_events_v3 RENAME TO call_events"),
             QStringLiteral(
                 "CREATE UNIQUE INDEX call_events_by_call ON call_events (call_sid, digest)"),
         }},
        // The call flow every instance shares: each change a new row, numbered 1, 2, ... by
        // FlowStore under a lock, so that a revision number says how many changes came before.
        {4,
         "the call flow's revisions",
         {
             QStringLiteral("CREATE TABLE call_flow_revisions ("
                            " id BIGINT PRIMARY KEY,"
                            " created_at BIGINT NOT NULL,"
                            " author TEXT NOT NULL,"
                            " flow TEXT NOT NULL)"),
         }},
        // Call routing: who took a forwarded call, why a call reached nobody, each member's
        // leg (a JSON array, the call's own: its result follows from all its legs together)
        // and the voicemail's transcription, kept on the call because it may come before the
        // recording. The voicemails' transcription column, never written by the service,
        // moves to the call.
        {5,
         "call routing: answered by, reason, route, transcription",
         {
             QStringLiteral("ALTER TABLE calls ADD COLUMN answered_by_name TEXT NOT NULL"
                            " DEFAULT ''"),
             QStringLiteral("ALTER TABLE calls ADD COLUMN answered_by_number TEXT NOT NULL"
                            " DEFAULT ''"),
             QStringLiteral("ALTER TABLE calls ADD COLUMN reason TEXT NOT NULL DEFAULT ''"),
             QStringLiteral("ALTER TABLE calls ADD COLUMN route TEXT NOT NULL DEFAULT ''"),
             QStringLiteral("ALTER TABLE calls ADD COLUMN transcription_recording_sid TEXT NOT"
                            " NULL DEFAULT ''"),
             QStringLiteral("ALTER TABLE calls ADD COLUMN transcription_text TEXT NOT NULL"
                            " DEFAULT ''"),
             QStringLiteral("ALTER TABLE calls ADD COLUMN transcription_status TEXT NOT NULL"
                            " DEFAULT ''"),
             QStringLiteral("UPDATE calls SET transcription_recording_sid = (SELECT"
                            " v.recording_sid FROM voicemails v WHERE v.call_sid ="
                            " calls.call_sid), transcription_text = (SELECT v.transcription FROM"
                            " voicemails v WHERE v.call_sid = calls.call_sid),"
                            " transcription_status = 'completed' WHERE call_sid IN (SELECT"
                            " call_sid FROM voicemails WHERE transcription <> '')"),
             QStringLiteral("ALTER TABLE voicemails DROP COLUMN transcription"),
         }},
        // Call back (#20): an outbound call the desktop placed, linked to the call it called
        // back; a call's latest call back is found by the index.
        {6,
         "call back: direction, the call called back, who called back",
         {
             QStringLiteral("ALTER TABLE calls ADD COLUMN direction TEXT NOT NULL"
                            " DEFAULT 'inbound'"),
             QStringLiteral("ALTER TABLE calls ADD COLUMN call_back_of TEXT NOT NULL DEFAULT ''"),
             QStringLiteral("ALTER TABLE calls ADD COLUMN called_back_by TEXT NOT NULL"
                            " DEFAULT ''"),
             QStringLiteral("CREATE INDEX calls_by_call_back ON calls (call_back_of, started_at)"
                            " WHERE call_back_of <> ''"),
         }},
        // Who handled what, shared by the team's desktops: heard per person, done (with an
        // optional note), tags and notes. The voicemails' one heard_at, written before names
        // were kept, becomes a mark by nobody in particular ('') rather than being dropped:
        // a team upgrading keeps the voicemails it had heard as heard. heard_at stays, as when
        // anyone first heard it, for the export and the older readers (CallAnnotations keeps
        // it so).
        {7,
         "who handled what: heard by, done, tags, notes",
         {
             QStringLiteral("CREATE TABLE call_heard ("
                            " call_sid TEXT NOT NULL REFERENCES calls (call_sid),"
                            " heard_by TEXT NOT NULL,"
                            " heard_at BIGINT NOT NULL,"
                            " PRIMARY KEY (call_sid, heard_by))"),
             QStringLiteral("CREATE TABLE call_done ("
                            " call_sid TEXT PRIMARY KEY REFERENCES calls (call_sid),"
                            " done_by TEXT NOT NULL,"
                            " done_at BIGINT NOT NULL,"
                            " note TEXT NOT NULL DEFAULT '')"),
             QStringLiteral("CREATE TABLE call_tags ("
                            " call_sid TEXT NOT NULL REFERENCES calls (call_sid),"
                            " tag TEXT NOT NULL,"
                            " tagged_by TEXT NOT NULL,"
                            " tagged_at BIGINT NOT NULL,"
                            " PRIMARY KEY (call_sid, tag))"),
             QStringLiteral("CREATE INDEX call_tags_by_tag ON call_tags (tag)"),
             QStringLiteral("CREATE TABLE call_notes ("
                            " id {AUTO_ID},"
                            " call_sid TEXT NOT NULL REFERENCES calls (call_sid),"
                            " author TEXT NOT NULL,"
                            " created_at BIGINT NOT NULL,"
                            " body TEXT NOT NULL)"),
             QStringLiteral("CREATE INDEX call_notes_by_call ON call_notes (call_sid, id)"),
             QStringLiteral("INSERT INTO call_heard (call_sid, heard_by, heard_at)"
                            " SELECT call_sid, '', heard_at FROM voicemails"
                            " WHERE heard_at IS NOT NULL"),
         }},
        // The Statistics view reads a range of calls, and of voicemails, through these alone
        // (CallStatistics, StatisticsSql): every column its statements use is in the index, so
        // a month of a log of a million calls is ~80,000 index entries read in order rather
        // than as many rows fetched from the table. bench-stats: 2.1 s before on SQLite.
        {8,
         "indexes for the statistics",
         {
             QStringLiteral(
                 "CREATE INDEX calls_for_statistics ON calls (started_at, direction, outcome,"
                 " answered_at, talk_duration_s, answered_by_name,"
                 " answered_by_number)"),
             QStringLiteral(
                 "CREATE INDEX voicemails_by_creation ON voicemails (created_at, heard_at)"),
         }},
    };
    return all;
}

bool execute(QSqlQuery &query, const QString &statement, QString *error)
{
    if (query.exec(statement))
        return true;
    *error = QStringLiteral("%1: %2").arg(statement.left(60), query.lastError().text());
    return false;
}

} // namespace

int Migrations::latestVersion()
{
    return migrations().constLast().version;
}

QList<int> Migrations::versions()
{
    QList<int> known;
    for (const Migration &migration : migrations())
        known.append(migration.version);
    return known;
}

int Migrations::currentVersion(Database &database, QString *error)
{
    QSqlQuery query(database.connection());
    if (!database.connection().tables().contains(QStringLiteral("schema_migrations")))
        return 0;
    if (!execute(query, QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"),
                 error) ||
        !query.next())
        return -1;
    return query.value(0).toInt();
}

bool Migrations::apply(Database &database, QString *error, int target)
{
    if (target < 0)
        target = latestVersion();
    const SqlDialect &dialect = database.dialect();
    QSqlQuery query(database.connection());
    if (!execute(query, dialect.beginWrite(), error))
        return false;
    const auto rollback = [&query] {
        query.exec(QStringLiteral("ROLLBACK"));
        return false;
    };

    // Inside the write transaction, so two processes starting together migrate once.
    if (!dialect.isSqlite() &&
        !execute(query, QStringLiteral("SELECT pg_advisory_xact_lock(7262361)"), error))
        return rollback();
    if (!execute(
            query,
            QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY "
                           "KEY, applied_at BIGINT NOT NULL, description TEXT NOT NULL)"),
            error))
        return rollback();
    const int current = currentVersion(database, error);
    if (current < 0)
        return rollback();
    if (current > latestVersion()) {
        *error = QStringLiteral("the database %1 has schema version %2, newer than this program "
                                "knows (%3): upgrade Switchboard")
                     .arg(database.url().toDisplayString())
                     .arg(current)
                     .arg(latestVersion());
        return rollback();
    }
    for (const Migration &migration : migrations()) {
        if (migration.version <= current || migration.version > target)
            continue;
        QStringList statements = migration.statements;
        statements += dialect.isSqlite() ? migration.sqliteOnly : migration.postgresOnly;
        for (const QString &statement : std::as_const(statements)) {
            if (!execute(query, dialect.schema(statement), error))
                return rollback();
        }
        query.prepare(QStringLiteral(
            "INSERT INTO schema_migrations (version, applied_at, description) VALUES (?, ?, ?)"));
        query.addBindValue(migration.version);
        query.addBindValue(QDateTime::currentMSecsSinceEpoch());
        query.addBindValue(QString::fromLatin1(migration.description));
        if (!query.exec()) {
            *error = query.lastError().text();
            return rollback();
        }
    }
    return execute(query, QStringLiteral("COMMIT"), error) || rollback();
}

} // namespace Switchboard
