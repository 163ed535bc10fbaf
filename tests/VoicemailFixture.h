#pragma once

// Shared by the app's voicemail tests: a real WAV and a real call log holding a voicemail.

#include "db/CallWriter.h"
#include "db/Database.h"

#include <QByteArray>
#include <QtEndian>
#include <QtMath>

namespace Switchboard::Testing {

inline const QString voicemailAccountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
inline const QString voicemailCallSid = QStringLiteral("CA00000000000000000000000000000001");
inline const QString voicemailRecordingSid = QStringLiteral("RE00000000000000000000000000000001");

// A mono 16-bit PCM WAV of a 440 Hz tone, as Twilio serves recordings (8 kHz).
inline QByteArray makeWav(int milliseconds, int sampleRate = 8000)
{
    const int samples = sampleRate * milliseconds / 1000;
    QByteArray pcm(samples * 2, Qt::Uninitialized);
    for (int i = 0; i < samples; ++i) {
        const auto value = qint16(8000 * qSin(2 * M_PI * 440 * i / sampleRate));
        qToLittleEndian(value, pcm.data() + 2 * i);
    }
    QByteArray wav;
    const auto u32 = [&wav](quint32 v) { wav.append(reinterpret_cast<const char *>(&v), 4); };
    const auto u16 = [&wav](quint16 v) { wav.append(reinterpret_cast<const char *>(&v), 2); };
    wav.append("RIFF");
    u32(36 + pcm.size());
    wav.append("WAVEfmt ");
    u32(16);
    u16(1); // PCM
    u16(1); // mono
    u32(sampleRate);
    u32(sampleRate * 2);
    u16(2);
    u16(16);
    wav.append("data");
    u32(pcm.size());
    return wav + pcm;
}

inline Webhook webhook(WebhookKind kind, FormData params, const QString &callSid = voicemailCallSid)
{
    params.set(QStringLiteral("CallSid"), callSid);
    params.set(QStringLiteral("AccountSid"), voicemailAccountSid);
    Webhook hook;
    hook.kind = kind;
    hook.receivedAt = QDateTime::currentDateTimeUtc();
    hook.url = QStringLiteral("https://switchboard.example.com/twilio/voice");
    hook.params = params;
    return hook;
}

// Records a call whose caller pressed 2 and left a voicemail that Twilio has ready at
// recordingUrl, as the service's webhooks would. True when every webhook was recorded.
inline bool recordVoicemailCall(CallWriter &writer, const QString &recordingUrl, int seconds,
                                const QString &callSid = voicemailCallSid,
                                const QString &recordingSid = voicemailRecordingSid)
{
    const FormData recording{{QStringLiteral("RecordingSid"), recordingSid},
                             {QStringLiteral("RecordingUrl"), recordingUrl},
                             {QStringLiteral("RecordingDuration"), QString::number(seconds)}};
    FormData status = recording;
    status.set(QStringLiteral("RecordingStatus"), QStringLiteral("completed"));
    const QList<Webhook> hooks{
        webhook(WebhookKind::Voice,
                {{QStringLiteral("From"), QStringLiteral("+15551230001")},
                 {QStringLiteral("To"), QStringLiteral("+15559870000")},
                 {QStringLiteral("CallStatus"), QStringLiteral("ringing")}},
                callSid),
        webhook(WebhookKind::Menu,
                {{QStringLiteral("Digits"), QStringLiteral("2")},
                 {QStringLiteral("CallStatus"), QStringLiteral("in-progress")}},
                callSid),
        webhook(WebhookKind::Recording, recording, callSid),
        webhook(WebhookKind::RecordingStatus, status, callSid),
    };
    for (const Webhook &hook : hooks) {
        if (writer.record(hook) != CallWriter::Result::Recorded) {
            qWarning("recording a %s webhook failed: %s",
                     qPrintable(webhookKindToString(hook.kind)), qPrintable(writer.lastError()));
            return false;
        }
    }
    return true;
}

} // namespace Switchboard::Testing
