#pragma once

#include "backend/LogConnection.h"
#include "core/WorkerThread.h"

#include <atomic>
#include <QByteArray>
#include <QObject>

namespace Switchboard {

// Reads a voicemail's audio from the call log on a thread of its own, over a connection of
// its own, so that the window never waits for a recording. A recording larger than the
// player's cap is refused without its bytes being read.
class VoicemailAudioLoader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VoicemailAudioLoader)

public:
    explicit VoicemailAudioLoader(QObject *parent = nullptr);
    ~VoicemailAudioLoader() override; // waits for a read in progress

    // Answers with loaded() or failed() for this call, unless another load or cancel() comes
    // first: only the latest request is answered.
    // The connection is opened as the feed's (LogConnection): with its keychain password.
    void load(const LogConnection &connection, const QString &callSid);
    void cancel();

Q_SIGNALS:
    void loaded(const QString &callSid, const QByteArray &audio, const QString &contentType);
    void failed(const QString &callSid, const QString &message);

private:
    // The latest request; a read for an older one is skipped or its answer dropped.
    std::atomic<quint64> m_latest{0};
    // One read at a time: a user clicking through calls holds one recording in memory at most.
    // Last: it stops (after a read in progress) before the rest goes.
    WorkerThread m_reader;
};

} // namespace Switchboard
