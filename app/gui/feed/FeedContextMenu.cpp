#include "FeedContextMenu.h"

#include "CallFeedModel.h"
#include "FeedView.h"
#include "twilio/Identifiers.h"

#include <memory>
#include <QMenu>

namespace Switchboard {

FeedContextMenu::FeedContextMenu(FeedView *view, CallFeedModel *model)
    : QObject(view)
    , m_view(view)
    , m_model(model)
{
    setObjectName(QStringLiteral("feedContextMenu"));
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, &FeedContextMenu::showAt);
}

void FeedContextMenu::addCallAction(QAction *action)
{
    m_callActions.append(action);
}

QMenu *FeedContextMenu::menuFor(const QModelIndex &index)
{
    const auto call = m_model->callFromIndex(index);
    if (!call)
        return nullptr;
    auto *menu = new QMenu(m_view);
    if (!m_callActions.isEmpty()) {
        menu->addActions(m_callActions);
        menu->addSeparator();
    }
    QAction *block = menu->addAction(tr("&Block This Number…"));
    block->setObjectName(QStringLiteral("blockNumberAction"));
    // Withheld and malformed numbers cannot be blocked: the flow's blocklist holds E.164 only.
    const QString number = call->from;
    block->setEnabled(isE164(number));
    // Once the menu has closed: the confirmation is a dialog of its own.
    connect(block, &QAction::triggered, this, [this, number] {
        QMetaObject::invokeMethod(
            this, [this, number] { Q_EMIT blockRequested(number); }, Qt::QueuedConnection);
    });
    return menu;
}

void FeedContextMenu::showAt(const QPoint &position)
{
    const QModelIndex index = m_view->indexAt(position);
    if (!index.isValid())
        return;
    m_view->setCurrentIndex(index);
    std::unique_ptr<QMenu> menu(menuFor(index));
    if (menu)
        menu->exec(m_view->viewport()->mapToGlobal(position));
}

} // namespace Switchboard
