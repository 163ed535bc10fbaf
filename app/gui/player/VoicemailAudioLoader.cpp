#include "VoicemailAudioLoader.h"

#include "db/CallReader.h"
#include "db/Database.h"
#include "VoicemailPlayer.h"

namespace Switchboard {
namespace {

QString nextConnectionName()
{
    static std::atomic<quint64> counter{0};
    return QStringLiteral("switchboard-audio-%1").arg(++counter);
}

} // namespace

VoicemailAudioLoader::VoicemailAudioLoader(QObject *parent)
    : QObject(parent)
    , m_reader(QStringLiteral("voicemail-audio"))
{}

VoicemailAudioLoader::~VoicemailAudioLoader()
{
    cancel();
}

void VoicemailAudioLoader::cancel()
{
    ++m_latest;
}

void VoicemailAudioLoader::load(const LogConnection &connection, const QString &callSid)
{
    const quint64 request = ++m_latest;
    // The reader's thread stops before this object's QObject part goes: `this` outlives the
    // read. Reads queued for calls no longer shown return at once.
    m_reader.post([this, request, connection, callSid] {
        if (m_latest != request)
            return;
        const qint64 maxBytes = VoicemailPlayer::maxAudioBytes();
        QString error;
        std::optional<CallReader::SizedAudio> stored;
        if (const auto database = connection.open(nextConnectionName(), &error)) {
            CallReader reader(*database);
            stored = reader.voicemailAudioUpTo(callSid, maxBytes);
            if (!stored)
                error = reader.lastError();
        }
        // Answered on the loader's thread, unless a newer request came meanwhile.
        QMetaObject::invokeMethod(
            this,
            [this, request, callSid, stored = std::move(stored), error, maxBytes] {
                if (m_latest != request)
                    return;
                if (!stored)
                    Q_EMIT failed(callSid,
                                  tr("The audio cannot be read from the call log: %1").arg(error));
                else if (stored->size > maxBytes)
                    Q_EMIT failed(callSid, VoicemailPlayer::tooLargeMessage(stored->size));
                else if (stored->audio.isEmpty())
                    Q_EMIT failed(callSid, tr("The audio cannot be read from the call log."));
                else
                    Q_EMIT loaded(callSid, stored->audio, stored->contentType);
            },
            Qt::QueuedConnection);
    });
}

} // namespace Switchboard
