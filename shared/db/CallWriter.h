#pragma once

#include "core/CallRecord.h"

#include <memory>
#include <QList>
#include <QSqlQuery>
#include <QString>

namespace Switchboard {

class Database;

// Everything that writes the call log, on either engine: the statements are in
// SqliteCallWriter and PostgresCallWriter, which say what each method commits and when.
// Concurrent writers (instances on PostgreSQL) take a call's lock before writing any of its
// rows.
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

    // Records several webhooks, in order, with one commit for all of them. False when the
    // write failed, and then none of them is recorded. A call that another writer (instance)
    // holds is not waited for, and one it changed between this batch's read and its write is
    // not written over: their webhooks come back Deferred.
    bool recordAll(const QList<Event> &events, QList<Result> *results);

    struct Download
    {
        QString callSid;
        QString recordingSid;
        QString recordingUrl;
        int attempts = 0;
    };

    // A voicemail whose recording status callback never came (refused at a cap, or its
    // connection cut: Twilio does not send it again) is tried this long after it was recorded;
    // a 404 while Twilio still processes it is retried like any failure.
    static constexpr int kStatusCallbackGraceSeconds = 10;

    // Takes, for `leaseSeconds`, up to `limit` voicemails whose media Twilio has ready (or
    // whose status callback is kStatusCallbackGraceSeconds late) and that are due for a (new)
    // download attempt: no other instance fetches them meanwhile.
    QList<Download> claimDueDownloads(const QDateTime &now, int limit, int leaseSeconds);
    // Each changes one call's voicemail and moves the call's revision on, atomically; false
    // also when the call has no voicemail.
    bool storeAudio(const QString &callSid, const QByteArray &audio, const QString &contentType);
    bool recordDownloadFailure(const QString &callSid, const QString &error,
                               const QDateTime &retryAt, bool giveUp);
    // Heard is the desktops' to mark, per person: CallAnnotations::setHeard().

    QString lastError() const;

    // What one engine's writer does; CallWriter picks the one for the database.
    class Engine
    {
    public:
        virtual ~Engine() = default;
        Q_DISABLE_COPY_MOVE(Engine)

        virtual bool recordAll(const QList<Event> &events, QList<Result> *results) = 0;
        virtual QList<Download> claimDueDownloads(const QDateTime &now, int limit,
                                                  int leaseSeconds) = 0;
        enum class VoicemailChange
        {
            StoreAudio,     // audio (bytes), bytes, sha256, content_type
            DownloadFailed, // download_state, last_error, next_attempt_at
        };
        // Sets `values` on the call's voicemail and moves the call's revision on, atomically.
        virtual bool changeVoicemail(VoicemailChange change, const QString &callSid,
                                     const QVariantList &values) = 0;

        QString lastError() const { return m_lastError; }
        void setLastError(const QString &error) { m_lastError = error; }

    protected:
        Engine() = default;
        // Runs a prepared statement; its error becomes lastError().
        bool exec(QSqlQuery &query);
        bool noVoicemail(const QString &callSid);
        // The claim's parameters, in its statement's order, and the downloads it returned.
        static void bindClaim(QSqlQuery &claim, const QDateTime &now, int limit, int leaseSeconds);
        static QList<Download> claimed(QSqlQuery &claim);

    private:
        QString m_lastError;
    };

private:
    std::unique_ptr<Engine> m_engine;
};

} // namespace Switchboard
