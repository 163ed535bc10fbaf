#pragma once

#include "core/WorkerThread.h"
#include "LogConnection.h"

#include <memory>
#include <QObject>
#include <QString>
#include <QTimer>

namespace Switchboard {

class CallAnnotations;
class CallFeedQuery;
class CallReader;
class CallWriter;
class Database;
class DatabaseWatcher;

// The app's one connection to the call log, with what reads and writes through it; the feed
// uses it on the GUI thread. It reports when another process changed the log, and when the
// log cannot be read: then it closes the connection and tries again every few seconds until
// it can. Every connect runs on a thread of its own: a server that takes the connection and
// never answers holds libpq for its whole connect timeout, which must not freeze the window.
class CallLog final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CallLog)

public:
    explicit CallLog(QObject *parent = nullptr);
    ~CallLog() override;

    // Starts opening the existing log at `url` ("sqlite:/path" or "postgresql://..."), never
    // creating nor migrating it (see LogConnection), and returns at once: the attempt ends
    // with availabilityChanged(true), or availabilityChanged(false) and retries every few
    // seconds (the service may be about to create or update the log). `password` (the
    // keychain's) is used, reconnections included, when the URL has none; with neither, libpq
    // still looks in PGPASSFILE / ~/.pgpass.
    void open(const QString &url, const QString &password = {});
    void close();

    QString url() const { return m_connection.url(); }
    // How to open more connections to the same log, with the same password (other threads'
    // readers, a short-lived writer).
    const LogConnection &connection() const { return m_connection; }
    QString displayUrl() const;
    bool isAvailable() const { return m_database != nullptr; }
    // An attempt to open the log is under way.
    bool isConnecting() const { return m_attemptGeneration == m_generation; }
    QString errorMessage() const { return m_error; }

    // Valid while available.
    Database *database() const { return m_database.get(); }
    CallFeedQuery *feedQuery() const { return m_feedQuery.get(); }
    CallReader *reader() const { return m_reader.get(); }
    CallWriter *writer() const { return m_writer.get(); }
    CallAnnotations *annotations() const { return m_annotations.get(); }

    void setPollInterval(int ms);
    void setRetryInterval(int ms);
    int retryInterval() const { return m_retryTimer.interval(); }

    // A query through this connection failed: the log is treated as unavailable.
    void reportFailure(const QString &message);
    // This connection wrote: readers should look for changes now, because data_version only
    // moves for other connections' commits.
    void notifyLocalWrite();
    // While unavailable: tries to reconnect now rather than at the next retry. It ends with
    // availabilityChanged(true) or attemptFailed().
    void retryNow();

Q_SIGNALS:
    void changed();
    void availabilityChanged(bool available);
    // A reconnection attempt failed; `message` says why (errorMessage() too).
    void attemptFailed(const QString &message);

private:
    void startAttempt();
    void finishAttempt(int generation, std::unique_ptr<Database> database, const QString &error);
    void adopt(std::unique_ptr<Database> database);
    void disconnectNow();

    LogConnection m_connection;
    QString m_error;
    std::unique_ptr<Database> m_database;
    std::unique_ptr<CallFeedQuery> m_feedQuery;
    std::unique_ptr<CallReader> m_reader;
    std::unique_ptr<CallWriter> m_writer;
    std::unique_ptr<CallAnnotations> m_annotations;
    std::unique_ptr<DatabaseWatcher> m_watcher;
    QTimer m_retryTimer;
    int m_generation = 0;         // bumped by close(): an earlier attempt's answer is dropped
    int m_attemptGeneration = -1; // the generation whose attempt is under way
    int m_pollIntervalMs = 200;
    // Last: it stops (waiting for a connect in progress) before the rest goes.
    WorkerThread m_connector;
};

} // namespace Switchboard
