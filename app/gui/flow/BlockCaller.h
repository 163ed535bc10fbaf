#pragma once

#include <QObject>

class QWidget;

namespace Switchboard {

class AppSettings;
class CallLog;
class FlowRevisions;

// "Block this number" from the feed: after the user confirms, the caller joins the call flow's
// blocklist as a new revision by this desktop's user, through the same conflict-safe save as
// the Call Flow page (FlowRevisions::block).
class BlockCaller final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BlockCaller)

public:
    // `window` parents the confirmation and the warnings; `log` says which log to write. The
    // revision carries the display name `settings` holds when the user confirms.
    BlockCaller(CallLog *log, AppSettings *settings, QWidget *window);

    // Asks whether to block `number`, then blocks it; the answer comes with finished(), or a
    // warning.
    void confirmAndBlock(const QString &number);
    bool isBusy() const;

Q_SIGNALS:
    // A sentence for the status bar: blocked, or blocked already.
    void finished(const QString &message);
    void failed(const QString &message);

private:
    CallLog *m_log;
    AppSettings *m_settings;
    QWidget *m_window;
    FlowRevisions *m_revisions;
};

} // namespace Switchboard
