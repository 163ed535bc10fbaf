#pragma once

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

namespace Switchboard {
class Database;
}

namespace Switchboard::Testing {

// What the churn's clients sent and which answers they read: per call and webhook kind, how
// many distinct webhooks went out and how many were acknowledged (a 2xx the client read in
// full). Checked against the call log afterwards.
class ChurnLedger final
{
public:
    void sent(const QString &callSid, const QString &kind);
    void acknowledged(const QString &callSid, const QString &kind);
    // A signed webhook that never arrived whole: nothing of its call may be in the log.
    void cutShort(const QString &callSid);

    int sentCount() const { return m_sent; }
    int acknowledgedCount() const { return m_acknowledged; }
    int cutShortCount() const { return int(m_cutShort.size()); }

    // What is wrong with the log, a few named: an acknowledged webhook missing, one recorded
    // twice, a call row missing or repeated, anything there that was never sent whole.
    QStringList check(Database &log, int *eventsLogged) const;

private:
    struct Count
    {
        int sent = 0;
        int acknowledged = 0;
    };

    static QString key(const QString &callSid, const QString &kind);

    QHash<QString, Count> m_webhooks; // by key()
    QSet<QString> m_callSids;         // every call something was sent for
    QSet<QString> m_cutShort;
    int m_sent = 0;
    int m_acknowledged = 0;
};

} // namespace Switchboard::Testing
