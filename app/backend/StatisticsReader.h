#pragma once

#include "core/WorkerThread.h"
#include "db/CallStatistics.h"
#include "LogConnection.h"

#include <memory>
#include <optional>
#include <QObject>

namespace Switchboard {

// Computes the Statistics view's figures on a thread of its own, with a connection of its own
// (opened as the feed's, with the keychain's password): a month of a busy log takes the
// database a good part of a second, which must not freeze the window. While one range is
// computed, only the newest of the ranges asked for meanwhile is computed next.
class StatisticsReader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatisticsReader)

public:
    explicit StatisticsReader(QObject *parent = nullptr);
    ~StatisticsReader() override;

    void setConnection(const LogConnection &connection);
    void request(const StatisticsRange &range);
    bool isBusy() const { return m_busy; }

Q_SIGNALS:
    void computed(const Switchboard::StatisticsRange &range,
                  const Switchboard::CallFigures &figures);
    void failed(const Switchboard::StatisticsRange &range, const QString &message);

private:
    class Worker;

    void start(const StatisticsRange &range);

    // Used on m_thread only; destroyed after it, once the thread has stopped.
    std::unique_ptr<Worker> m_worker;
    WorkerThread m_thread;
    LogConnection m_connection;
    bool m_busy = false;
    std::optional<StatisticsRange> m_next;
};

} // namespace Switchboard
