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

UrlMapper::UrlMapper(const QList<QUrl> &serviceBases, const QUrl &publicBase)
    : m_public(withoutTrailingSlash(publicBase.isEmpty() ? serviceBases.value(0) : publicBase))
{
    for (const QUrl &base : serviceBases)
        m_services.append(withoutTrailingSlash(base));
}

const QString &UrlMapper::nextService() const
{
    return m_services.at(m_next++ % m_services.size());
}

QUrl UrlMapper::serviceUrl(const QString &path) const
{
    return QUrl(nextService() + path, QUrl::StrictMode);
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
    const QString text = url.toString(QUrl::FullyEncoded);
    for (const QString &service : m_services) {
        if (rebase(text, service, m_public) != text) // already a service address
            return url;
    }
    return QUrl(rebase(text, m_public, nextService()), QUrl::StrictMode);
}

QString UrlMapper::toSign(const QUrl &url) const
{
    const QString text = url.toString(QUrl::FullyEncoded);
    for (const QString &service : m_services) {
        const QString rebased = rebase(text, service, m_public);
        if (rebased != text)
            return rebased;
    }
    return text;
}

QUrl UrlMapper::resolve(const QUrl &documentUrl, const QString &reference)
{
    return documentUrl.resolved(QUrl(reference.trimmed()));
}

} // namespace Switchboard
