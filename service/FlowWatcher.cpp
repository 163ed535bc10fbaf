#include "FlowWatcher.h"

#include "db/Database.h"
#include "db/FlowCache.h"

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

std::shared_ptr<const FlowDefinition> FlowWatcher::current() const
{
    if (!m_cache)
        return {};
    const std::shared_ptr<const StoredFlow> stored = m_cache->current();
    if (!stored)
        return {};
    // Shares the snapshot's ownership: no copy of the flow per webhook.
    return std::shared_ptr<const FlowDefinition>(stored, &*stored->flow);
}

} // namespace Switchboard
