#include "SimulationRun.h"

#include "CallMix.h"
#include "SimulatedCall.h"

#include <algorithm>
#include <QNetworkAccessManager>

namespace Switchboard {

SimulationRun::SimulationRun(const CallSettings &settings, const Plan &plan, MediaServer *media,
                             QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_plan(plan)
    , m_media(media)
    , m_network(new QNetworkAccessManager(this))
    , m_seed(plan.seed ? plan.seed : QRandomGenerator::global()->generate())
    , m_random(m_seed)
{}

SimulationRun::~SimulationRun() = default;

bool SimulationRun::allOk() const
{
    return std::all_of(m_results.cbegin(), m_results.cend(),
                       [](const CallResult &result) { return result.ok(); });
}

void SimulationRun::start()
{
    if (m_plan.calls <= 0) {
        Q_EMIT finished();
        return;
    }
    const int parallel = qBound(1, m_plan.concurrency, m_plan.calls);
    for (int i = 0; i < parallel; ++i)
        placeNext();
}

void SimulationRun::placeNext()
{
    const int index = ++m_placed;
    const CallScript script =
        m_plan.mix ? randomCallScript(m_random, m_plan.script) : m_plan.script;
    CallSettings settings = m_settings;
    if (m_plan.varyCallers)
        settings.party = randomCaller(m_random, m_settings.party);
    auto *call = new SimulatedCall(index, settings, script, m_network, m_media, this);
    const QString prefix = QStringLiteral("[call %1] ").arg(index);
    connect(call, &SimulatedCall::narration, this,
            [this, prefix](const QString &line) { Q_EMIT narration(prefix + line); });
    connect(call, &SimulatedCall::finished, this, [this, call] {
        m_results.append(call->result());
        Q_EMIT callFinished(call->result());
        call->deleteLater();
        --m_running;
        if (m_placed < m_plan.calls) {
            placeNext();
        } else if (m_running == 0) {
            std::sort(m_results.begin(), m_results.end(),
                      [](const CallResult &a, const CallResult &b) { return a.index < b.index; });
            Q_EMIT finished();
        }
    });
    ++m_running;
    call->start();
}

} // namespace Switchboard
