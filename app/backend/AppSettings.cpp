#include "AppSettings.h"

#include "db/DefaultLocation.h"

#include <pwd.h>
#include <unistd.h>

namespace Switchboard {
namespace {

const QString kDatabaseUrl = QStringLiteral("database/url");
const QString kTwilioApiUrl = QStringLiteral("twilio/apiUrl");
const QString kDefaultTwilioApiUrl = QStringLiteral("https://api.twilio.com");
const QString kOwnNumber = QStringLiteral("callBack/ownNumber");
const QString kServiceUrl = QStringLiteral("callBack/serviceUrl");
const QString kDisplayName = QStringLiteral("user/displayName");

} // namespace

AppSettings::AppSettings(QObject *parent)
    : QObject(parent)
{}

AppSettings::AppSettings(const QString &fileName, QObject *parent)
    : QObject(parent)
    , m_settings(fileName, QSettings::IniFormat)
{}

QString AppSettings::databaseUrl() const
{
    if (!m_databaseUrlOverride.isEmpty())
        return m_databaseUrlOverride;
    const QString url = m_settings.value(kDatabaseUrl).toString();
    return url.isEmpty() ? defaultDatabaseUrl() : url;
}

void AppSettings::setDatabaseUrl(const QString &url)
{
    if (url == databaseUrl())
        return;
    m_databaseUrlOverride.clear(); // chosen in the settings: it replaces the command line's
    m_settings.setValue(kDatabaseUrl, url);
    Q_EMIT databaseUrlChanged();
}

void AppSettings::setDatabaseUrlOverride(const QString &url)
{
    if (url == databaseUrl())
        return;
    m_databaseUrlOverride = url;
    Q_EMIT databaseUrlChanged();
}

QString AppSettings::twilioApiUrl() const
{
    const QString url = m_settings.value(kTwilioApiUrl).toString();
    return url.isEmpty() ? kDefaultTwilioApiUrl : url;
}

void AppSettings::setTwilioApiUrl(const QString &url)
{
    if (url == twilioApiUrl())
        return;
    m_settings.setValue(kTwilioApiUrl, url);
    Q_EMIT twilioApiUrlChanged();
}

QString AppSettings::ownNumber() const
{
    return m_settings.value(kOwnNumber).toString();
}

void AppSettings::setOwnNumber(const QString &number)
{
    m_settings.setValue(kOwnNumber, number);
}

QString AppSettings::serviceUrl() const
{
    return m_settings.value(kServiceUrl).toString();
}

void AppSettings::setServiceUrl(const QString &url)
{
    m_settings.setValue(kServiceUrl, url);
}

QString AppSettings::displayName() const
{
    const QString name = m_settings.value(kDisplayName).toString().trimmed();
    return name.isEmpty() ? osUserFullName() : name;
}

void AppSettings::setDisplayName(const QString &name)
{
    m_settings.setValue(kDisplayName, name.trimmed());
}

QString AppSettings::osUserFullName()
{
    // The GECOS field's first part is the full name; the login name when it is empty.
    const passwd *user = getpwuid(getuid());
    if (!user)
        return QString::fromLocal8Bit(qgetenv("USER"));
    const QString gecos = QString::fromLocal8Bit(user->pw_gecos).section(QLatin1Char(','), 0, 0);
    return gecos.trimmed().isEmpty() ? QString::fromLocal8Bit(user->pw_name) : gecos.trimmed();
}

QByteArray AppSettings::windowState(const QString &key) const
{
    return m_settings.value(QStringLiteral("window/") + key).toByteArray();
}

void AppSettings::setWindowState(const QString &key, const QByteArray &state)
{
    m_settings.setValue(QStringLiteral("window/") + key, state);
}

} // namespace Switchboard
