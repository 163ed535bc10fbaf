#pragma once

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace Switchboard {

// Fetches one recording's audio from Twilio's API host with HTTP Basic auth.
// The credentials go to the configured API origin only: a RecordingUrl on another host is
// refused before any request, and a redirect elsewhere is followed without them.
class RecordingDownload final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RecordingDownload)

public:
    struct Options
    {
        QUrl apiBase; // e.g. https://api.twilio.com
        QString accountSid;
        QByteArray authToken;
        qint64 maxBytes = 50 * 1024 * 1024;
        int timeoutMs = 30000;
    };

    RecordingDownload(QNetworkAccessManager *network, const Options &options,
                      QObject *parent = nullptr);
    ~RecordingDownload() override;

    // Why a RecordingUrl may not be fetched with these options; empty when it may.
    static QString refusal(const QUrl &recordingUrl, const Options &options);

    // Starts fetching recordingUrl + ".wav"; answers with finished() or failed(), once.
    void start(const QString &recordingUrl);

Q_SIGNALS:
    void finished(const QByteArray &audio, const QString &contentType);
    // retryable: a later attempt may succeed (network error, 5xx, 404 while Twilio finishes).
    void failed(const QString &error, bool retryable);

private:
    void get(const QUrl &url, int redirectsLeft);
    void onFinished(QNetworkReply *reply, int redirectsLeft);
    void fail(const QString &error, bool retryable);

    QNetworkAccessManager *m_network;
    Options m_options;
    QPointer<QNetworkReply> m_reply;
};

} // namespace Switchboard
