#pragma once

#include "core/WorkerThread.h"
#include "CredentialStore.h"

#include <QObject>
#include <QSet>
#include <QString>

class QNetworkAccessManager;

namespace Switchboard {

class AppSettings;
class CallLog;

// Fetches a voicemail's audio from Twilio when the service has not downloaded it yet, and
// stores it in the call log so that every desktop gets it. The credentials only ever go to the
// configured Twilio API origin (see RecordingDownload).
class VoicemailFetcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VoicemailFetcher)

public:
    // The audio is stored in `log`'s database, through a connection of its own (with the same
    // keychain password) opened on a thread of its own.
    VoicemailFetcher(AppSettings *settings, const CallLog *log, QObject *parent = nullptr);

    // Answers with fetched() or failed() for this callSid, once; a second request for a call
    // already being fetched is folded into the first.
    void fetch(const QString &callSid, const QString &recordingUrl,
               const TwilioCredentials &credentials);
    bool isFetching(const QString &callSid) const { return m_inFlight.contains(callSid); }

Q_SIGNALS:
    void fetched(const QString &callSid);
    void failed(const QString &callSid, const QString &message);

private:
    void store(const QString &callSid, const QByteArray &audio, const QString &contentType);
    void finish(const QString &callSid, const QString &error);

    AppSettings *m_settings;
    const CallLog *m_log;
    QNetworkAccessManager *m_network;
    QSet<QString> m_inFlight;
    // Last: it stops (after a store in progress) before the rest goes.
    WorkerThread m_writer;
};

} // namespace Switchboard
