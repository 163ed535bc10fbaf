#include "VoicemailPlayer.h"

#include "twilio/RecordingDownload.h"

#include <QAudioOutput>
#include <QBuffer>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMediaPlayer>
#include <QSlider>
#include <QStackedLayout>
#include <QStyle>
#include <QToolButton>

namespace Switchboard {
namespace {

QString clockText(qint64 ms)
{
    const qint64 seconds = (ms + 500) / 1000;
    return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

// The name only hints the container to the backend, which sniffs the bytes anyway.
QUrl sourceHint(const QString &contentType)
{
    if (contentType.contains(QLatin1String("mpeg")) || contentType.contains(QLatin1String("mp3")))
        return QUrl(QStringLiteral("voicemail.mp3"));
    return QUrl(QStringLiteral("voicemail.wav"));
}

} // namespace

class VoicemailPlayer::Private final
{
public:
    QMediaPlayer *player = nullptr;
    QAudioOutput *output = nullptr;
    // Played from memory, so that no copy of a voicemail lands on disk. QMediaPlayer reads the
    // device while it plays but does not own it.
    QBuffer *buffer = nullptr;
    QByteArray audio;
    QString contentType;
    QUrl sourceHint;
    QStackedLayout *pages = nullptr;
    QWidget *controls = nullptr;
    QToolButton *playButton = nullptr;
    QSlider *seekSlider = nullptr;
    QLabel *timeLabel = nullptr;
    QSlider *volumeSlider = nullptr;
    QLabel *unavailableLabel = nullptr;
    QString callSid;
    qint64 knownDurationMs = 0;
    bool updatingSlider = false;

    // (Re)opens the audio as the player's source, at its start.
    void loadSource()
    {
        player->setSourceDevice(nullptr);
        delete buffer;
        buffer = new QBuffer(&audio);
        buffer->open(QIODevice::ReadOnly);
        player->setSourceDevice(buffer, sourceHint);
    }
};

VoicemailPlayer::VoicemailPlayer(QWidget *parent)
    : QWidget(parent)
    , d(new Private)
{
    d->player = new QMediaPlayer(this);
    d->output = new QAudioOutput(this);
    d->player->setAudioOutput(d->output);

    d->controls = new QWidget(this);
    auto *row = new QHBoxLayout(d->controls);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(6);

    d->playButton = new QToolButton(d->controls);
    d->playButton->setObjectName(QStringLiteral("playButton"));
    d->playButton->setAutoRaise(true);
    d->playButton->setIconSize(QSize(22, 22));
    d->playButton->setToolTip(tr("Play"));
    d->playButton->setAccessibleName(tr("Play voicemail"));
    d->playButton->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    row->addWidget(d->playButton);
    setFocusProxy(d->playButton); // the keyboard comes to the player at its play button

    d->seekSlider = new QSlider(Qt::Horizontal, d->controls);
    d->seekSlider->setObjectName(QStringLiteral("seekSlider"));
    d->seekSlider->setToolTip(tr("Position"));
    d->seekSlider->setAccessibleName(tr("Position in the voicemail"));
    d->seekSlider->setSingleStep(1000);
    d->seekSlider->setPageStep(5000);
    d->seekSlider->setMinimumWidth(60); // the details pane may be narrow
    row->addWidget(d->seekSlider, 1);

    d->timeLabel = new QLabel(d->controls);
    d->timeLabel->setObjectName(QStringLiteral("timeLabel"));
    d->timeLabel->setTextFormat(Qt::PlainText);
    // Tabular digits keep the label from jittering while the position ticks.
    QFont digits = d->timeLabel->font();
    digits.setStyleHint(QFont::Monospace);
    digits.setFamily(QStringLiteral("monospace"));
    d->timeLabel->setFont(digits);
    row->addWidget(d->timeLabel);

    auto *speaker = new QLabel(d->controls);
    speaker->setPixmap(style()->standardIcon(QStyle::SP_MediaVolume).pixmap(16, 16));
    row->addWidget(speaker);

    d->volumeSlider = new QSlider(Qt::Horizontal, d->controls);
    d->volumeSlider->setObjectName(QStringLiteral("volumeSlider"));
    d->volumeSlider->setToolTip(tr("Volume"));
    d->volumeSlider->setAccessibleName(tr("Volume"));
    d->volumeSlider->setRange(0, 100);
    d->volumeSlider->setValue(80);
    d->volumeSlider->setFixedWidth(64);
    d->output->setVolume(0.8f);
    row->addWidget(d->volumeSlider);

    d->unavailableLabel = new QLabel(this);
    d->unavailableLabel->setObjectName(QStringLiteral("unavailableLabel"));
    d->unavailableLabel->setTextFormat(Qt::PlainText); // error texts come from the call log
    d->unavailableLabel->setWordWrap(true);
    d->unavailableLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    d->unavailableLabel->setForegroundRole(QPalette::PlaceholderText);

    d->pages = new QStackedLayout(this);
    d->pages->setContentsMargins(0, 0, 0, 0);
    d->pages->addWidget(d->controls);
    d->pages->addWidget(d->unavailableLabel);

    connect(d->playButton, &QToolButton::clicked, this, &VoicemailPlayer::togglePlayback);
    connect(d->seekSlider, &QSlider::valueChanged, this, [this](int value) {
        if (!d->updatingSlider)
            d->player->setPosition(value);
    });
    connect(d->volumeSlider, &QSlider::valueChanged, this,
            [this](int value) { d->output->setVolume(float(value) / 100.0f); });

    connect(d->player, &QMediaPlayer::positionChanged, this, [this](qint64 position) {
        // While the user drags, the slider shows where they are going, not where we are.
        if (!d->seekSlider->isSliderDown()) {
            d->updatingSlider = true;
            d->seekSlider->setValue(int(position));
            d->updatingSlider = false;
        }
        const qint64 length = qMax(d->player->duration(), d->knownDurationMs);
        d->timeLabel->setText(clockText(position) + QStringLiteral(" / ") + clockText(length));
    });
    connect(d->player, &QMediaPlayer::durationChanged, this, [this](qint64 duration) {
        if (duration > 0)
            d->knownDurationMs = duration;
        d->updatingSlider = true;
        d->seekSlider->setRange(0, int(d->knownDurationMs));
        d->updatingSlider = false;
        d->timeLabel->setText(clockText(d->player->position()) + QStringLiteral(" / ") +
                              clockText(d->knownDurationMs));
    });
    connect(d->player, &QMediaPlayer::playbackStateChanged, this,
            [this](QMediaPlayer::PlaybackState state) {
                const bool playing = state == QMediaPlayer::PlayingState;
                d->playButton->setIcon(
                    style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
                d->playButton->setToolTip(playing ? tr("Pause") : tr("Play"));
                d->playButton->setAccessibleName(playing ? tr("Pause voicemail")
                                                         : tr("Play voicemail"));
                if (playing)
                    Q_EMIT playbackStarted(d->callSid);
            });
    connect(d->player, &QMediaPlayer::mediaStatusChanged, this,
            [this](QMediaPlayer::MediaStatus status) {
                if (status == QMediaPlayer::EndOfMedia) {
                    // Qt 6.4's GStreamer pipeline, played again after its end, now and then
                    // stalls part way (whether from a device or a file): start afresh instead.
                    QMetaObject::invokeMethod(
                        this,
                        [this, ended = d->buffer] {
                            if (d->buffer == ended) // not replaced by another voicemail meanwhile
                                d->loadSource();
                        },
                        Qt::QueuedConnection);
                    Q_EMIT playbackFinished(d->callSid);
                } else if (status == QMediaPlayer::InvalidMedia) {
                    showUnavailable(d->callSid, tr("This recording cannot be played."));
                }
            });
    connect(d->player, &QMediaPlayer::errorOccurred, this,
            [this](QMediaPlayer::Error, const QString &message) { Q_EMIT errorOccurred(message); });

    clear();
}

VoicemailPlayer::~VoicemailPlayer()
{
    clear(); // stops before the buffer goes, so that the backend never reads a dead device
    delete d;
}

qint64 VoicemailPlayer::maxAudioBytes()
{
    return RecordingDownload::Options().maxBytes;
}

QString VoicemailPlayer::tooLargeMessage(qint64 bytes)
{
    return tr("This recording is too large to play: %1 bytes, more than the %2 MB limit for a "
              "voicemail.")
        .arg(QLocale().toString(bytes))
        .arg(maxAudioBytes() / (1024 * 1024));
}

void VoicemailPlayer::setVoicemail(const QString &callSid, const QByteArray &audio,
                                   const QString &contentType, int durationS)
{
    if (audio.isEmpty()) {
        showUnavailable(callSid, tr("The recording has not been downloaded yet."));
        return;
    }
    if (audio.size() > maxAudioBytes()) {
        clear();
        showUnavailable(callSid, tooLargeMessage(audio.size()));
        return;
    }
    clear();
    d->callSid = callSid;
    d->knownDurationMs = qint64(durationS) * 1000;
    d->audio = audio;
    d->contentType = contentType;
    d->sourceHint = sourceHint(contentType);
    d->loadSource();
    d->seekSlider->setRange(0, int(d->knownDurationMs));
    d->timeLabel->setText(clockText(0) + QStringLiteral(" / ") + clockText(d->knownDurationMs));
    d->controls->setEnabled(true);
    d->pages->setCurrentWidget(d->controls);
}

void VoicemailPlayer::showUnavailable(const QString &callSid, const QString &reason)
{
    if (callSid != d->callSid)
        clear();
    d->player->stop();
    d->callSid = callSid;
    d->unavailableLabel->setText(reason);
    d->pages->setCurrentWidget(d->unavailableLabel);
}

void VoicemailPlayer::clear()
{
    d->player->stop();
    d->player->setSourceDevice(nullptr);
    delete d->buffer;
    d->buffer = nullptr;
    d->audio.clear();
    d->contentType.clear();
    d->callSid.clear();
    d->knownDurationMs = 0;
    d->updatingSlider = true;
    d->seekSlider->setRange(0, 0);
    d->updatingSlider = false;
    d->timeLabel->setText(clockText(0) + QStringLiteral(" / ") + clockText(0));
    d->controls->setEnabled(false);
    d->pages->setCurrentWidget(d->controls);
}

QString VoicemailPlayer::callSid() const
{
    return d->callSid;
}

QByteArray VoicemailPlayer::audio() const
{
    return d->audio;
}

QString VoicemailPlayer::contentType() const
{
    return d->contentType;
}

bool VoicemailPlayer::isPlaying() const
{
    return d->player->playbackState() == QMediaPlayer::PlayingState;
}

void VoicemailPlayer::play()
{
    if (d->buffer)
        d->player->play();
}

void VoicemailPlayer::pause()
{
    d->player->pause();
}

void VoicemailPlayer::togglePlayback()
{
    if (isPlaying())
        pause();
    else
        play();
}

} // namespace Switchboard
