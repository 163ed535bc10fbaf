#pragma once

#include "core/WorkerThread.h"
#include "db/FlowStore.h"
#include "LogConnection.h"

#include <memory>
#include <QObject>

namespace Switchboard {

// The desktop's way to the call flow's revisions: each read and write runs on a thread of its
// own, over a connection of its own (LogConnection, with the keychain's password), never on the
// GUI thread. Writes only ever go over the revision their caller saw (FlowStore::saveIfNewest):
// a revision saved meanwhile by another desktop is reported, never overwritten.
class FlowRevisions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FlowRevisions)

public:
    explicit FlowRevisions(QObject *parent = nullptr);
    ~FlowRevisions() override;

    // How many times block() applies itself again to a revision saved in between.
    static constexpr int kBlockAttempts = 3;

    void setConnection(const LogConnection &connection);
    const LogConnection &connection() const { return m_connection; }

    // Reads the newest revision: loaded(), or failed().
    void load();
    // Stores `flow` as the revision after `expected` (0: there is none yet), by `author`:
    // saved(), conflicted() with the newest revision when it is no longer `expected`, or
    // failed().
    void save(const FlowDefinition &flow, qint64 expected, const QString &author);
    // Adds `number` to the newest revision's blocklist as a new revision by `author`: blocked(),
    // or failed() with a sentence for the user (no flow yet, a corrupt one, a number or a list
    // that `flow set` would refuse). A revision saved by another desktop in between is not
    // overwritten: the number is added to that one instead.
    void block(const QString &number, const QString &author);

    // Watches the log for revisions saved by others (FlowCache: PRAGMA data_version on SQLite,
    // NOTIFY on PostgreSQL, within about a second): each comes with changedElsewhere().
    void watch();

    bool isBusy() const { return m_pending > 0; }

Q_SIGNALS:
    // `newest` has revision 0 when the log holds no call flow yet.
    void loaded(const Switchboard::StoredFlow &newest);
    void saved(const Switchboard::StoredFlow &revision);
    void conflicted(const Switchboard::StoredFlow &newest);
    // `revision` is 0 when the number was blocked already.
    void blocked(const QString &number, qint64 revision);
    void failed(const QString &message);
    // The newest revision changed; on PostgreSQL this desktop's own saves come too.
    void changedElsewhere(const Switchboard::StoredFlow &newest);

private:
    class Worker;

    template<typename Work, typename Answer> void run(Work work, Answer answer);

    std::unique_ptr<Worker> m_worker; // used on m_thread only; goes after it has stopped
    WorkerThread m_thread;
    LogConnection m_connection;
    int m_pending = 0;
};

} // namespace Switchboard
