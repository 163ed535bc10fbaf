#pragma once

#include "core/WorkerThread.h"
#include "db/DatabaseUrl.h"
#include "twilio/CallFlowSettings.h"

#include <memory>
#include <QUrl>

namespace Switchboard {

class CallFlow;
class Database;
class FlowCache;

// The call flow the webhooks are answered with: a FlowCache on a thread and a connection of its
// own, so that neither its polls nor its LISTEN wait behind the webhooks' work. The HTTP threads
// only copy the current snapshot (a shared pointer to an immutable flow): no webhook reads the
// database for it.
class FlowWatcher final
{
    Q_DISABLE_COPY_MOVE(FlowWatcher)

public:
    // Also on PostgreSQL: a NOTIFY lost while the connection was down (or a server restart only
    // a failing check notices) must not delay a new revision past the promised second; one
    // `SELECT MAX(id)` a second per instance costs next to nothing.
    static constexpr int kPollIntervalMs = 1000;

    explicit FlowWatcher(const DatabaseUrl &url);
    ~FlowWatcher();

    // Reads the current revision, then watches for new ones. False, with `error`, when the
    // database cannot be read; a corrupt revision leaves no flow (the flags' one is used) and
    // is named in the log.
    bool start(QString *error);

    // From any thread after start(): the flow to answer a webhook requested at `requestUrl`
    // with. When the URL names a revision (a forwarded call's dial action and legs), that
    // revision, the one the call was routed under, so that `member` names whom it rang. When it
    // names none, the current flow (the flags' one while no usable revision was read). When it
    // names one no longer kept (or never stored), the current flow, and `requestUrl` loses its
    // `member`, which names nobody known any more: a hunt ends at the voicemail, a leg is
    // refused.
    CallFlow flowFor(const CallFlowSettings &settings, QUrl *requestUrl) const;

private:
    DatabaseUrl m_url;
    WorkerThread m_thread;
    // Created, used and destroyed on m_thread; m_cache is only read elsewhere through its
    // thread-safe current().
    std::unique_ptr<Database> m_database;
    std::unique_ptr<FlowCache> m_cache;
};

} // namespace Switchboard
