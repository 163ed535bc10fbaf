#include "UrlMapper.h"

namespace Switchboard {
namespace {

QString withoutTrailingSlash(const QUrl &url)
{
    QString text = url.toString(QUrl::FullyEncoded);
    while (text.endsWith(QLatin1Char('/')))
        text.chop(1);
    return text;
}

} // namespace

UrlMapper::UrlMapper(const QUrl &serviceBase, const QUrl &publicBase)
    : m_service(withoutTrailingSlash(serviceBase))
    , m_public(withoutTrailingSlash(publicBase.isEmpty() ? serviceBase : publicBase))
{}

QUrl UrlMapper::serviceUrl(const QString &path) const
{
    return QUrl(m_service + path, QUrl::StrictMode);
}

QString UrlMapper::rebase(const QString &url, const QString &from, const QString &to)
{
    if (from == to || !url.startsWith(from))
        return url;
    // Only whole path segments: "http://host:80" must not match "http://host:8080/...".
    if (url.size() > from.size()) {
        const QChar next = url.at(from.size());
        if (next != QLatin1Char('/') && next != QLatin1Char('?') && next != QLatin1Char('#'))
            return url;
    }
    return to + url.mid(from.size());
}

QUrl UrlMapper::toSend(const QUrl &url) const
{
    return QUrl(rebase(url.toString(QUrl::FullyEncoded), m_public, m_service), QUrl::StrictMode);
}

QString UrlMapper::toSign(const QUrl &url) const
{
    return rebase(url.toString(QUrl::FullyEncoded), m_service, m_public);
}

QUrl UrlMapper::resolve(const QUrl &documentUrl, const QString &reference)
{
    return documentUrl.resolved(QUrl(reference.trimmed()));
}

} // namespace Switchboard
