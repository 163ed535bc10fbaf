#include "TrayNotifier.h"

#include "backend/AppSettings.h"
#include "backend/CallFormat.h"

#include <QApplication>
#include <QMenu>
#include <QSystemTrayIcon>

namespace Switchboard {
namespace {

// A voicemail marked unheard again, or an old call touched, is not news.
constexpr qint64 kRecentSeconds = 3600;

} // namespace

TrayNotifier::TrayNotifier(AppSettings *settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
{
    if (!isAvailable())
        return;
    m_icon = new QSystemTrayIcon(QIcon(QStringLiteral(":/icons/switchboard.svg")), this);
    m_icon->setToolTip(tr("Switchboard"));
    auto *menu = new QMenu;
    menu->addAction(tr("Show Switchboard"), this, [this] { Q_EMIT showWindowRequested({}); });
    menu->addSeparator();
    menu->addAction(tr("Quit"), qApp, &QApplication::quit);
    connect(this, &QObject::destroyed, menu, &QObject::deleteLater);
    m_icon->setContextMenu(menu);
    connect(m_icon, &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason reason) {
                if (reason == QSystemTrayIcon::Trigger)
                    Q_EMIT showWindowRequested({});
            });
    connect(m_icon, &QSystemTrayIcon::messageClicked, this, &TrayNotifier::openLastNotified);
    m_icon->show();
}

bool TrayNotifier::isAvailable()
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

void TrayNotifier::callsChanged(const QList<CallRecord> &calls)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const CallRecord &call : calls) {
        // A call back nobody picked up is no missed call of the team's.
        if (call.startedAt.secsTo(now) > kRecentSeconds ||
            call.direction == CallDirection::Outbound)
            continue;
        const QString who = messageText(CallFormat::caller(call));
        if (call.voicemail && !call.voicemail->isHeard() &&
            !m_voicemailsNotified.contains(call.callSid)) {
            m_voicemailsNotified.insert(call.callSid);
            notify(call.callSid, tr("New voicemail"),
                   tr("%1 left a %2 message")
                       .arg(who, CallFormat::duration(call.voicemail->durationS)));
        } else if (call.outcome() == Outcome::Missed && !m_missedNotified.contains(call.callSid)) {
            m_missedNotified.insert(call.callSid);
            notify(call.callSid, tr("Missed call"), tr("%1 called and nobody answered").arg(who));
        }
    }
}

QString TrayNotifier::messageText(const QString &text)
{
#if defined(Q_OS_UNIX) && !defined(Q_OS_DARWIN)
    // The message goes to the desktop's notification server as its body, which is markup
    // there (the freedesktop.org notification spec's body-markup, which includes <img>).
    return text.toHtmlEscaped();
#else
    return text; // the other platforms show it as plain text
#endif
}

void TrayNotifier::notify(const QString &callSid, const QString &title, const QString &text)
{
    // Turned off, the call still counts as seen: turning them on again brings no old news.
    if (m_settings && !m_settings->showNotifications())
        return;
    m_lastNotified = callSid;
    Q_EMIT notified(callSid, title, text);
    if (m_icon)
        m_icon->showMessage(title, text, QIcon(QStringLiteral(":/icons/switchboard.svg")), 8000);
}

void TrayNotifier::openLastNotified()
{
    Q_EMIT showWindowRequested(m_lastNotified);
}

} // namespace Switchboard
