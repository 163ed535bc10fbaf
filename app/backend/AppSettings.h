#pragma once

#include <QObject>
#include <QSettings>
#include <QString>

namespace Switchboard {

// The app's preferences, kept with QSettings. Secrets never live here: the Twilio credentials
// are in the OS keychain (CredentialStore).
class AppSettings final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AppSettings)

public:
    explicit AppSettings(QObject *parent = nullptr);
    // For tests: settings kept in a file of their own.
    AppSettings(const QString &fileName, QObject *parent);

    // The call log to show; the service's default file unless changed.
    QString databaseUrl() const;
    void setDatabaseUrl(const QString &url);
    // A call log given on the command line: used for this run only, never saved.
    void setDatabaseUrlOverride(const QString &url);
    bool hasDatabaseUrlOverride() const { return !m_databaseUrlOverride.isEmpty(); }

    // The name this user's marks, tags, notes, call backs and call flow revisions carry in the
    // shared log; defaultDisplayName() until chosen. Normalised as the log stores names.
    QString displayName() const;
    void setDisplayName(const QString &name);

    QString twilioApiUrl() const;
    void setTwilioApiUrl(const QString &url);

    // Call back: the staff member's own phone, rung first (E.164; empty until set), and the
    // service's public URL, which Twilio fetches the call back's TwiML from.
    QString ownNumber() const;
    void setOwnNumber(const QString &number);
    QString serviceUrl() const;
    void setServiceUrl(const QString &url);

    // A desktop notification for each new voicemail and missed call; on unless turned off.
    bool showNotifications() const;
    void setShowNotifications(bool show);

    // The main window's geometry and splitter state, restored at start.
    QByteArray windowState(const QString &key) const;
    void setWindowState(const QString &key, const QByteArray &state);

Q_SIGNALS:
    void databaseUrlChanged();
    void twilioApiUrlChanged();
    void displayNameChanged();

private:
    QSettings m_settings;
    QString m_databaseUrlOverride;
};

} // namespace Switchboard
