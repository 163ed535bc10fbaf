#pragma once

#include "core/CallRecord.h"

#include <optional>
#include <QObject>
#include <QString>

class QAction;
class QLabel;
class QPushButton;
class QWidget;

namespace Switchboard {

class AppSettings;
class CallBackRequest;
class CredentialStore;

// "Call back" on the selected call, wherever it is offered: the action (the Call menu, the
// feed's context menu, Ctrl+B) and the details pane's button, with the message that says
// how it went. All of them start the one CallBackRequest, which takes one at a time.
class CallBackController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CallBackController)

public:
    CallBackController(AppSettings *settings, CredentialStore *credentials, QWidget *window);

    QAction *action() const { return m_action; }
    // The button and its message, for the details pane.
    QWidget *detailsBar() const { return m_bar; }
    CallBackRequest *request() const { return m_request; }

    void setCall(const std::optional<CallRecord> &call);
    void callBack();

Q_SIGNALS:
    void statusMessage(const QString &text);

private:
    void update();
    void showMessage(const QString &callSid, const QString &text, bool error);

    AppSettings *m_settings;
    CallBackRequest *m_request;
    QAction *m_action;
    QWidget *m_bar;
    QPushButton *m_button;
    QLabel *m_state; // "Called back by Alice · 10:42 · reached"
    QLabel *m_message;
    std::optional<CallRecord> m_call;
    QString m_messageSid; // the call the message is about
};

} // namespace Switchboard
