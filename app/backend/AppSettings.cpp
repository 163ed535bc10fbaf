#include "AppSettings.h"

#include "db/CallAnnotations.h"
#include "db/DefaultLocation.h"
#include "DisplayName.h"

namespace Switchboard {
namespace {

const QString kDatabaseUrl = QStringLiteral("database/url");
const QString kDisplayName = QStringLiteral("team/displayName");
const QString kTwilioApiUrl = QStringLiteral("twilio/apiUrl");
const QString kDefaultTwilioApiUrl = QStringLiteral("https://api.twilio.com");
const QString kOwnNumber = QStringLiteral("callBack/ownNumber");
const QString kServiceUrl = QStringLiteral("callBack/serviceUrl");
const QString kShowNotifications = QStringLiteral("notifications/show");

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

QString AppSettings::displayName() const
{
    const QString name = CallAnnotations::normalisedName(m_settings.value(kDisplayName).toString())
                             .left(CallAnnotations::kMaxNameChars);
    return name.isEmpty() ? defaultDisplayName() : name;
}

void AppSettings::setDisplayName(const QString &name)
{
    const QString normalised = CallAnnotations::normalisedName(name);
    if (normalised == displayName())
        return;
    m_settings.setValue(kDisplayName, normalised); // empty: back to the OS account's name
    Q_EMIT displayNameChanged();
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

bool AppSettings::showNotifications() const
{
    return m_settings.value(kShowNotifications, true).toBool();
}

void AppSettings::setShowNotifications(bool show)
{
    m_settings.setValue(kShowNotifications, show);
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
