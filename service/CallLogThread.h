#pragma once

#include "core/WorkerThread.h"
#include "db/CallReader.h"
#include "db/CallWriter.h"
#include "DurableRecorder.h"
#include "ServiceConfig.h"

#include <atomic>
#include <functional>
#include <memory>
#include <QMutex>
#include <vector>

namespace Switchboard {

class Database;
class DownloadThread;
class WalCheckpointer;
class WebhookJournal;

// The service's writer of webhooks to the call log, on a thread and a database connection of
// its own: the webhooks and the journal's replay write from here (voicemail audio is stored
// by the DownloadThread).
//
// Webhook handlers on the HTTP threads hand their webhook over and return; everything that
// arrived while the previous transaction was committing goes into the next one (group
// commit). Each webhook is still answered only once it is committed, when its callback runs,
// but under load one commit serves many webhooks instead of one, and no thread waits for it.
class CallLogThread final
{
    Q_DISABLE_COPY_MOVE(CallLogThread)

public:
    CallLogThread(const ServiceConfig &config, DownloadThread &downloads);
    ~CallLogThread(); // closes everything on the thread, then stops it

    // Opens and migrates the database, checks that it is writable, replays the journal.
    bool start(QString *error);

    struct Recorded
    {
        DurableRecorder::Result result = DurableRecorder::Result::Lost;
        bool legAccepted = false; // asked for: whether a member accepted the webhook's DialCallSid
    };
    using Done = std::function<void(const Recorded &)>;
    // From any thread but this one: queues the webhook for the next commit and returns at
    // once. `done` runs on this thread once the webhook is durable (or lost). With
    // `askLegAccepted`, the call log then also says whether a member accepted the webhook's
    // DialCallSid at the screening whisper (after the commit, so that it sees this webhook).
    void record(const Webhook &webhook, bool askLegAccepted, Done done);

    // From any thread but this one, without waiting: whether the caller chose to be forwarded
    // on `callSid`, so that its members' legs may call back; `answer` runs on this thread with
    // the verdict. True when the call log cannot say (the database is down and the menu webhook
    // waits in the journal): a leg is not cut off for that.
    void isBeingForwarded(const QString &callSid, std::function<void(bool forwarded)> answer);

    // The call a call back answers, as the call log has it: whom to dial (the caller's number)
    // and what number to show (the number the caller called).
    struct CallBackTarget
    {
        enum class State
        {
            Found,
            Unknown,     // no inbound call has this CallSid
            Unavailable, // the call log cannot say: the database is down
        };
        State state = State::Unavailable;
        QString callerNumber;
        QString companyNumber;
    };
    // From any thread but this one.
    CallBackTarget callBackTarget(const QString &callSid);

    // Webhooks waiting in the journal for the database to come back.
    qsizetype journaled() const { return m_journaled.load(); }

private:
    struct Pending
    {
        CallWriter::Event event;
        bool askLegAccepted = false;
        Done done;
    };

    bool open(QString *error);
    void close();
    void commitPending();
    // Whether a member accepted `callSid` at the screening whisper
    // (CallReader::hasAcceptedLeg); false when the call log cannot say.
    bool acceptedLeg(const QString &callSid, const QString &dialCallSid);
    bool beingForwarded(const QString &callSid);

    ServiceConfig m_config;
    DownloadThread &m_downloads;
    WorkerThread m_thread;

    // Used on m_thread only.
    std::unique_ptr<Database> m_database;
    std::unique_ptr<CallWriter> m_writer;
    std::unique_ptr<CallReader> m_reader; // the leg webhooks' questions, asked again and again
    std::unique_ptr<WebhookJournal> m_journal;
    std::unique_ptr<DurableRecorder> m_recorder;
    std::unique_ptr<WalCheckpointer> m_checkpointer; // SQLite only

    QMutex m_mutex;
    std::vector<Pending> m_pending; // guarded by m_mutex
    std::atomic<qsizetype> m_journaled = 0;
};

} // namespace Switchboard
