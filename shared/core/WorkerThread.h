#pragma once

#include <memory>
#include <QObject>
#include <QThread>
#include <type_traits>
#include <utility>

namespace Switchboard {

// A thread with an event loop, and the means to run work on it. Objects that must live on the
// thread (a database connection, a QHttpServer, timers) are created and destroyed by work run
// there.
class WorkerThread final
{
    Q_DISABLE_COPY_MOVE(WorkerThread)

public:
    explicit WorkerThread(const QString &name)
        : m_context(std::make_unique<QObject>())
    {
        m_thread.setObjectName(name);
        m_thread.start();
        m_context->moveToThread(&m_thread);
    }

    ~WorkerThread()
    {
        m_thread.quit();
        m_thread.wait();
    } // m_context goes after the thread has stopped: nothing can be running on it

    // Runs `work` on the thread and returns what it returned, once it has run.
    template<typename Work> std::invoke_result_t<Work> run(Work &&work)
    {
        using Result = std::invoke_result_t<Work>;
        if constexpr (std::is_void_v<Result>) {
            QMetaObject::invokeMethod(m_context.get(), std::forward<Work>(work),
                                      Qt::BlockingQueuedConnection);
        } else {
            Result result{};
            QMetaObject::invokeMethod(
                m_context.get(), [&result, &work] { result = work(); },
                Qt::BlockingQueuedConnection);
            return result;
        }
    }

    // Queues `work` to run on the thread.
    template<typename Work> void post(Work &&work)
    {
        QMetaObject::invokeMethod(m_context.get(), std::forward<Work>(work), Qt::QueuedConnection);
    }

    // Lives on the thread: a context for timers and connections made there.
    QObject *context() const { return m_context.get(); }

private:
    QThread m_thread;
    std::unique_ptr<QObject> m_context;
};

} // namespace Switchboard
