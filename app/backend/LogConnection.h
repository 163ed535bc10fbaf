#pragma once

#include <memory>
#include <QCoreApplication>
#include <QString>

namespace Switchboard {

class Database;

// How the app reaches the call log: its URL and, for PostgreSQL, the keychain's password for
// it. Every connection the app opens goes through open() — the feed's, the counters', the
// voicemail player's and the one a fetched voicemail is stored through — so that each has the
// password; each on a WorkerThread, never the GUI thread: a server that takes the connection
// and never answers holds open() for libpq's whole connect timeout. None creates or
// migrates the log: only the service does, since desktops of several versions share it. A log
// that is missing or of another schema version is refused with a sentence saying which side to
// upgrade, and left as it was.
class LogConnection final
{
    Q_DECLARE_TR_FUNCTIONS(LogConnection)

public:
    LogConnection() = default;
    LogConnection(const QString &url, const QString &keychainPassword);

    const QString &url() const { return m_url; }
    bool isEmpty() const { return m_url.isEmpty(); }
    bool operator==(const LogConnection &other) const;
    bool operator!=(const LogConnection &other) const { return !(*this == other); }

    // A connection of the calling thread, under `connectionName`, to a log whose schema is the
    // one this app reads; null with `error` set (a sentence for the user) otherwise.
    std::unique_ptr<Database> open(const QString &connectionName, QString *error) const;

private:
    QString m_url;
    QString m_keychainPassword; // used when the URL has none: the URL's own wins
};

} // namespace Switchboard
