#pragma once

#include "core/WorkerThread.h"
#include "db/CallFeedQuery.h"
#include "LogConnection.h"

#include <memory>
#include <QObject>

namespace Switchboard {

// Counts the feed's counters on a thread of its own, with a connection of its own: counting
// unheard voicemails reads the whole voicemails table, which must not freeze the window (nor
// delay live rows) on a big log. Requests made while a count runs fold into one more count.
class CountersReader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CountersReader)

public:
    explicit CountersReader(QObject *parent = nullptr);
    ~CountersReader() override;

    // The log to count, opened as the feed's (LogConnection): with its keychain password.
    void setConnection(const LogConnection &connection);
    // Whose unheard voicemails are counted (see CallFeedQuery::counters()).
    void setViewer(const QString &name) { m_viewer = name; }
    void request();
    bool isBusy() const { return m_busy; }

Q_SIGNALS:
    void counted(const Switchboard::CallCounters &counters);

private:
    class Worker;

    void start();

    // Used on m_thread only; destroyed after it, once the thread has stopped.
    std::unique_ptr<Worker> m_worker;
    WorkerThread m_thread;
    LogConnection m_connection;
    QString m_viewer;
    bool m_busy = false;
    bool m_again = false;
};

} // namespace Switchboard
