#pragma once

#include "core/FlowDefinition.h"

#include <QJsonArray>
#include <QWidget>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace Switchboard {

// The call flow's members as a list: add, remove, reorder (drag, or the Up and Down buttons),
// edit the name and number in place, tick who is active. The order is the sequential ring's.
class MembersEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MembersEditor)

public:
    enum Column
    {
        NameColumn,
        NumberColumn,
        ActiveColumn,
    };

    explicit MembersEditor(QWidget *parent = nullptr);

    void setMembers(const QList<FlowMember> &members);
    // As the flow's JSON lists them, unchecked: the flow's own reading checks them.
    QJsonArray toJson() const;

    void addMember();
    void removeCurrent();
    void moveCurrent(int offset);

    // `problem` is about `path` ("members", "members[2].number"): shown under the list, with
    // that member selected.
    void showError(const QString &path, const QString &problem);
    void clearError();

    QTreeWidget *list() const { return m_list; }

private:
    QTreeWidgetItem *newItem(const FlowMember &member) const;
    void updateButtons();

    QTreeWidget *m_list;
    QLabel *m_error;
    QWidget *m_remove;
    QWidget *m_up;
    QWidget *m_down;
};

} // namespace Switchboard
