#pragma once

#include "core/CallRecord.h"

#include <memory>
#include <QHash>
#include <QSet>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace Switchboard {

class Database;

// Everything that writes the call log. Each method is one transaction: when it returns true
// the change is committed. Concurrent writers (instances on PostgreSQL) take a call's lock
// before writing any of its rows.
class CallWriter final
{
public:
    explicit CallWriter(Database &database);
    ~CallWriter();
    Q_DISABLE_COPY_MOVE(CallWriter)

    enum class Result
    {
        Recorded,
        Duplicate, // the same webhook was recorded before: nothing changed
        Deferred,  // another writer holds the call or changed it meanwhile (recordAll only):
                   // nothing written, try again
        Failed,
    };

    // A webhook with what its timeline row needs that takes no database (its digest, its
    // parameters form-encoded): worked out on the caller's thread, so that the writer only
    // writes.
    struct Event
    {
        Webhook webhook;
        QString digest;
        QString params;
    };
    static Event event(const Webhook &webhook);

    // Adds the webhook to the call's timeline and folds it into the call's row.
    Result record(const Webhook &webhook);

    // Records several webhooks, in order, in one transaction: one commit for all of them.
    // False when the transaction failed, and then none of them is recorded. A call that
    // another writer (instance) holds is not waited for, and one it changed between this
    // batch's read and its write is not written over: their webhooks come back Deferred.
    bool recordAll(const QList<Event> &events, QList<Result> *results);

    struct Download
    {
        QString callSid;
        QString recordingSid;
        QString recordingUrl;
        int attempts = 0;
    };

    // Takes, for `leaseSeconds`, up to `limit` voicemails whose media Twilio has ready and
    // that are due for a (new) download attempt: no other instance fetches them meanwhile.
    QList<Download> claimDueDownloads(const QDateTime &now, int limit, int leaseSeconds);
    bool storeAudio(const QString &callSid, const QByteArray &audio, const QString &contentType);
    bool recordDownloadFailure(const QString &callSid, const QString &error,
                               const QDateTime &retryAt, bool giveUp);

    bool setHeard(const QString &callSid, bool heard);

    QString lastError() const { return m_lastError; }

private:
    struct Statements;
    struct Fold;

    void prepare();
    bool exec(QSqlQuery &query);
    bool writeIfUnchanged(const QList<Event> &events, const QStringList &callSids,
                          const QStringList &digests, QList<Result> *results);
    // Reads the calls, and which of `digests` their timelines have.
    bool selectCalls(const QStringList &callSids, const QStringList &digests, Fold *fold);
    static void foldIn(const QList<Event> &events, Fold *fold);
    // Writes the changed calls, their new events and voicemails; `written` receives the calls
    // written (on PostgreSQL, those whose revision was still the one read).
    bool writeCalls(const Fold &fold, QSet<QString> *written);
    bool begin();
    bool reconnect();
    bool commit();
    void rollback();
    bool bumpRevision(const QString &callSid);
    // Changes one call's voicemail with `statement` (bound `values`, then the CallSid) and
    // moves the call's revision on, atomically. False also when the call has no voicemail.
    bool changeVoicemail(QSqlQuery Statements::*statement, const QString &callSid,
                         const QVariantList &values);

    Database &m_database;
    std::unique_ptr<Statements> m_statements;
    QString m_lastError;
};

} // namespace Switchboard
