#pragma once

#include "core/CallRecord.h"

#include <memory>
#include <QSqlQuery>
#include <QString>

namespace Switchboard {

class Database;

// Everything that writes the call log. Each method is one transaction: when it returns true
// the change is committed.
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
        Failed,
    };

    // Adds the webhook to the call's timeline and folds it into the call's row.
    Result record(const Webhook &webhook, CallRecord *updated = nullptr);

    struct Download
    {
        QString callSid;
        QString recordingSid;
        QString recordingUrl;
        int attempts = 0;
    };

    // Voicemails whose media Twilio has ready and that are due for a (new) download attempt.
    QList<Download> dueDownloads(const QDateTime &now, int limit);
    // Takes a download for `lease`, so that no other instance fetches it meanwhile.
    bool claimDownload(const QString &callSid, const QDateTime &now, int leaseSeconds);
    bool storeAudio(const QString &callSid, const QByteArray &audio, const QString &contentType);
    bool recordDownloadFailure(const QString &callSid, const QString &error,
                               const QDateTime &retryAt, bool giveUp);

    bool setHeard(const QString &callSid, bool heard);

    QString lastError() const { return m_lastError; }

private:
    struct Statements;

    void prepare();
    bool exec(QSqlQuery &query);
    bool notify(const QString &callSid);
    bool begin();
    bool commit();
    void rollback();
    bool writeCall(const CallRecord &call);
    bool bumpRevision(const QString &callSid);
    QString eventDigest(const Webhook &webhook) const;

    Database &m_database;
    std::unique_ptr<Statements> m_statements;
    QString m_lastError;
};

} // namespace Switchboard
