#include "CallBackController.h"

#include "backend/AppSettings.h"
#include "backend/CallBackRequest.h"
#include "backend/CallFormat.h"
#include "common/PlainText.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace Switchboard {

CallBackController::CallBackController(AppSettings *settings, CredentialStore *credentials,
                                       QWidget *window)
    : QObject(window)
    , m_settings(settings)
    , m_request(new CallBackRequest(settings, credentials, this))
    , m_action(new QAction(tr("Call &Back"), window))
    , m_bar(new QWidget)
{
    m_action->setObjectName(QStringLiteral("callBackAction"));
    m_action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    m_action->setShortcutContext(Qt::WindowShortcut);
    m_action->setStatusTip(tr("Ring your phone, then connect you to the caller"));
    window->addAction(m_action);
    connect(m_action, &QAction::triggered, this, &CallBackController::callBack);

    m_bar->setObjectName(QStringLiteral("callBackBar"));
    auto *column = new QVBoxLayout(m_bar);
    column->setContentsMargins(0, 4, 0, 4);
    m_state = new QLabel(m_bar);
    m_state->setObjectName(QStringLiteral("callBackState"));
    m_state->setAccessibleName(tr("Call back"));
    m_state->setTextFormat(Qt::PlainText); // a name someone typed: never markup
    m_state->setWordWrap(true);
    column->addWidget(m_state);
    auto *row = new QHBoxLayout;
    m_button = new QPushButton(tr("Call back"), m_bar);
    m_button->setObjectName(QStringLiteral("callBackButton"));
    m_button->setAccessibleName(tr("Call back"));
    m_button->setIcon(QIcon::fromTheme(QStringLiteral("call-start")));
    row->addWidget(m_button);
    row->addStretch(1);
    column->addLayout(row);
    m_message = new QLabel(m_bar);
    m_message->setObjectName(QStringLiteral("callBackMessage"));
    m_message->setAccessibleName(tr("Call back status"));
    m_message->setTextFormat(Qt::PlainText); // Twilio's and the log's words: never markup
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    column->addWidget(m_message);
    connect(m_button, &QPushButton::clicked, this, &CallBackController::callBack);

    connect(m_request, &CallBackRequest::pendingChanged, this, &CallBackController::update);
    connect(m_request, &CallBackRequest::placed, this,
            [this](const QString &callSid, const QString &) {
                showMessage(callSid,
                            tr("Calling your phone (%1). Pick up to be connected to the caller.")
                                .arg(m_settings->ownNumber()),
                            false);
            });
    connect(m_request, &CallBackRequest::failed, this,
            [this](const QString &callSid, const QString &message) {
                showMessage(callSid, message, true);
            });
    update();
}

void CallBackController::setCall(const std::optional<CallRecord> &call)
{
    const bool sameCall = call && m_call && call->callSid == m_call->callSid;
    m_call = call;
    if (!sameCall && (!call || call->callSid != m_messageSid)) {
        m_message->clear();
        m_message->hide();
    }
    update();
}

void CallBackController::callBack()
{
    if (!m_call || m_request->isPending())
        return;
    const QString refusal = CallBackRequest::refusal(*m_call);
    if (!refusal.isEmpty()) {
        showMessage(m_call->callSid, refusal, true);
        return;
    }
    showMessage(m_call->callSid, tr("Asking Twilio to call…"), false);
    m_request->start(*m_call);
}

void CallBackController::update()
{
    const bool inbound = m_call && m_call->direction == CallDirection::Inbound;
    const bool possible = inbound && CallBackRequest::refusal(*m_call).isEmpty();
    const bool pending = m_request->isPending();
    m_bar->setVisible(m_call.has_value());
    m_button->setVisible(inbound);
    if (m_call && m_call->direction == CallDirection::Outbound)
        m_state->setText(CallFormat::outcomeLine(*m_call));
    else if (m_call && m_call->lastCallBack)
        m_state->setText(CallFormat::calledBack(*m_call->lastCallBack));
    else
        m_state->clear();
    m_state->setVisible(!m_state->text().isEmpty());
    m_button->setEnabled(possible && !pending);
    m_action->setEnabled(possible && !pending);
    m_button->setText(pending ? tr("Calling back…") : tr("Call back"));
    m_button->setToolTip(PlainText::toolTip(
        possible  ? tr("Ring your phone, then connect you to %1 (Ctrl+B)").arg(m_call->from)
        : inbound ? CallBackRequest::refusal(*m_call)
                  : QString()));
}

void CallBackController::showMessage(const QString &callSid, const QString &text, bool error)
{
    m_messageSid = callSid;
    Q_EMIT statusMessage(text);
    if (!m_call || m_call->callSid != callSid)
        return;
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #b3261e;") : QString());
    m_message->show();
}

} // namespace Switchboard
