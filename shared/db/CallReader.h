#pragma once

#include "core/CallRecord.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <QList>
#include <QSqlQuery>
#include <QString>

namespace Switchboard {

class Database;

// One webhook in a call's timeline.
struct CallEvent
{
    qint64 id = 0;
    QDateTime receivedAt;
    WebhookKind kind = WebhookKind::Voice;
    QString callStatus;
    FormData params;
};

// Reads the call log. Every query is read to its end or finished, so that no SQLite snapshot
// stays pinned and other processes' commits become visible.
class CallReader final
{
public:
    explicit CallReader(Database &database);
    Q_DISABLE_COPY_MOVE(CallReader)

    std::optional<CallRecord> call(const QString &callSid);
    // The caller's menu choice on `callSid` alone (a leg webhook asks it): one column by key,
    // none of call()'s joins. Nothing when there is no such call or the query failed
    // (lastError() then says why).
    std::optional<MenuChoice> menuChoice(const QString &callSid);

    // Calls newest first; `visit` returns false to stop.
    bool forEachCall(const std::function<bool(const CallRecord &)> &visit);

    QList<CallEvent> timeline(const QString &callSid);

    // Whether a member accepted call `callSid` at the screening whisper: a screen-result with
    // Digits=1 whose ParentCallSid is the call, recorded under the call or under the leg
    // `dialCallSid` (the leg Twilio bridged; empty: any leg). Nothing when the query failed.
    std::optional<bool> hasAcceptedLeg(const QString &callSid, const QString &dialCallSid);

    // The stored voicemail audio; empty when it has not been downloaded.
    QByteArray voicemailAudio(const QString &callSid, QString *contentType = nullptr);

    // The stored audio's size, and its bytes only when there are no more than maxBytes: a
    // larger blob is never read. Nothing when the query failed.
    struct SizedAudio
    {
        qint64 size = 0; // 0: not downloaded
        QByteArray audio;
        QString contentType;
    };
    std::optional<SizedAudio> voicemailAudioUpTo(const QString &callSid, qint64 maxBytes);

    // How many calls end in each outcome, and how many voicemails are in each download state;
    // nothing when the query failed.
    std::optional<std::map<QString, qint64>> callsByOutcome();
    std::optional<std::map<QString, qint64>> voicemailsByDownloadState();

    // How many calls, and timeline events (webhooks), the log holds; nothing when the query
    // failed.
    std::optional<qint64> callCount();
    std::optional<qint64> eventCount();

    QString lastError() const { return m_lastError; }

private:
    std::optional<std::map<QString, qint64>> countBy(const QString &sql);
    std::optional<qint64> count(const QString &sql);
    // A statement asked again and again (a leg webhook's question): prepared on first use,
    // and again after it failed (a connection the server dropped).
    QSqlQuery &prepared(std::unique_ptr<QSqlQuery> &statement, const QString &sql);

    Database &m_database;
    QString m_lastError;
    std::unique_ptr<QSqlQuery> m_menuChoice;
    std::unique_ptr<QSqlQuery> m_screenResults;
};

} // namespace Switchboard
