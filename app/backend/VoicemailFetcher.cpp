#include "VoicemailFetcher.h"

#include "AppSettings.h"
#include "CallLog.h"
#include "db/Database.h"
#include "db/VoicemailStore.h"
#include "twilio/RecordingDownload.h"

#include <atomic>
#include <QNetworkAccessManager>
#include <QRegularExpression>

namespace Switchboard {
namespace {

QString userMessage(const QString &error)
{
    // RecordingDownload reports HTTP failures as "HTTP <status> from <host>".
    static const QRegularExpression http(QStringLiteral("^HTTP (\\d+)"));
    const int status = http.match(error).captured(1).toInt();
    if (status == 401 || status == 403)
        return VoicemailFetcher::tr("Twilio refused the credentials (HTTP %1): check the Account "
                                    "SID and Auth Token in Settings.")
            .arg(status);
    if (status == 404)
        return VoicemailFetcher::tr("Twilio does not have this recording (HTTP 404); it may "
                                    "still be processing, or it was deleted.");
    return VoicemailFetcher::tr("Could not fetch the recording: %1.").arg(error);
}

} // namespace

VoicemailFetcher::VoicemailFetcher(AppSettings *settings, const CallLog *log, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_log(log)
    , m_network(new QNetworkAccessManager(this))
    , m_writer(QStringLiteral("voicemail-store"))
{}

void VoicemailFetcher::fetch(const QString &callSid, const QString &recordingUrl,
                             const TwilioCredentials &credentials)
{
    if (m_inFlight.contains(callSid))
        return;
    m_inFlight.insert(callSid);
    // Refusals answer from the event loop too, so that callers see one behaviour.
    const auto refuse = [this, callSid](const QString &message) {
        QMetaObject::invokeMethod(
            this, [this, callSid, message] { finish(callSid, message); }, Qt::QueuedConnection);
    };
    if (!credentials.isComplete()) {
        refuse(tr("Enter your Twilio Account SID and Auth Token in Settings to fetch "
                  "voicemails from Twilio."));
        return;
    }
    RecordingDownload::Options options;
    options.apiBase = QUrl(m_settings->twilioApiUrl());
    options.accountSid = credentials.accountSid;
    options.authToken = credentials.authToken.toUtf8();
    const QString refusal = RecordingDownload::refusal(QUrl(recordingUrl), options);
    if (!refusal.isEmpty()) {
        refuse(tr("Refused to send the Twilio credentials: %1.").arg(refusal));
        return;
    }
    auto *download = new RecordingDownload(m_network, options, this);
    connect(download, &RecordingDownload::finished, this,
            [this, download, callSid](const QByteArray &audio, const QString &contentType) {
                download->deleteLater();
                store(callSid, audio, contentType);
            });
    connect(download, &RecordingDownload::failed, this,
            [this, download, callSid](const QString &error) {
                download->deleteLater();
                finish(callSid, userMessage(error));
            });
    download->start(recordingUrl);
}

void VoicemailFetcher::store(const QString &callSid, const QByteArray &audio,
                             const QString &contentType)
{
    // A short-lived connection of its own, to the log the feed shows, with its password:
    // fetches are rare, and the feed's connection stays free of write transactions. It opens
    // on the writer's thread: a server that does not answer must not freeze the window. The
    // thread stops before this object's QObject part goes, so `this` can take the answer.
    m_writer.post([this, connection = m_log->connection(), callSid, audio, contentType] {
        static std::atomic_int counter{0};
        QString error;
        bool stored = false;
        if (const auto database =
                connection.open(QStringLiteral("voicemail-fetcher-%1").arg(++counter), &error)) {
            VoicemailStore store(*database);
            stored = store.storeAudio(callSid, audio, contentType);
            if (!stored)
                error = store.lastError();
        }
        QMetaObject::invokeMethod(
            this,
            [this, callSid, stored, error] {
                finish(callSid,
                       stored ? QString()
                              : tr("Fetched the recording but cannot store it: %1.").arg(error));
            },
            Qt::QueuedConnection);
    });
}

void VoicemailFetcher::finish(const QString &callSid, const QString &error)
{
    m_inFlight.remove(callSid);
    if (error.isEmpty())
        Q_EMIT fetched(callSid);
    else
        Q_EMIT failed(callSid, error);
}

} // namespace Switchboard
