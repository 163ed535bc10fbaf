#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace Switchboard {

// The service is reached at one address (--service) but signs and builds its TwiML URLs from
// its public one (--public-url), as when it sits behind a tunnel or proxy. Twilio would request
// the public URL; the sim sends to the service address and signs with the public form.
// With several service addresses (instances behind one load balancer), requests go to each
// in turn, so one call's webhooks land on different instances.
class UrlMapper final
{
public:
    UrlMapper() = default;
    UrlMapper(const QList<QUrl> &serviceBases, const QUrl &publicBase);

    QUrl serviceUrl(const QString &path) const; // e.g. "/twilio/voice" under --service
    QUrl toSend(const QUrl &url) const;         // public base -> (next) service base
    QString toSign(const QUrl &url) const;      // service base -> public base, as a string

    // A TwiML URL attribute or text, resolved against the document it came from.
    static QUrl resolve(const QUrl &documentUrl, const QString &reference);

private:
    static QString rebase(const QString &url, const QString &from, const QString &to);

    const QString &nextService() const;

    QStringList m_services; // without a trailing '/'
    QString m_public;
    mutable int m_next = 0;
};

} // namespace Switchboard
