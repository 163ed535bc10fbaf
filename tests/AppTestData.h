#pragma once

// Writes calls into a test log the way the service does: webhook by webhook, through
// CallWriter, and voicemails' audio through VoicemailStore, on a connection of its own (as
// another process would).

#include "db/CallAnnotations.h"
#include "db/CallWriter.h"
#include "db/Database.h"
#include "db/VoicemailStore.h"

#include <QDateTime>
#include <QTest>

namespace Switchboard::Testing {

class CallLogWriter final
{
public:
    explicit CallLogWriter(const QString &path,
                           const QString &connection = QStringLiteral("test-writer"))
        : CallLogWriter(DatabaseUrl::sqlite(path), connection)
    {}
    // Any log, PostgreSQL included (the URL may carry the password).
    explicit CallLogWriter(const DatabaseUrl &url,
                           const QString &connection = QStringLiteral("test-writer"))
        : m_database(url, connection)
    {
        QString error;
        m_ok = m_database.openAndMigrate(&error);
        if (!m_ok)
            qWarning("cannot open %s: %s", qPrintable(url.toDisplayString()), qPrintable(error));
        m_writer = std::make_unique<CallWriter>(m_database);
        m_voicemails = std::make_unique<VoicemailStore>(m_database);
    }

    bool isOpen() const { return m_ok; }
    CallWriter &writer() { return *m_writer; }
    VoicemailStore &voicemails() { return *m_voicemails; }

    bool webhook(WebhookKind kind, const QString &sid, const QDateTime &at, FormData params,
                 const QString &forwardTo = {})
    {
        Webhook hook;
        hook.kind = kind;
        hook.receivedAt = at;
        hook.url = QStringLiteral("https://switchboard.test/") + webhookKindToString(kind);
        params.set(QStringLiteral("CallSid"), sid);
        params.set(QStringLiteral("AccountSid"), QStringLiteral("ACtest"));
        hook.params = params;
        hook.forwardTo = forwardTo;
        return m_writer->record(hook) == CallWriter::Result::Recorded;
    }

    // A webhook on a member's leg of the call `parentSid`, as Twilio sends it.
    bool leg(WebhookKind kind, const QString &parentSid, const QString &legSid,
             const QString &memberName, const QString &number, const QDateTime &at, FormData params)
    {
        Webhook hook;
        hook.kind = kind;
        hook.receivedAt = at;
        hook.url = QStringLiteral("https://switchboard.test/") + webhookKindToString(kind);
        params.set(QStringLiteral("CallSid"), legSid);
        params.set(QStringLiteral("ParentCallSid"), parentSid);
        params.set(QStringLiteral("AccountSid"), QStringLiteral("ACtest"));
        params.set(QStringLiteral("To"), number);
        hook.params = params;
        hook.memberName = memberName;
        return m_writer->record(hook) == CallWriter::Result::Recorded;
    }

    // The first webhook of a call: it is ringing.
    bool ring(const QString &sid, const QDateTime &at, const QString &from,
              const QString &name = {}, const QString &city = {})
    {
        return webhook(WebhookKind::Voice, sid, at,
                       {{QStringLiteral("From"), from},
                        {QStringLiteral("To"), QStringLiteral("+15035550100")},
                        {QStringLiteral("CallerName"), name},
                        {QStringLiteral("FromCity"), city},
                        {QStringLiteral("FromCountry"), QStringLiteral("US")},
                        {QStringLiteral("CallStatus"), QStringLiteral("ringing")}});
    }

    bool press(const QString &sid, const QDateTime &at, const QString &digits)
    {
        return webhook(WebhookKind::Menu, sid, at,
                       {{QStringLiteral("Digits"), digits},
                        {QStringLiteral("CallStatus"), QStringLiteral("in-progress")}},
                       QStringLiteral("+15035550142"));
    }

    bool dial(const QString &sid, const QDateTime &at, const QString &dialStatus, int talkS)
    {
        return webhook(WebhookKind::Dial, sid, at,
                       {{QStringLiteral("DialCallStatus"), dialStatus},
                        {QStringLiteral("DialCallDuration"), QString::number(talkS)},
                        {QStringLiteral("CallStatus"), QStringLiteral("in-progress")}});
    }

    bool record(const QString &sid, const QDateTime &at, int seconds)
    {
        return webhook(
            WebhookKind::Recording, sid, at,
            {{QStringLiteral("RecordingSid"), QStringLiteral("RE") + sid.mid(2)},
             {QStringLiteral("RecordingUrl"), QStringLiteral("https://api.twilio.test/rec/") + sid},
             {QStringLiteral("RecordingDuration"), QString::number(seconds)},
             {QStringLiteral("CallStatus"), QStringLiteral("in-progress")}});
    }

    bool hangUp(const QString &sid, const QDateTime &at, int durationS)
    {
        return webhook(WebhookKind::Status, sid, at,
                       {{QStringLiteral("CallStatus"), QStringLiteral("completed")},
                        {QStringLiteral("CallDuration"), QString::number(durationS)}});
    }

    // Whole calls, by outcome.
    bool answered(const QString &sid, const QDateTime &at, const QString &from,
                  const QString &name = {})
    {
        return ring(sid, at, from, name) && press(sid, at.addSecs(5), QStringLiteral("1")) &&
               dial(sid, at.addSecs(65), QStringLiteral("completed"), 55) &&
               hangUp(sid, at.addSecs(66), 66);
    }
    bool voicemail(const QString &sid, const QDateTime &at, const QString &from,
                   const QString &name = {})
    {
        return ring(sid, at, from, name) && press(sid, at.addSecs(5), QStringLiteral("2")) &&
               record(sid, at.addSecs(30), 20) && hangUp(sid, at.addSecs(31), 31);
    }
    bool missed(const QString &sid, const QDateTime &at, const QString &from,
                const QString &name = {})
    {
        return ring(sid, at, from, name) && press(sid, at.addSecs(5), QStringLiteral("1")) &&
               dial(sid, at.addSecs(35), QStringLiteral("no-answer"), 0) &&
               hangUp(sid, at.addSecs(36), 36);
    }
    // Marks a voicemail heard by `by`, or takes the mark back, as a desktop does.
    bool heard(const QString &sid, bool heard, const QString &by = QStringLiteral("Tester"))
    {
        CallAnnotations annotations(m_database);
        const bool ok = annotations.setHeard(sid, by, heard);
        if (!ok)
            qWarning("cannot mark %s: %s", qPrintable(sid), qPrintable(annotations.lastError()));
        return ok;
    }
    bool abandoned(const QString &sid, const QDateTime &at, const QString &from)
    {
        return ring(sid, at, from) && hangUp(sid, at.addSecs(4), 4);
    }

    // A tiny valid WAV, so that the voicemail counts as downloaded.
    static QByteArray wav()
    {
        const int samples = 8000;
        QByteArray data;
        const auto u32 = [&data](quint32 v) {
            for (int i = 0; i < 4; ++i)
                data.append(char(v >> (8 * i)));
        };
        const auto u16 = [&data](quint16 v) {
            data.append(char(v));
            data.append(char(v >> 8));
        };
        data.append("RIFF");
        u32(36 + samples * 2);
        data.append("WAVEfmt ");
        u32(16);
        u16(1);
        u16(1);
        u32(8000);
        u32(16000);
        u16(2);
        u16(16);
        data.append("data");
        u32(samples * 2);
        data.append(QByteArray(samples * 2, '\0'));
        return data;
    }

private:
    Database m_database;
    std::unique_ptr<CallWriter> m_writer;
    std::unique_ptr<VoicemailStore> m_voicemails;
    bool m_ok = false;
};

} // namespace Switchboard::Testing
