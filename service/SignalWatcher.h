#pragma once

#include <QObject>

class QSocketNotifier;

namespace Switchboard {

// Turns SIGTERM and SIGINT into a Qt signal, delivered by the event loop: a Unix signal
// handler may only write to a pipe, so that is all it does.
class SignalWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignalWatcher)

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signal);

private:
    static void handle(int signal);
    static int s_pipe[2];
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Switchboard
