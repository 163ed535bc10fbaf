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
{
    // One read at a time: a user clicking through calls holds one recording in memory at most.
    m_pool.setMaxThreadCount(1);
}

VoicemailAudioLoader::~VoicemailAudioLoader()
{
    cancel();
    m_pool.waitForDone();
}

void VoicemailAudioLoader::cancel()
{
    ++m_latest;
    m_pool.clear();
}

void VoicemailAudioLoader::load(const DatabaseUrl &url, const QString &callSid)
{
    const quint64 request = ++m_latest;
    m_pool.clear(); // reads not started yet are for calls no longer shown
    // The destructor waits for this task: `this` outlives it.
    m_pool.start([this, request, url, callSid] {
        if (m_latest != request)
            return;
        const qint64 maxBytes = VoicemailPlayer::maxAudioBytes();
        QString error;
        std::optional<CallReader::SizedAudio> stored;
        {
            Database database(url, nextConnectionName());
            if (database.open(&error)) {
                CallReader reader(database);
                stored = reader.voicemailAudioUpTo(callSid, maxBytes);
                if (!stored)
                    error = reader.lastError();
            }
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
