#pragma once

#include <QList>
#include <QObject>

class QAction;
class QMenu;
class QModelIndex;
class QPoint;

namespace Switchboard {

class CallFeedModel;
class FeedView;

// The feed's context menu (right click, or the Menu key, on a call): what can be done with
// that call from the feed itself.
class FeedContextMenu final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FeedContextMenu)

public:
    FeedContextMenu(FeedView *view, CallFeedModel *model);

    // Listed first in every call's menu (Call back): the action itself knows the current call.
    void addCallAction(QAction *action);

    // The menu for the call at `index`, owned by the caller; null when no call is there.
    QMenu *menuFor(const QModelIndex &index);

Q_SIGNALS:
    // "Block this number": `number` is the caller's, an E.164 number.
    void blockRequested(const QString &number);

private:
    void showAt(const QPoint &position);

    FeedView *m_view;
    CallFeedModel *m_model;
    QList<QAction *> m_callActions;
};

} // namespace Switchboard
