#pragma once

#include "CallResult.h"
#include "CallScript.h"
#include "CallSettings.h"

#include <QList>
#include <QObject>
#include <QRandomGenerator>

class QNetworkAccessManager;

namespace Switchboard {

class MediaServer;

// Places `calls` calls, at most `concurrency` at a time, each with the base script or, with
// `mix`, a random realistic one; collects their results in call order.
class SimulationRun final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulationRun)

public:
    struct Plan
    {
        CallScript script;
        int calls = 1;
        int concurrency = 1;
        bool mix = false;
        bool varyCallers = false; // --mix without --from
        quint32 seed = 0;         // for --mix; 0 picks one
    };

    SimulationRun(const CallSettings &settings, const Plan &plan, MediaServer *media,
                  QObject *parent = nullptr);
    ~SimulationRun() override;

    void start();
    const QList<CallResult> &results() const { return m_results; }
    bool allOk() const;
    quint32 seed() const { return m_seed; }

Q_SIGNALS:
    void narration(const QString &line);
    void callFinished(const CallResult &result);
    void finished();

private:
    void placeNext();

    CallSettings m_settings;
    Plan m_plan;
    MediaServer *m_media;
    QNetworkAccessManager *m_network;
    quint32 m_seed;
    QRandomGenerator m_random;
    int m_placed = 0;
    int m_running = 0;
    QList<CallResult> m_results;
};

} // namespace Switchboard
