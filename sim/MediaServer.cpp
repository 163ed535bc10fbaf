#include "MediaServer.h"

#include "Wav.h"

#include <QDeadlineTimer>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace Switchboard {
namespace {

const QString kWavSuffix = QStringLiteral(".wav");
const QString kJsonSuffix = QStringLiteral(".json");

QString methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return QStringLiteral("GET");
    case QHttpServerRequest::Method::Head:
        return QStringLiteral("HEAD");
    case QHttpServerRequest::Method::Delete:
        return QStringLiteral("DELETE");
    case QHttpServerRequest::Method::Post:
        return QStringLiteral("POST");
    default:
        return QStringLiteral("OTHER");
    }
}

QHttpServerResponse plain(const QByteArray &text, QHttpServerResponse::StatusCode status)
{
    return QHttpServerResponse(QByteArrayLiteral("text/plain"), text + '\n', status);
}

} // namespace

MediaServer::MediaServer(const QString &accountSid, const QByteArray &authToken, QObject *parent)
    : QObject(parent)
    , m_accountSid(accountSid)
    , m_expectedAuthorization("Basic " +
                              QByteArray(accountSid.toUtf8() + ':' + authToken).toBase64())
    , m_http(std::make_unique<QHttpServer>())
{
    m_http->route(
        QStringLiteral("/2010-04-01/Accounts/<arg>/Recordings/<arg>"),
        [this](const QString &account, const QString &file, const QHttpServerRequest &request) {
            return handle(account, file, request);
        });
}

MediaServer::~MediaServer() = default;

void MediaServer::serveCalls(CallsHandler handler)
{
    m_http->route(QStringLiteral("/2010-04-01/Accounts/<arg>/Calls.json"),
                  QHttpServerRequest::Method::Post,
                  [this, handler = std::move(handler)](const QString &account,
                                                       const QHttpServerRequest &request) {
                      QHttpServerResponse response = handler(account, request);
                      Q_EMIT requestServed(QStringLiteral("POST"), request.url().path(),
                                           int(response.statusCode()));
                      return response;
                  });
}

bool MediaServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    auto tcp = std::make_unique<QTcpServer>();
    if (!tcp->listen(address, port)) {
        if (error)
            *error = tcp->errorString();
        return false;
    }
    m_tcp = tcp.release();
    m_http->bind(m_tcp); // QAbstractHttpServer takes ownership
    // A wildcard address is not something the service can connect to: point it at loopback.
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        m_host = QStringLiteral("127.0.0.1");
    else if (address == QHostAddress::AnyIPv6)
        m_host = QStringLiteral("::1");
    else
        m_host = address.toString();
    return true;
}

quint16 MediaServer::port() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

QUrl MediaServer::baseUrl() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(m_host.isEmpty() ? QStringLiteral("127.0.0.1") : m_host);
    url.setPort(port());
    return url;
}

QString MediaServer::recordingUrl(const QString &recordingSid) const
{
    return baseUrl().toString() + QStringLiteral("/2010-04-01/Accounts/") + m_accountSid +
           QStringLiteral("/Recordings/") + recordingSid;
}

QString MediaServer::addRecording(const QString &recordingSid, int seconds)
{
    const auto known = m_recordings.constFind(recordingSid);
    if (known == m_recordings.cend() || known->fetches > 0 || known->deleted)
        ++m_unfetched;
    m_recordings.insert(recordingSid, Recording{seconds, 0, false});
    return recordingUrl(recordingSid);
}

int MediaServer::fetchCount(const QString &recordingSid) const
{
    return m_recordings.value(recordingSid).fetches;
}

QStringList MediaServer::unfetchedRecordings() const
{
    QStringList sids;
    for (auto it = m_recordings.cbegin(); it != m_recordings.cend(); ++it) {
        // A recording the service deleted was evidently stored, even if we missed its GET.
        if (it->fetches == 0 && !it->deleted)
            sids.append(it.key());
    }
    sids.sort();
    return sids;
}

void MediaServer::afterPendingWrites(int timeoutMs, std::function<void()> done)
{
    const QDeadlineTimer deadline(timeoutMs);
    auto *poll = new QTimer(this);
    poll->setInterval(10);
    auto check = [this, poll, deadline, done = std::move(done)] {
        bool writing = false;
        if (m_tcp) {
            // QTcpServer parents the sockets it accepts, which QHttpServer then serves.
            for (const QTcpSocket *socket : m_tcp->findChildren<QTcpSocket *>())
                writing |= socket->state() == QAbstractSocket::ConnectedState &&
                           socket->bytesToWrite() > 0;
        }
        if (writing && !deadline.hasExpired())
            return;
        poll->stop();
        poll->deleteLater();
        done();
    };
    connect(poll, &QTimer::timeout, this, check);
    poll->start();
}

bool MediaServer::isAuthorized(const QHttpServerRequest &request) const
{
    return request.value(QByteArrayLiteral("Authorization")) == m_expectedAuthorization;
}

QByteArray MediaServer::wavFor(int seconds)
{
    auto it = m_wavCache.find(seconds);
    if (it == m_wavCache.end())
        it = m_wavCache.insert(seconds, Wav::tone(seconds));
    return *it;
}

QHttpServerResponse MediaServer::handle(const QString &account, const QString &file,
                                        const QHttpServerRequest &request)
{
    const auto method = request.method();
    const QString path = request.url().path();
    auto respond = [&](QHttpServerResponse response) {
        Q_EMIT requestServed(methodName(method), path, int(response.statusCode()));
        return response;
    };

    if (!isAuthorized(request)) {
        QHttpServerResponse response =
            plain("Authentication required", QHttpServerResponse::StatusCode::Unauthorized);
        response.setHeader(QByteArrayLiteral("WWW-Authenticate"),
                           QByteArrayLiteral("Basic realm=\"Twilio API\""));
        return respond(std::move(response));
    }
    if (m_authorizedRequests++ < m_failFirst)
        return respond(plain("Simulated failure (--fail-downloads)",
                             QHttpServerResponse::StatusCode::InternalServerError));

    const bool wantsWav = file.endsWith(kWavSuffix);
    const bool wantsJson = file.endsWith(kJsonSuffix);
    const QString sid = file.left(file.lastIndexOf(QLatin1Char('.')));
    auto it = m_recordings.find(sid);
    if (account != m_accountSid || it == m_recordings.end() || it->deleted ||
        (!wantsWav && !wantsJson))
        return respond(plain("The requested resource was not found",
                             QHttpServerResponse::StatusCode::NotFound));

    if (method == QHttpServerRequest::Method::Delete && wantsJson) {
        // The service may delete a recording from "Twilio" once it has stored it safely.
        const bool wasPending = it->fetches == 0;
        it->deleted = true;
        if (wasPending)
            --m_unfetched;
        QHttpServerResponse response(QHttpServerResponse::StatusCode::NoContent);
        Q_EMIT requestServed(methodName(method), path, int(response.statusCode()));
        if (wasPending && allFetched())
            Q_EMIT everyRecordingFetched();
        return response;
    }
    if (method != QHttpServerRequest::Method::Get || !wantsWav)
        return respond(
            plain("Method not allowed", QHttpServerResponse::StatusCode::MethodNotAllowed));

    QHttpServerResponse response(QByteArrayLiteral("audio/x-wav"), wavFor(it->seconds));
    const int fetches = ++it->fetches;
    if (fetches == 1)
        --m_unfetched;
    Q_EMIT requestServed(methodName(method), path, int(response.statusCode()));
    Q_EMIT recordingFetched(sid, fetches);
    if (fetches == 1 && allFetched())
        Q_EMIT everyRecordingFetched();
    return response;
}

} // namespace Switchboard
