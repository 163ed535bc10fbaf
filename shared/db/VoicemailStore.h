#pragma once

#include <memory>
#include <QDateTime>
#include <QList>
#include <QSqlQuery>
#include <QString>

namespace Switchboard {

class Database;

// The voicemail downloads' side of the call log, on either engine: which recordings are due
// for a download, their audio, a failed attempt. CallWriter writes the voicemails' rows from
// the webhooks; this changes only their download. The statements are in SqliteVoicemailStore
// and PostgresVoicemailStore, which say what each method commits and when.
class VoicemailStore final
{
public:
    explicit VoicemailStore(Database &database);
    ~VoicemailStore();
    Q_DISABLE_COPY_MOVE(VoicemailStore)

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
    // Each changes one call's voicemail and moves the call's revision on, atomically, so that
    // desktops read the call again; false also when the call has no voicemail.
    bool storeAudio(const QString &callSid, const QByteArray &audio, const QString &contentType);
    bool recordDownloadFailure(const QString &callSid, const QString &error,
                               const QDateTime &retryAt, bool giveUp);
    // Heard is the desktops' to mark, per person: CallAnnotations::setHeard().

    QString lastError() const;

    // What one engine's store does; VoicemailStore picks the one for the database.
    class Engine
    {
    public:
        virtual ~Engine() = default;
        Q_DISABLE_COPY_MOVE(Engine)

        virtual QList<Download> claimDueDownloads(const QDateTime &now, int limit,
                                                  int leaseSeconds) = 0;
        // Sets the audio, its size, SHA-256 and content type on the call's voicemail.
        virtual bool storeAudio(const QString &callSid, const QByteArray &audio,
                                const QString &sha256, const QString &contentType) = 0;
        // Sets the voicemail's download state, its last error and its next attempt.
        virtual bool recordDownloadFailure(const QString &callSid, const QString &downloadState,
                                           const QString &error, qint64 nextAttemptAtMs) = 0;

        QString lastError() const { return m_lastError; }

    protected:
        Engine() = default;
        void setLastError(const QString &error) { m_lastError = error; }
        // Runs a prepared statement; its error becomes lastError().
        bool exec(QSqlQuery &query);
        bool noVoicemail(const QString &callSid);
        // The claim's parameters, in its statement's order, and the downloads it returned.
        static void bindClaim(QSqlQuery &claim, const QDateTime &now, int limit, int leaseSeconds);
        static QList<Download> claimed(QSqlQuery &claim);
        // Unbinds the first `parameters`: a prepared statement keeps its values until its next
        // run, and a voicemail's audio may be megabytes.
        static void unbind(QSqlQuery &query, int parameters);

    private:
        QString m_lastError;
    };

private:
    std::unique_ptr<Engine> m_engine;
};

} // namespace Switchboard
