#include "CallWriter.h"

#include "CallRows.h"
#include "Database.h"
#include "twilio/RequestSignature.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlError>
#include <QThread>
#include <QVariant>

namespace Switchboard {
namespace {

QString jsonText(const QJsonArray &array)
{
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QJsonValue optionalJson(const std::optional<int> &value)
{
    return value ? QJsonValue(*value) : QJsonValue();
}

QJsonValue timeJson(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toMSecsSinceEpoch()) : QJsonValue();
}

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

QString jsonText(const QStringList &strings)
{
    return jsonText(QJsonArray::fromStringList(strings));
}

} // namespace

// Prepared once per connection: preparing costs more than running these statements.
struct CallWriter::Statements
{
    explicit Statements(const QSqlDatabase &db)
        : selectCalls(db)
        , insertEvents(db)
        , upsertCalls(db)
        , deleteVoicemails(db)
        , upsertVoicemails(db)
        , writeBatch(db)
        , bumpRevision(db)
        , claimDueDownloads(db)
        , storeAudio(db)
        , downloadFailed(db)
        , markHeard(db)
        , control(db)
    {}

    QSqlQuery selectCalls; // with the digests of the batch's events each call already has
    QSqlQuery insertEvents;
    QSqlQuery upsertCalls;
    QSqlQuery deleteVoicemails;
    QSqlQuery upsertVoicemails;
    QSqlQuery writeBatch; // the four writes above in one statement, where the engine can
    QSqlQuery bumpRevision;
    QSqlQuery claimDueDownloads;
    QSqlQuery storeAudio;
    QSqlQuery downloadFailed;
    QSqlQuery markHeard;
    QSqlQuery control;
};

// What a batch changes, worked out from the calls' rows as read.
struct CallWriter::Fold
{
    QHash<QString, CallRecord> calls;     // as read, then with the batch's new webhooks applied
    QHash<QString, qint64> readRevisions; // of the calls that had a row
    QSet<QString> hadVoicemail;
    QSet<QString> knownDigests; // events the calls' timelines have (and the batch's, once seen)
    QList<Result> outcomes;
    QList<const Event *> added; // the batch's new events, in order
    QStringList changed;        // the calls they change
};

CallWriter::CallWriter(Database &database)
    : m_database(database)
{
    prepare();
}

void CallWriter::prepare()
{
    m_statements = std::make_unique<Statements>(m_database.connection());
    Statements &s = *m_statements;
    const SqlDialect &dialect = m_database.dialect();
    if (!dialect.preferIndexes().isEmpty())
        s.control.exec(dialect.preferIndexes());
    const auto fields = [&dialect](std::initializer_list<const char *> types) {
        QStringList fields;
        for (const char *type : types)
            fields.append(dialect.jsonField(int(fields.size()), type));
        return fields.join(QLatin1String(", "));
    };
    // A batch's rows go in as one JSON parameter: one statement per table and batch.
    const QString rows =
        QStringLiteral(" FROM ") + dialect.jsonRows() + QStringLiteral(" WHERE true");
    const QString rowsOfWrittenCalls = rows + dialect.andCallWritten(dialect.jsonField(0, "TEXT"));
    s.selectCalls.prepare(
        CallRows::selectSql(QStringLiteral("(SELECT ") + dialect.joinedTexts("e.digest") +
                            QStringLiteral(" FROM call_events e WHERE e.call_sid = c.call_sid"
                                           " AND e.digest") +
                            dialect.inJsonTexts() + QStringLiteral(")")) +
        QStringLiteral(" WHERE c.call_sid") + dialect.inJsonTexts());
    const QString upsertCalls =
        QStringLiteral(
            "INSERT INTO calls (call_sid, account_sid, from_number, to_number, caller_name, "
            "from_city,"
            " from_state, from_country, started_at, answered_at, ended_at, status, duration_s,"
            " menu_choice, forwarded_to, dial_status, talk_duration_s, outcome, revision) "
            "SELECT ") +
        fields({"TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "BIGINT", "BIGINT",
                "BIGINT", "TEXT", "INTEGER", "TEXT", "TEXT", "TEXT", "INTEGER", "TEXT"}) +
        QStringLiteral(", ") + dialect.insertedRevision(dialect.jsonField(18, "BIGINT")) + rows +
        dialect.andCallHeld(dialect.jsonField(0, "TEXT")) +
        QStringLiteral(
            " ON CONFLICT (call_sid) DO UPDATE SET"
            " account_sid = excluded.account_sid, from_number = excluded.from_number,"
            " to_number = excluded.to_number, caller_name = excluded.caller_name,"
            " from_city = excluded.from_city, from_state = excluded.from_state,"
            " from_country = excluded.from_country, started_at = excluded.started_at,"
            " answered_at = excluded.answered_at, ended_at = excluded.ended_at,"
            " status = excluded.status, duration_s = excluded.duration_s,"
            " menu_choice = excluded.menu_choice, forwarded_to = excluded.forwarded_to,"
            " dial_status = excluded.dial_status, talk_duration_s = excluded.talk_duration_s,"
            " outcome = excluded.outcome, revision = ") +
        dialect.updatedRevision() + dialect.ifRevisionAsRead() + dialect.returningCallsWritten();
    const QString insertEvents =
        QStringLiteral("INSERT INTO call_events (call_sid, received_at, kind, call_status, digest,"
                       " params) SELECT ") +
        fields({"TEXT", "BIGINT", "TEXT", "TEXT", "TEXT", "TEXT"}) + rowsOfWrittenCalls +
        QStringLiteral(" ORDER BY r.key");
    const QString deleteVoicemails = QStringLiteral("DELETE FROM voicemails WHERE call_sid") +
                                     dialect.inJsonTexts() + dialect.andCallWritten("call_sid");
    const QString upsertVoicemails =
        QStringLiteral("INSERT INTO voicemails (call_sid, recording_sid, recording_url,"
                       " recording_status, duration_s, created_at) SELECT ") +
        fields({"TEXT", "TEXT", "TEXT", "TEXT", "INTEGER", "BIGINT"}) + rowsOfWrittenCalls +
        QStringLiteral(" ON CONFLICT (call_sid) DO UPDATE SET"
                       " recording_status = excluded.recording_status");
    const QString writeBatch =
        dialect.allInOne({upsertCalls, insertEvents, deleteVoicemails, upsertVoicemails});
    if (writeBatch.isEmpty()) {
        s.upsertCalls.prepare(upsertCalls);
        s.insertEvents.prepare(insertEvents);
        s.deleteVoicemails.prepare(deleteVoicemails);
        s.upsertVoicemails.prepare(upsertVoicemails);
    } else {
        s.writeBatch.prepare(writeBatch);
    }
    s.bumpRevision.prepare(QStringLiteral("UPDATE calls SET revision = ") + dialect.nextRevision() +
                           QStringLiteral(" WHERE call_sid = ?") + dialect.returningCallsWritten());
    // Media is ready once Twilio said so; a recording whose status callback never came is
    // tried a minute after its <Record> action. Claiming moves a download's next attempt past
    // its lease, so that no other instance fetches it meanwhile. Only the subquery looks for
    // due voicemails (on PostgreSQL it locks them, and skips those another claim holds); the
    // update takes the ones it found by key: a condition of its own on the download state
    // made SQLite read every pending voicemail at each claim, a growing backlog under load.
    s.claimDueDownloads.prepare(
        QStringLiteral("UPDATE voicemails SET next_attempt_at = ? WHERE call_sid IN ("
                       "SELECT call_sid FROM voicemails WHERE download_state = 'pending'"
                       " AND next_attempt_at <= ? AND (recording_status = 'completed'"
                       " OR created_at <= ?) ORDER BY next_attempt_at LIMIT ?") +
        dialect.skipLocked() +
        QStringLiteral(") RETURNING call_sid, recording_sid, recording_url, download_attempts"));
    // A voicemail's change and its call's new revision: one statement where the engine can.
    const auto prepareVoicemailChange = [&dialect](QSqlQuery &query, const QString &update) {
        const QString inOne = dialect.withCallLockedAndRevised(update);
        query.prepare(inOne.isEmpty() ? update : inOne);
    };
    prepareVoicemailChange(
        s.storeAudio,
        QStringLiteral("UPDATE voicemails SET download_state = 'downloaded', audio = ") +
            dialect.binaryParameter() +
            QStringLiteral(", bytes = ?, sha256 = ?, content_type = ?, last_error = '',"
                           " download_attempts = download_attempts + 1 WHERE call_sid = ?"));
    prepareVoicemailChange(
        s.downloadFailed,
        QStringLiteral(
            "UPDATE voicemails SET download_state = ?, last_error = ?, next_attempt_at = ?,"
            " download_attempts = download_attempts + 1 WHERE call_sid = ?"));
    prepareVoicemailChange(s.markHeard,
                           QStringLiteral("UPDATE voicemails SET heard_at = ? WHERE call_sid = ?"));
}

CallWriter::~CallWriter() = default;

bool CallWriter::exec(QSqlQuery &query)
{
    if (query.exec())
        return true;
    m_lastError = query.lastError().text();
    return false;
}

bool CallWriter::begin()
{
    if (m_statements->control.exec(m_database.dialect().beginWrite()))
        return true;
    m_lastError = m_statements->control.lastError().text();
    return false;
}

bool CallWriter::reconnect()
{
    // A server restart or a network cut leaves the connection dead: open a new one, once.
    if (m_database.dialect().isSqlite())
        return false;
    m_statements.reset(); // no query may hold the old connection while it is replaced
    const bool reconnected = m_database.reconnect(&m_lastError);
    prepare();
    return reconnected;
}

bool CallWriter::commit()
{
    QSqlQuery &control = m_statements->control;
    if (control.exec(QStringLiteral("COMMIT")))
        return true;
    m_lastError = control.lastError().text();
    rollback();
    return false;
}

void CallWriter::rollback()
{
    m_statements->selectCalls.finish();
    m_statements->control.exec(QStringLiteral("ROLLBACK"));
}

CallWriter::Event CallWriter::event(const Webhook &webhook)
{
    // A retried webhook carries the same URL and parameters, so it has the same digest.
    const QByteArray payload = webhookKindToString(webhook.kind).toUtf8() + '\n' +
                               RequestSignature::payload(webhook.url, webhook.params);
    return {
        webhook,
        QString::fromLatin1(QCryptographicHash::hash(payload, QCryptographicHash::Sha256).toHex()),
        // Form-encoded, as Twilio sent them: a fifth of the CPU of a JSON array of pairs.
        webhook.body.isEmpty() ? QString::fromLatin1(webhook.params.encode())
                               : QString::fromUtf8(webhook.body)};
}

CallWriter::Result CallWriter::record(const Webhook &webhook)
{
    // Deferred while another writer holds the call (a voicemail being stored) or keeps
    // changing it: each try reads it anew, a moment after the last.
    const QDeadlineTimer deadline(std::chrono::seconds(5));
    QList<Result> results;
    while (recordAll({event(webhook)}, &results)) {
        if (results.constFirst() != Result::Deferred)
            return results.constFirst();
        if (deadline.hasExpired()) {
            m_lastError = QStringLiteral("call %1 stayed held by other writers for 5 s")
                              .arg(webhook.callSid());
            return Result::Failed;
        }
        QThread::msleep(1);
    }
    return Result::Failed;
}

bool CallWriter::recordAll(const QList<Event> &events, QList<Result> *results)
{
    QStringList callSids;
    QStringList digests;
    for (const Event &event : events) {
        callSids.append(event.webhook.callSid());
        digests.append(event.digest);
    }
    callSids.removeDuplicates();
    if (!m_database.dialect().isSqlite())
        return writeIfUnchanged(events, callSids, digests, results);
    // SQLite: the write transaction keeps every other writer out from the read to the commit.
    Fold fold;
    if (!begin())
        return false;
    if (!selectCalls(callSids, digests, &fold)) {
        rollback();
        return false;
    }
    foldIn(events, &fold);
    QSet<QString> written;
    if (!writeCalls(fold, &written)) {
        rollback();
        return false;
    }
    if (!commit())
        return false;
    *results = fold.outcomes;
    return true;
}

// PostgreSQL: no transaction spans round trips. One statement reads the calls, another writes
// the changed ones with their events and voicemails, and commits: each call only if no other
// writer holds its lock (a batch does not queue behind another instance's, nor behind a
// voicemail being stored) and its revision is still the one read. A call not written comes
// back Deferred, to be folded again into its new row. Two round trips a batch, and no lock
// held while the service works.
bool CallWriter::writeIfUnchanged(const QList<Event> &events, const QStringList &callSids,
                                  const QStringList &digests, QList<Result> *results)
{
    Fold fold;
    // Maybe the first statement on a connection the server has dropped since: then once more
    // on a new one.
    if (!selectCalls(callSids, digests, &fold) &&
        !(reconnect() && selectCalls(callSids, digests, &fold)))
        return false;
    foldIn(events, &fold);
    QSet<QString> written;
    if (!writeCalls(fold, &written))
        return false;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QString callSid = events.at(i).webhook.callSid();
        if (fold.changed.contains(callSid) && !written.contains(callSid))
            fold.outcomes[i] = Result::Deferred;
    }
    *results = fold.outcomes;
    return true;
}

bool CallWriter::selectCalls(const QStringList &callSids, const QStringList &digests, Fold *fold)
{
    QSqlQuery &select = m_statements->selectCalls;
    select.bindValue(0, jsonText(digests));
    select.bindValue(1, jsonText(callSids));
    if (!exec(select))
        return false;
    const int knownDigests = CallRows::columnCount();
    while (select.next()) {
        CallRecord call = CallRows::fromQuery(select);
        for (const QString &digest :
             select.value(knownDigests).toString().split(QLatin1Char(','), Qt::SkipEmptyParts))
            fold->knownDigests.insert(digest);
        fold->readRevisions.insert(call.callSid, call.revision);
        if (call.voicemail)
            fold->hadVoicemail.insert(call.callSid);
        fold->calls.insert(call.callSid, std::move(call));
    }
    select.finish();
    return true;
}

void CallWriter::foldIn(const QList<Event> &events, Fold *fold)
{
    // A webhook new to the timeline folds into its call's row, in the order they came.
    for (const Event &event : events) {
        if (fold->knownDigests.contains(event.digest)) {
            fold->outcomes.append(Result::Duplicate);
            continue;
        }
        fold->knownDigests.insert(event.digest); // a webhook retried within the batch
        const QString callSid = event.webhook.callSid();
        fold->calls[callSid].apply(event.webhook);
        fold->added.append(&event);
        fold->changed.append(callSid);
        fold->outcomes.append(Result::Recorded);
    }
    fold->changed.removeDuplicates();
}

bool CallWriter::writeCalls(const Fold &fold, QSet<QString> *written)
{
    if (fold.changed.isEmpty())
        return true;
    QJsonArray callRows;
    QJsonArray eventRows;
    QJsonArray voicemailRows;
    QStringList voicemailsGone;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const QString &callSid : fold.changed) {
        const CallRecord &call = *fold.calls.constFind(callSid);
        const auto readRevision = fold.readRevisions.constFind(callSid);
        callRows.append(QJsonArray{
            call.callSid, call.accountSid, call.from, call.to, call.callerName, call.fromCity,
            call.fromState, call.fromCountry, timeJson(call.startedAt), timeJson(call.answeredAt),
            timeJson(call.endedAt), callStatusToString(call.status), optionalJson(call.durationS),
            textOrNull(menuChoiceToString(call.menuChoice)), call.forwardedTo, call.dialStatus,
            optionalJson(call.talkDurationS), outcomeToString(call.outcome()),
            readRevision == fold.readRevisions.cend() ? QJsonValue() : QJsonValue(*readRevision)});
        if (call.voicemail) {
            const Voicemail &voicemail = *call.voicemail;
            voicemailRows.append(QJsonArray{call.callSid, voicemail.recordingSid,
                                            voicemail.recordingUrl, voicemail.recordingStatus,
                                            voicemail.durationS, now});
        } else if (fold.hadVoicemail.contains(callSid)) {
            voicemailsGone.append(callSid);
        }
    }
    for (const Event *event : fold.added) {
        const Webhook &webhook = event->webhook;
        eventRows.append(QJsonArray{webhook.callSid(), webhook.receivedAt.toMSecsSinceEpoch(),
                                    webhookKindToString(webhook.kind),
                                    webhook.params.value(QStringLiteral("CallStatus")),
                                    event->digest, event->params});
    }
    Statements &s = *m_statements;
    const auto readWritten = [written](QSqlQuery &query) {
        while (query.next())
            written->insert(query.value(0).toString());
        query.finish();
    };
    if (!s.writeBatch.lastQuery().isEmpty()) {
        s.writeBatch.bindValue(0, jsonText(fold.changed));
        s.writeBatch.bindValue(1, jsonText(callRows));
        s.writeBatch.bindValue(2, jsonText(eventRows));
        s.writeBatch.bindValue(3, jsonText(voicemailsGone));
        s.writeBatch.bindValue(4, jsonText(voicemailRows));
        if (!exec(s.writeBatch))
            return false;
        readWritten(s.writeBatch);
        return true;
    }
    s.upsertCalls.bindValue(0, jsonText(callRows));
    if (!exec(s.upsertCalls))
        return false;
    readWritten(s.upsertCalls);
    s.insertEvents.bindValue(0, jsonText(eventRows));
    if (!exec(s.insertEvents))
        return false;
    if (!voicemailsGone.isEmpty()) {
        s.deleteVoicemails.bindValue(0, jsonText(voicemailsGone));
        if (!exec(s.deleteVoicemails))
            return false;
    }
    if (voicemailRows.isEmpty())
        return true;
    s.upsertVoicemails.bindValue(0, jsonText(voicemailRows));
    return exec(s.upsertVoicemails);
}

bool CallWriter::bumpRevision(const QString &callSid)
{
    QSqlQuery &bump = m_statements->bumpRevision;
    bump.bindValue(0, callSid);
    const bool bumped = exec(bump);
    bump.finish(); // its row, if any, is the notification sent
    return bumped;
}

QList<CallWriter::Download> CallWriter::claimDueDownloads(const QDateTime &now, int limit,
                                                          int leaseSeconds)
{
    const auto claim = [&] {
        QSqlQuery &query = m_statements->claimDueDownloads; // replaced by a reconnect
        query.bindValue(0, now.addSecs(leaseSeconds).toMSecsSinceEpoch());
        query.bindValue(1, now.toMSecsSinceEpoch());
        query.bindValue(2, now.addSecs(-60).toMSecsSinceEpoch());
        query.bindValue(3, limit);
        return exec(query);
    };
    QList<Download> claimed;
    // Outside any transaction, this may be the first statement on a connection the server
    // has dropped since: then once more on a new one.
    if (!claim() && !(reconnect() && claim()))
        return claimed;
    QSqlQuery &query = m_statements->claimDueDownloads;
    while (query.next())
        claimed.append({query.value(0).toString(), query.value(1).toString(),
                        query.value(2).toString(), query.value(3).toInt()});
    query.finish();
    return claimed;
}

bool CallWriter::storeAudio(const QString &callSid, const QByteArray &audio,
                            const QString &contentType)
{
    // Hashed before the transaction: on SQLite a write transaction keeps every other writer out.
    const QString sha256 =
        QString::fromLatin1(QCryptographicHash::hash(audio, QCryptographicHash::Sha256).toHex());
    return changeVoicemail(
        &Statements::storeAudio, callSid,
        {m_database.dialect().binaryValue(audio), qint64(audio.size()), sha256, contentType});
}

bool CallWriter::recordDownloadFailure(const QString &callSid, const QString &error,
                                       const QDateTime &retryAt, bool giveUp)
{
    return changeVoicemail(
        &Statements::downloadFailed, callSid,
        {downloadStateToString(giveUp ? DownloadState::Failed : DownloadState::Pending), error,
         retryAt.toMSecsSinceEpoch()});
}

bool CallWriter::setHeard(const QString &callSid, bool heard)
{
    return changeVoicemail(&Statements::markHeard, callSid,
                           {heard ? QVariant(QDateTime::currentMSecsSinceEpoch())
                                  : QVariant(QMetaType::fromType<qint64>())});
}

bool CallWriter::changeVoicemail(QSqlQuery Statements::*statement, const QString &callSid,
                                 const QVariantList &values)
{
    const bool inOne = !m_database.dialect().isSqlite();
    // `statement` is looked up again after a reconnect, which prepares new ones.
    const auto run = [&] {
        QSqlQuery &query = (*m_statements).*statement;
        int parameter = 0;
        if (inOne)
            query.bindValue(parameter++, callSid); // for the lock
        for (const QVariant &value : values)
            query.bindValue(parameter++, value);
        query.bindValue(parameter, callSid);
        const bool done = exec(query);
        for (int i = 0; i <= parameter; ++i)
            query.bindValue(i, QVariant()); // let go of the audio
        return done;
    };
    const auto noVoicemail = [&] {
        m_lastError = QStringLiteral("call %1 has no voicemail").arg(callSid);
        return false;
    };
    if (inOne) {
        // Its own transaction, and maybe the first statement on a connection the server has
        // dropped since: then once more on a new one.
        if (!run() && !(reconnect() && run()))
            return false;
        QSqlQuery &query = (*m_statements).*statement;
        const bool found = query.next();
        query.finish();
        return found || noVoicemail();
    }
    if (!begin())
        return false;
    if (!run()) {
        rollback();
        return false;
    }
    if (((*m_statements).*statement).numRowsAffected() != 1) {
        rollback();
        return noVoicemail();
    }
    if (!bumpRevision(callSid)) {
        rollback();
        return false;
    }
    return commit();
}

} // namespace Switchboard
