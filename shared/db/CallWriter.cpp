#include "CallWriter.h"

#include "CallRows.h"
#include "Database.h"
#include "twilio/RequestSignature.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlError>
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
        : insertEvents(db)
        , selectCalls(db)
        , upsertCalls(db)
        , upsertVoicemails(db)
        , deleteVoicemails(db)
        , bumpRevision(db)
        , writeCalls(db)
        , lockCalls(db)
        , claimDueDownloads(db)
        , storeAudio(db)
        , downloadFailed(db)
        , markHeard(db)
        , control(db)
    {}

    QSqlQuery insertEvents;
    QSqlQuery selectCalls;
    QSqlQuery upsertCalls;
    QSqlQuery upsertVoicemails;
    QSqlQuery deleteVoicemails;
    QSqlQuery bumpRevision;
    QSqlQuery writeCalls; // upsertCalls, deleteVoicemails and upsertVoicemails, where possible
    QSqlQuery lockCalls;
    QSqlQuery claimDueDownloads;
    QSqlQuery storeAudio;
    QSqlQuery downloadFailed;
    QSqlQuery markHeard;
    QSqlQuery control;
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
    const QString nextRevision = dialect.nextRevision();
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
    // The calls are locked by the statement that adds their events: a call another instance
    // holds gets no events, and comes back busy.
    s.insertEvents.prepare(dialect.afterTryLockingCalls(
        QStringLiteral("INSERT INTO call_events (call_sid, received_at, kind, call_status, digest,"
                       " params) SELECT ") +
        fields({"TEXT", "BIGINT", "TEXT", "TEXT", "TEXT", "TEXT"}) + rows +
        dialect.andCallNotBusy(dialect.jsonField(0, "TEXT")) +
        QStringLiteral(
            " ORDER BY r.key ON CONFLICT (call_sid, digest) DO NOTHING RETURNING digest")));
    s.selectCalls.prepare(CallRows::selectSql() + QStringLiteral(" WHERE c.call_sid") +
                          dialect.inJsonTexts());
    const QString upsertCalls =
        QStringLiteral(
            "INSERT INTO calls (call_sid, account_sid, from_number, to_number, caller_name, "
            "from_city,"
            " from_state, from_country, started_at, answered_at, ended_at, status, duration_s,"
            " menu_choice, forwarded_to, dial_status, talk_duration_s, outcome, revision) "
            "SELECT ") +
        fields({"TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "BIGINT", "BIGINT",
                "BIGINT", "TEXT", "INTEGER", "TEXT", "TEXT", "TEXT", "INTEGER", "TEXT"}) +
        QStringLiteral(", ") + dialect.nextRevisionPerRow() + rows +
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
            " outcome = excluded.outcome, revision = excluded.revision") +
        dialect.notifyCallsWritten();
    const QString deleteVoicemails =
        QStringLiteral("DELETE FROM voicemails WHERE call_sid") + dialect.inJsonTexts();
    const QString upsertVoicemails =
        QStringLiteral("INSERT INTO voicemails (call_sid, recording_sid, recording_url,"
                       " recording_status, duration_s, created_at) SELECT ") +
        fields({"TEXT", "TEXT", "TEXT", "TEXT", "INTEGER", "BIGINT"}) + rows +
        QStringLiteral(" ON CONFLICT (call_sid) DO UPDATE SET"
                       " recording_status = excluded.recording_status");
    const QString writeCalls = dialect.allInOne({upsertCalls, deleteVoicemails, upsertVoicemails});
    if (writeCalls.isEmpty()) {
        s.upsertCalls.prepare(upsertCalls);
        s.deleteVoicemails.prepare(deleteVoicemails);
        s.upsertVoicemails.prepare(upsertVoicemails);
    } else {
        s.writeCalls.prepare(writeCalls);
    }
    s.bumpRevision.prepare(QStringLiteral("UPDATE calls SET revision = ") + nextRevision +
                           QStringLiteral(" WHERE call_sid = ?") + dialect.notifyCallsWritten());
    if (dialect.locksCalls())
        s.lockCalls.prepare(dialect.lockCalls());
    // Media is ready once Twilio said so; a recording whose status callback never came is
    // tried a minute after its <Record> action. Claiming moves a download's next attempt past
    // its lease, so that no other instance fetches it meanwhile.
    s.claimDueDownloads.prepare(
        QStringLiteral("UPDATE voicemails SET next_attempt_at = ? WHERE call_sid IN ("
                       "SELECT call_sid FROM voicemails WHERE download_state = 'pending'"
                       " AND next_attempt_at <= ? AND (recording_status = 'completed'"
                       " OR created_at <= ?) ORDER BY next_attempt_at LIMIT ?") +
        dialect.skipLocked() +
        QStringLiteral(") AND download_state = 'pending' AND next_attempt_at <= ?"
                       " RETURNING call_sid, recording_sid, recording_url, download_attempts"));
    // A voicemail's change and its call's new revision: one statement where the engine can.
    const auto prepareVoicemailChange = [&dialect](QSqlQuery &query, const QString &update) {
        query.prepare(dialect.locksCalls() ? dialect.withCallLockedAndRevised(update) : update);
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
    if (!reconnect())
        return false;
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
    for (QSqlQuery *query : {&m_statements->selectCalls, &m_statements->insertEvents})
        query->finish();
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
    QList<Result> results;
    return write({event(webhook)}, &results, LockWait::Wait) ? results.constFirst()
                                                             : Result::Failed;
}

bool CallWriter::recordAll(const QList<Event> &events, QList<Result> *results)
{
    return write(events, results, LockWait::DeferBusy);
}

bool CallWriter::write(const QList<Event> &events, QList<Result> *results, LockWait lockWait)
{
    QStringList callSids;
    for (const Event &event : events)
        callSids.append(event.webhook.callSid());
    callSids.removeDuplicates();
    if (!begin() || (lockWait == LockWait::Wait && !lockCalls(callSids)))
        return false;
    QSet<QString> added;
    QStringList busy;
    if (!insertEvents(events, callSids, &added, &busy)) {
        rollback();
        return false;
    }
    for (const QString &callSid : std::as_const(busy))
        callSids.removeOne(callSid);
    // Read after the locks are held: another instance's last write to a call is in its row.
    QHash<QString, CallRecord> calls;
    if (!selectCalls(callSids, &calls)) {
        rollback();
        return false;
    }
    QSet<QString> hadVoicemail;
    for (const CallRecord &call : std::as_const(calls)) {
        if (call.voicemail)
            hadVoicemail.insert(call.callSid);
    }

    // A webhook new to the timeline folds into its call's row, in the order they came.
    QList<Result> outcomes;
    QStringList changed;
    for (const Event &event : events) {
        const QString callSid = event.webhook.callSid();
        if (busy.contains(callSid)) {
            outcomes.append(Result::Deferred);
        } else if (added.remove(event.digest)) {
            calls[callSid].apply(event.webhook);
            changed.append(callSid);
            outcomes.append(Result::Recorded);
        } else {
            outcomes.append(Result::Duplicate);
        }
    }
    changed.removeDuplicates();
    if (!writeCalls(changed, calls, hadVoicemail)) {
        rollback();
        return false;
    }
    if (!commit())
        return false;
    *results = outcomes;
    return true;
}

bool CallWriter::lockCalls(const QStringList &callSids)
{
    if (!m_database.dialect().locksCalls())
        return true;
    QSqlQuery &lock = m_statements->lockCalls;
    lock.bindValue(0, callSids.join(QLatin1Char(',')));
    if (!exec(lock)) {
        rollback();
        return false;
    }
    lock.finish();
    return true;
}

// Takes the calls' locks that are free, and adds the events of those calls to the timeline.
// `added` receives the digests of the events it did not have, `busy` the calls another writer
// holds.
bool CallWriter::insertEvents(const QList<Event> &events, const QStringList &callSids,
                              QSet<QString> *added, QStringList *busy)
{
    QJsonArray rows;
    QSet<QString> digests; // a webhook retried within the batch goes in once
    for (const Event &event : events) {
        if (digests.contains(event.digest))
            continue;
        digests.insert(event.digest);
        const Webhook &webhook = event.webhook;
        rows.append(QJsonArray{webhook.callSid(), webhook.receivedAt.toMSecsSinceEpoch(),
                               webhookKindToString(webhook.kind),
                               webhook.params.value(QStringLiteral("CallStatus")), event.digest,
                               event.params});
    }
    QSqlQuery &insert = m_statements->insertEvents;
    int parameter = 0;
    if (m_database.dialect().locksCalls())
        insert.bindValue(parameter++, callSids.join(QLatin1Char(',')));
    insert.bindValue(parameter, jsonText(rows));
    if (!exec(insert))
        return false;
    while (insert.next()) {
        const QString value = insert.value(0).toString();
        if (insert.value(1).toBool())
            busy->append(value);
        else
            added->insert(value);
    }
    insert.finish();
    return true;
}

bool CallWriter::selectCalls(const QStringList &callSids, QHash<QString, CallRecord> *calls)
{
    if (callSids.isEmpty())
        return true;
    QSqlQuery &select = m_statements->selectCalls;
    select.bindValue(0, jsonText(callSids));
    if (!exec(select))
        return false;
    while (select.next()) {
        CallRecord call = CallRows::fromQuery(select);
        calls->insert(call.callSid, std::move(call));
    }
    select.finish();
    return true;
}

bool CallWriter::writeCalls(const QStringList &callSids, const QHash<QString, CallRecord> &calls,
                            const QSet<QString> &hadVoicemail)
{
    if (callSids.isEmpty())
        return true;
    QJsonArray callRows;
    QJsonArray voicemailRows;
    QStringList voicemailsGone;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const QString &callSid : callSids) {
        const CallRecord &call = *calls.constFind(callSid);
        callRows.append(QJsonArray{
            call.callSid, call.accountSid, call.from, call.to, call.callerName, call.fromCity,
            call.fromState, call.fromCountry, timeJson(call.startedAt), timeJson(call.answeredAt),
            timeJson(call.endedAt), callStatusToString(call.status), optionalJson(call.durationS),
            textOrNull(menuChoiceToString(call.menuChoice)), call.forwardedTo, call.dialStatus,
            optionalJson(call.talkDurationS), outcomeToString(call.outcome())});
        if (call.voicemail) {
            const Voicemail &voicemail = *call.voicemail;
            voicemailRows.append(QJsonArray{call.callSid, voicemail.recordingSid,
                                            voicemail.recordingUrl, voicemail.recordingStatus,
                                            voicemail.durationS, now});
        } else if (hadVoicemail.contains(callSid)) {
            voicemailsGone.append(callSid);
        }
    }
    Statements &s = *m_statements;
    if (!s.writeCalls.lastQuery().isEmpty()) {
        s.writeCalls.bindValue(0, jsonText(callRows));
        s.writeCalls.bindValue(1, jsonText(voicemailsGone));
        s.writeCalls.bindValue(2, jsonText(voicemailRows));
        const bool written = exec(s.writeCalls);
        s.writeCalls.finish(); // its rows, if any, are the notifications sent
        return written;
    }
    s.upsertCalls.bindValue(0, jsonText(callRows));
    if (!exec(s.upsertCalls))
        return false;
    s.upsertCalls.finish(); // its rows, if any, are the notifications sent
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
        query.bindValue(4, now.toMSecsSinceEpoch());
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
    const bool inOne = m_database.dialect().locksCalls();
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
    if (!begin() || !lockCalls({callSid}))
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
