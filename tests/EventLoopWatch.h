#pragma once

// How long the event loop went without running a timer, from construction to stop(): what a
// user sees as a window that neither paints nor answers.

#include <functional>
#include <QElapsedTimer>
#include <QTimer>

namespace Switchboard::Testing {

class EventLoopWatch final
{
    Q_DISABLE_COPY_MOVE(EventLoopWatch)

public:
    // `onTick` runs at each turn of the loop the watch sees, e.g. to note what a widget shows.
    explicit EventLoopWatch(std::function<void()> onTick = {})
    {
        m_ticker.setInterval(10);
        QObject::connect(&m_ticker, &QTimer::timeout, [this, onTick = std::move(onTick)] {
            m_longestMs = qMax(m_longestMs, m_sinceTick.restart());
            if (onTick)
                onTick();
        });
        m_sinceTick.start();
        m_ticker.start();
    }

    void stop()
    {
        if (!m_ticker.isActive())
            return;
        m_ticker.stop();
        m_longestMs = qMax(m_longestMs, m_sinceTick.elapsed());
    }

    qint64 longestStallMs() const { return m_longestMs; }

private:
    QTimer m_ticker;
    QElapsedTimer m_sinceTick;
    qint64 m_longestMs = 0;
};

} // namespace Switchboard::Testing
