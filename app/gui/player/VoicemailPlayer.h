#pragma once

#include <QByteArray>
#include <QString>
#include <QWidget>

namespace Switchboard {

// Plays one voicemail from memory: play/pause, a seek slider with position and length, volume.
// A recording over maxAudioBytes() is refused, with a message, and not loaded.
class VoicemailPlayer final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VoicemailPlayer)

public:
    explicit VoicemailPlayer(QWidget *parent = nullptr);
    ~VoicemailPlayer() override;

    // The largest recording it plays: the most the service downloads from Twilio.
    static qint64 maxAudioBytes();
    static QString tooLargeMessage(qint64 bytes);

    // Loads a voicemail's audio (stopping any other); durationS is shown until the media knows.
    void setVoicemail(const QString &callSid, const QByteArray &audio, const QString &contentType,
                      int durationS);
    // Shows why a voicemail cannot be played yet ("Downloading…", "Download failed: …").
    void showUnavailable(const QString &callSid, const QString &reason);
    void clear();

    QString callSid() const;
    // The loaded recording (empty when none is).
    QByteArray audio() const;
    QString contentType() const;
    bool isPlaying() const;

public Q_SLOTS:
    void play();
    void pause();
    void togglePlayback();

Q_SIGNALS:
    void playbackStarted(const QString &callSid);
    void playbackFinished(const QString &callSid); // reached the end of the media
    void errorOccurred(const QString &message);

private:
    class Private;
    Private *d;
};

} // namespace Switchboard
