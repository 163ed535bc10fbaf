#pragma once

#include "core/WorkerThread.h"
#include "ServiceConfig.h"

#include <memory>

namespace Switchboard {

class Database;
class RecordingFetcher;
class VoicemailStore;

// Voicemail downloads on a thread and a database connection of their own: fetching, hashing
// and storing audio never holds up a batch of webhooks on the call log's thread.
class DownloadThread final
{
    Q_DISABLE_COPY_MOVE(DownloadThread)

public:
    explicit DownloadThread(const ServiceConfig &config);
    ~DownloadThread();

    // Opens the connection (the schema is already migrated) and resumes pending downloads.
    bool start(QString *error);
    // From any thread: looks for voicemails to download soon.
    void wake();
    // From any thread: a voicemail was recorded; its status callback may never come.
    void wakeAfterStatusGrace();

private:
    bool open(QString *error);

    ServiceConfig m_config;
    WorkerThread m_thread;

    // Used on m_thread only.
    std::unique_ptr<Database> m_database;
    std::unique_ptr<VoicemailStore> m_store;
    std::unique_ptr<RecordingFetcher> m_fetcher;
};

} // namespace Switchboard
