#pragma once

#include "twilio/RecordingDownload.h"

#include <QDeadlineTimer>
#include <QNetworkAccessManager>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace Switchboard {

class VoicemailStore;

// Moves voicemail audio from Twilio into the call log, so that any desktop that reaches the
// database can play it. The work list is the database itself: pending downloads survive a
// restart, and a claim keeps two instances from fetching the same recording.
class RecordingFetcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RecordingFetcher)

public:
    struct Options
    {
        RecordingDownload::Options download;
        int retryBaseMs = 5000;
        int maxAttempts = 6;
        int parallel = 4;
    };

    RecordingFetcher(VoicemailStore &store, const Options &options, QObject *parent = nullptr);

    // Looks for due downloads soon (a recording became ready, or the service started).
    void wake();
    // Looks again once a voicemail recorded now is due even without its status callback.
    void wakeAfterStatusGrace();
    int inFlight() const { return int(m_inFlight.size()); }

Q_SIGNALS:
    void downloaded(const QString &callSid);
    void failedForGood(const QString &callSid, const QString &error);

private:
    void sweep();
    void startDownload(const QString &callSid, const QString &recordingUrl, int attempts);
    void onFailure(const QString &callSid, int attempts, const QString &error, bool retryable);

    VoicemailStore &m_store;
    Options m_options;
    QNetworkAccessManager m_network;
    QTimer m_sweepTimer;
    QTimer m_sweepSoon; // wakes that come together make one sweep
    // One timer for every voicemail waiting out the status callback's grace: it fires when the
    // earliest is due and is set again for the latest, so recordings that come together make
    // one sweep, not one each (a voicemail is then tried at most one grace period late).
    QTimer m_graceTimer;
    QDeadlineTimer m_latestGraceDue;
    QSet<QString> m_inFlight;
};

} // namespace Switchboard
