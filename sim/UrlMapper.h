#pragma once

#include <QString>
#include <QUrl>

namespace Switchboard {

// The service is reached at one address (--service) but signs and builds its TwiML URLs from
// its public one (--public-url), as when it sits behind a tunnel or proxy. Twilio would request
// the public URL; the sim sends to the service address and signs with the public form.
class UrlMapper final
{
public:
    UrlMapper() = default;
    UrlMapper(const QUrl &serviceBase, const QUrl &publicBase);

    QUrl serviceUrl(const QString &path) const; // e.g. "/twilio/voice" under --service
    QUrl toSend(const QUrl &url) const;         // public base -> service base
    QString toSign(const QUrl &url) const;      // service base -> public base, as a string

    // A TwiML URL attribute or text, resolved against the document it came from.
    static QUrl resolve(const QUrl &documentUrl, const QString &reference);

private:
    static QString rebase(const QString &url, const QString &from, const QString &to);

    QString m_service; // without a trailing '/'
    QString m_public;
};

} // namespace Switchboard
