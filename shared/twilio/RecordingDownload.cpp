#include "RecordingDownload.h"

#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace Switchboard {
namespace {

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme() == b.scheme() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0 &&
           a.port(a.scheme() == QLatin1String("https") ? 443 : 80) ==
               b.port(b.scheme() == QLatin1String("https") ? 443 : 80);
}

bool isLoopback(const QString &host)
{
    const QHostAddress address(host);
    return host == QLatin1String("localhost") || (!address.isNull() && address.isLoopback());
}

} // namespace

RecordingDownload::RecordingDownload(QNetworkAccessManager *network, const Options &options,
                                     QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_options(options)
{}

RecordingDownload::~RecordingDownload()
{
    if (m_reply)
        m_reply->abort();
}

QString RecordingDownload::refusal(const QUrl &recordingUrl, const Options &options)
{
    if (!recordingUrl.isValid() || recordingUrl.host().isEmpty())
        return QStringLiteral("the RecordingUrl is not a valid URL");
    if (!sameOrigin(recordingUrl, options.apiBase))
        return QStringLiteral("the RecordingUrl's host %1 is not the Twilio API host %2")
            .arg(recordingUrl.host(), options.apiBase.host());
    if (recordingUrl.scheme() != QLatin1String("https") && !isLoopback(recordingUrl.host()))
        return QStringLiteral("recordings are fetched over HTTPS only");
    const QString path = recordingUrl.path(QUrl::FullyDecoded);
    const QString prefix =
        QStringLiteral("/2010-04-01/Accounts/%1/Recordings/").arg(options.accountSid);
    if (!path.startsWith(prefix) || path.contains(QLatin1String("..")) || recordingUrl.hasQuery())
        return QStringLiteral("the RecordingUrl is not a recording of account %1")
            .arg(options.accountSid);
    return {};
}

void RecordingDownload::start(const QString &recordingUrl)
{
    const QUrl url(recordingUrl, QUrl::StrictMode);
    const QString why = refusal(url, m_options);
    if (!why.isEmpty()) {
        fail(why, false);
        return;
    }
    QUrl media = url;
    media.setPath(url.path() + QStringLiteral(".wav"));
    get(media, 3);
}

void RecordingDownload::get(const QUrl &url, int redirectsLeft)
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(m_options.timeoutMs);
    if (sameOrigin(url, m_options.apiBase)) {
        const QByteArray basic =
            QByteArray(m_options.accountSid.toUtf8() + ':' + m_options.authToken).toBase64();
        request.setRawHeader("Authorization", "Basic " + basic);
    }
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::downloadProgress, this, [this](qint64 received, qint64 total) {
        if (received > m_options.maxBytes || total > m_options.maxBytes) {
            m_reply->disconnect(this);
            m_reply->abort();
            m_reply->deleteLater();
            fail(QStringLiteral("the recording is larger than %1 bytes").arg(m_options.maxBytes),
                 false);
        }
    });
    connect(m_reply, &QNetworkReply::finished, this,
            [this, reply = m_reply.data(), redirectsLeft] { onFinished(reply, redirectsLeft); });
}

void RecordingDownload::onFinished(QNetworkReply *reply, int redirectsLeft)
{
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status >= 300 && status < 400) {
        const QUrl target =
            reply->url().resolved(reply->header(QNetworkRequest::LocationHeader).toUrl());
        if (reply->header(QNetworkRequest::LocationHeader).toUrl().isEmpty())
            fail(QStringLiteral("HTTP %1 without a Location").arg(status), false);
        else if (redirectsLeft == 0 || !target.isValid())
            fail(QStringLiteral("too many redirects"), false);
        else if (target.scheme() != QLatin1String("https") && !isLoopback(target.host()))
            fail(QStringLiteral("refused a redirect to %1: not HTTPS").arg(target.host()), false);
        else
            get(target, redirectsLeft - 1);
        return;
    }
    if (reply->error() != QNetworkReply::NoError || status != 200) {
        // A refusal (401, 403, 400...) will not change by asking again; anything else may.
        const bool refused = status >= 400 && status < 500 && status != 404 && status != 429;
        fail(status ? QStringLiteral("HTTP %1 from %2: %3")
                          .arg(status)
                          .arg(reply->url().host(), reply->errorString())
                    : reply->errorString(),
             !refused);
        return;
    }
    const QString contentType = reply->header(QNetworkRequest::ContentTypeHeader).toString();
    if (!contentType.startsWith(QLatin1String("audio/"))) {
        fail(QStringLiteral("expected audio, got '%1'").arg(contentType), true);
        return;
    }
    const QByteArray audio = reply->readAll();
    if (audio.isEmpty()) {
        fail(QStringLiteral("the recording is empty"), true);
        return;
    }
    Q_EMIT finished(audio, contentType);
}

void RecordingDownload::fail(const QString &error, bool retryable)
{
    Q_EMIT failed(error, retryable);
}

} // namespace Switchboard
