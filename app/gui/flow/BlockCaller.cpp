#include "BlockCaller.h"

#include "backend/AppSettings.h"
#include "backend/CallLog.h"
#include "backend/FlowRevisions.h"
#include "gui/common/PlainText.h"

#include <QMessageBox>
#include <QPushButton>

namespace Switchboard {

BlockCaller::BlockCaller(CallLog *log, AppSettings *settings, QWidget *window)
    : QObject(window)
    , m_log(log)
    , m_settings(settings)
    , m_window(window)
    , m_revisions(new FlowRevisions(this))
{
    connect(m_revisions, &FlowRevisions::blocked, this,
            [this](const QString &number, qint64 revision) {
                Q_EMIT finished(revision > 0 ? tr("%1 is blocked (call flow revision %2).")
                                                   .arg(number, QString::number(revision))
                                             : tr("%1 was blocked already.").arg(number));
            });
    connect(m_revisions, &FlowRevisions::failed, this, [this](const QString &message) {
        Q_EMIT failed(message);
        PlainText::warn(m_window, tr("Block this number"),
                        tr("The number was not blocked. %1").arg(message));
    });
}

bool BlockCaller::isBusy() const
{
    return m_revisions->isBusy();
}

void BlockCaller::confirmAndBlock(const QString &number)
{
    QMessageBox question(QMessageBox::Question, tr("Block this number"),
                         tr("Block %1? Calls from this number will hear a busy signal (they are "
                            "still logged). This saves a new revision of the call flow; "
                            "Call Flow's Blocklist can undo it.")
                             .arg(number),
                         QMessageBox::NoButton, m_window);
    question.setObjectName(QStringLiteral("blockConfirmation"));
    question.setTextFormat(Qt::PlainText); // the number is the caller's
    QPushButton *block = question.addButton(tr("&Block"), QMessageBox::AcceptRole);
    block->setObjectName(QStringLiteral("confirmBlockButton"));
    question.addButton(QMessageBox::Cancel);
    question.setDefaultButton(QMessageBox::Cancel);
    question.exec();
    if (question.clickedButton() != block)
        return;
    m_revisions->setConnection(m_log->connection());
    // Read now: the user may have renamed themselves since the window opened.
    m_revisions->block(number, m_settings->displayName());
}

} // namespace Switchboard
