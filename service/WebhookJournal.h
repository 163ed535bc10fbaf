#pragma once

#include "core/CallRecord.h"

#include <QFile>
#include <QList>
#include <QString>

namespace Switchboard {

// Webhooks the database could not take, kept in a local file until it can: appended and
// fsync'ed before the webhook is answered, so a 200 means the event is on disk somewhere.
// Replay is idempotent (the call log recognises a webhook it already has), so the journal is
// cleared only once everything in it has been recorded. Each entry names its database: a
// journal is never replayed into another one.
//
// An append cut short (a crash, a full disk) leaves a line without its end: open() cuts it
// off, and a failed append() takes its bytes back, so that the next entry starts a line of its
// own. Lines that still cannot be read are moved to `<journal>.unreadable`, never dropped.
class WebhookJournal final
{
    Q_DISABLE_COPY_MOVE(WebhookJournal)

public:
    // `database`: the call log it belongs to, as DatabaseUrl::toDisplayString() names it.
    WebhookJournal(const QString &path, const QString &database);

    // Reads what a previous run left; fails when that was meant for another database.
    bool open(QString *error);
    bool append(const Webhook &webhook);
    const QList<Webhook> &entries() const { return m_entries; }
    bool isEmpty() const { return m_entries.isEmpty(); }
    bool clear();
    QString path() const { return m_file.fileName(); }

private:
    bool cutTornEnd(qint64 size);
    QString unreadablePath() const;
    bool setAsideUnreadable();

    QFile m_file;
    QString m_database;
    QList<Webhook> m_entries;
    QByteArray m_unreadable; // lines open() could not read, set aside by clear()
    qint64 m_size = 0;       // the end of the last complete entry
};

} // namespace Switchboard
