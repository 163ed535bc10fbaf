#pragma once

#include <functional>
#include <memory>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QString>
#include <QUrl>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponse;
class QTcpServer;

namespace Switchboard {

// Plays Twilio's media host: serves the recordings the simulated callers left, as
// GET /2010-04-01/Accounts/{AccountSid}/Recordings/{RecordingSid}.wav behind HTTP Basic auth,
// and counts successful downloads so the run can wait until the service has fetched them all.
class MediaServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MediaServer)

public:
    MediaServer(const QString &accountSid, const QByteArray &authToken, QObject *parent = nullptr);
    ~MediaServer() override;

    // Binds a QTcpServer (port 0 picks a free one). Returns false and sets `error` on failure.
    bool listen(const QHostAddress &address, quint16 port, QString *error = nullptr);
    quint16 port() const;
    // Where RecordingUrls point: http://host:port, with `host` as the service should reach it.
    QUrl baseUrl() const;

    // Answers POST /2010-04-01/Accounts/{AccountSid}/Calls.json with `handler` (RestCalls).
    using CallsHandler =
        std::function<QHttpServerResponse(const QString &account, const QHttpServerRequest &)>;
    void serveCalls(CallsHandler handler);

    // The first `count` authenticated requests answer 500, to exercise the service's retries.
    void setFailFirst(int count) { m_failFirst = count; }

    // Makes the recording downloadable; returns its RecordingUrl (no extension, as Twilio sends).
    QString addRecording(const QString &recordingSid, int seconds);
    QString recordingUrl(const QString &recordingSid) const;

    int recordingCount() const { return int(m_recordings.size()); }
    int fetchCount(const QString &recordingSid) const;
    QStringList unfetchedRecordings() const;
    bool allFetched() const { return m_unfetched == 0; }

    // Calls `done` once every response has been handed to the network (or after `timeoutMs`),
    // so the process can exit right after the last download without cutting it short.
    void afterPendingWrites(int timeoutMs, std::function<void()> done);

Q_SIGNALS:
    void requestServed(const QString &method, const QString &path, int status);
    void recordingFetched(const QString &recordingSid, int fetchCount);
    void everyRecordingFetched();

private:
    struct Recording
    {
        int seconds = 0;
        int fetches = 0;
        bool deleted = false;
    };

    QHttpServerResponse handle(const QString &account, const QString &file,
                               const QHttpServerRequest &request);
    bool isAuthorized(const QHttpServerRequest &request) const;
    QByteArray wavFor(int seconds);

    QString m_accountSid;
    QByteArray m_expectedAuthorization;
    std::unique_ptr<QHttpServer> m_http;
    QTcpServer *m_tcp = nullptr; // owned by m_http once bound
    QString m_host;
    int m_failFirst = 0;
    int m_authorizedRequests = 0;
    QHash<QString, Recording> m_recordings;
    int m_unfetched = 0; // recordings neither fetched nor deleted: asked after every fetch
    QHash<int, QByteArray> m_wavCache; // by length: a mixed run reuses a few durations
};

} // namespace Switchboard
