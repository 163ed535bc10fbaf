#include "RecordingFetcher.h"

#include "core/Logging.h"
#include "db/VoicemailStore.h"

#include <QDateTime>

namespace Switchboard {
namespace {

// A periodic look catches recordings whose status callback never came, and retries that
// fell due while the queue was full.
constexpr int kSweepIntervalMs = 15000;

} // namespace

RecordingFetcher::RecordingFetcher(VoicemailStore &store, const Options &options, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_options(options)
{
    m_sweepTimer.setInterval(kSweepIntervalMs);
    connect(&m_sweepTimer, &QTimer::timeout, this, &RecordingFetcher::sweep);
    m_sweepTimer.start();
    m_sweepSoon.setSingleShot(true);
    m_sweepSoon.setInterval(0);
    connect(&m_sweepSoon, &QTimer::timeout, this, &RecordingFetcher::sweep);
    // Precise: a coarse timer may fire a little early, before the claim counts it due.
    m_graceTimer.setSingleShot(true);
    m_graceTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_graceTimer, &QTimer::timeout, this, [this] {
        wake();
        if (!m_latestGraceDue.hasExpired())
            m_graceTimer.start(int(m_latestGraceDue.remainingTime()));
    });
}

void RecordingFetcher::wake()
{
    // A sweep already due covers this wake too: it claims every download then due.
    if (!m_sweepSoon.isActive())
        m_sweepSoon.start();
}

void RecordingFetcher::wakeAfterStatusGrace()
{
    // The margin covers the moment between the voicemail's row and this call.
    constexpr int kMarginMs = 250;
    const int dueInMs = VoicemailStore::kStatusCallbackGraceSeconds * 1000 + kMarginMs;
    m_latestGraceDue = QDeadlineTimer(dueInMs, Qt::PreciseTimer);
    if (!m_graceTimer.isActive())
        m_graceTimer.start(dueInMs);
}

void RecordingFetcher::sweep()
{
    const int room = m_options.parallel - inFlight();
    if (room <= 0)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const int leaseSeconds = m_options.download.timeoutMs / 1000 + 30;
    for (const VoicemailStore::Download &due : m_store.claimDueDownloads(now, room, leaseSeconds)) {
        if (!m_inFlight.contains(due.callSid))
            startDownload(due.callSid, due.recordingUrl, due.attempts);
    }
}

void RecordingFetcher::startDownload(const QString &callSid, const QString &recordingUrl,
                                     int attempts)
{
    m_inFlight.insert(callSid);
    auto *download = new RecordingDownload(&m_network, m_options.download, this);
    connect(download, &RecordingDownload::finished, this,
            [this, download, callSid](const QByteArray &audio, const QString &contentType) {
                download->deleteLater();
                m_inFlight.remove(callSid);
                if (m_store.storeAudio(callSid, audio, contentType)) {
                    qCInfo(lcRecording).noquote()
                        << "stored voicemail of" << callSid << audio.size() << "bytes";
                    Q_EMIT downloaded(callSid);
                } else {
                    qCWarning(lcRecording).noquote()
                        << "cannot store voicemail of" << callSid << m_store.lastError();
                }
                wake();
            });
    connect(download, &RecordingDownload::failed, this,
            [this, download, callSid, attempts](const QString &error, bool retryable) {
                download->deleteLater();
                m_inFlight.remove(callSid);
                onFailure(callSid, attempts + 1, error, retryable);
                wake();
            });
    download->start(recordingUrl);
}

void RecordingFetcher::onFailure(const QString &callSid, int attempts, const QString &error,
                                 bool retryable)
{
    const bool giveUp = !retryable || attempts >= m_options.maxAttempts;
    const qint64 delayMs = qint64(m_options.retryBaseMs) << qMin(attempts - 1, 20);
    const QDateTime retryAt = QDateTime::currentDateTimeUtc().addMSecs(delayMs);
    m_store.recordDownloadFailure(callSid, error, retryAt, giveUp);
    if (giveUp) {
        qCWarning(lcRecording).noquote() << "voicemail of" << callSid << "failed for good after"
                                         << attempts << "attempts:" << error;
        Q_EMIT failedForGood(callSid, error);
        return;
    }
    qCInfo(lcRecording).noquote() << "voicemail of" << callSid << "attempt" << attempts
                                  << "failed:" << error << "- retrying in" << delayMs << "ms";
    QTimer::singleShot(int(qMin<qint64>(delayMs, INT_MAX)), this, &RecordingFetcher::sweep);
}

} // namespace Switchboard
