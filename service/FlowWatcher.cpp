#include "FlowWatcher.h"

#include "core/Logging.h"
#include "db/Database.h"
#include "db/FlowCache.h"
#include "twilio/CallFlow.h"

namespace Switchboard {

FlowWatcher::FlowWatcher(const DatabaseUrl &url)
    : m_url(url)
    , m_thread(QStringLiteral("flow"))
{}

FlowWatcher::~FlowWatcher()
{
    m_thread.run([this] {
        m_cache.reset();
        m_database.reset();
    });
}

bool FlowWatcher::start(QString *error)
{
    return m_thread.run([this, error] {
        m_database = std::make_unique<Database>(m_url, QStringLiteral("flow-watch"));
        if (!m_database->open(error))
            return false;
        m_cache = std::make_unique<FlowCache>(*m_database);
        return m_cache->start(error, kPollIntervalMs, kPollIntervalMs);
    });
}

CallFlow FlowWatcher::flowFor(const CallFlowSettings &settings, QUrl *requestUrl) const
{
    std::shared_ptr<const StoredFlow> stored;
    if (m_cache) {
        const qint64 revision = CallFlow::revisionOf(*requestUrl);
        if (revision != 0)
            stored = m_cache->revision(revision);
        if (!stored) {
            if (revision != 0) {
                qCWarning(lcWebhook, "%s: the call goes on without the members it was routed to",
                          qPrintable(revision > 0 ? QStringLiteral("call flow revision %1 is no "
                                                                   "longer at hand")
                                                        .arg(revision)
                                                  : QStringLiteral("a malformed revision")));
                *requestUrl = CallFlow::withoutMember(*requestUrl);
            }
            stored = m_cache->current();
        }
    }
    if (!stored)
        return CallFlow(settings);
    // Shares the snapshot's ownership: no copy of the flow per webhook.
    return CallFlow(settings, std::shared_ptr<const FlowDefinition>(stored, &*stored->flow),
                    stored->revision);
}

} // namespace Switchboard
