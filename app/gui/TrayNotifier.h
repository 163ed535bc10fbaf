#pragma once

#include "core/CallRecord.h"

#include <QObject>
#include <QSet>

class QSystemTrayIcon;

namespace Switchboard {

class AppSettings;

// The tray icon, and a notification when a voicemail arrives or a call is missed, so staff
// need not keep the window in view, unless the settings turned them off. The icon and its
// notifications only where the desktop has a system tray; notified() everywhere.
class TrayNotifier final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrayNotifier)

public:
    // Without `settings`, it always notifies.
    explicit TrayNotifier(AppSettings *settings = nullptr, QObject *parent = nullptr);

    static bool isAvailable();
    // The caller's text as a notification shows it literally on this platform.
    static QString messageText(const QString &text);
    QSystemTrayIcon *icon() const { return m_icon; }

    // Looks at calls that changed in the log; notifies what is new.
    void callsChanged(const QList<Switchboard::CallRecord> &calls);
    // The user clicked the last notification: its call is asked for.
    void openLastNotified();

Q_SIGNALS:
    void showWindowRequested(const QString &callSid); // empty: just the window
    // A notification was shown, or would have been where the desktop has a tray.
    void notified(const QString &callSid, const QString &title, const QString &text);

private:
    void notify(const QString &callSid, const QString &title, const QString &text);

    AppSettings *m_settings;
    QSystemTrayIcon *m_icon = nullptr;
    QSet<QString> m_voicemailsNotified;
    QSet<QString> m_missedNotified;
    QString m_lastNotified;
};

} // namespace Switchboard
