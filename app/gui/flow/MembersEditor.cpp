#include "MembersEditor.h"

#include "FieldError.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Switchboard {

MembersEditor::MembersEditor(QWidget *parent)
    : QWidget(parent)
    , m_list(new QTreeWidget(this))
    , m_error(FieldError::create(QStringLiteral("membersError"), this))
{
    m_list->setObjectName(QStringLiteral("membersList"));
    m_list->setAccessibleName(tr("Members"));
    m_list->setHeaderLabels({tr("Name"), tr("Number"), tr("Active")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                            QAbstractItemView::SelectedClicked);
    // Dropped between members, never onto one: the items take no drops, the list does.
    m_list->setDragDropMode(QAbstractItemView::InternalMove);
    m_list->setDefaultDropAction(Qt::MoveAction);
    m_list->setDropIndicatorShown(true);
    m_list->invisibleRootItem()->setFlags(Qt::ItemIsEnabled | Qt::ItemIsDropEnabled);
    m_list->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(NumberColumn, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(ActiveColumn, QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(false);

    auto *add = new QPushButton(tr("&Add Member"), this);
    add->setObjectName(QStringLiteral("addMemberButton"));
    auto *remove = new QPushButton(tr("&Remove"), this);
    remove->setObjectName(QStringLiteral("removeMemberButton"));
    auto *up = new QPushButton(tr("Move &Up"), this);
    up->setObjectName(QStringLiteral("moveMemberUpButton"));
    auto *down = new QPushButton(tr("Move &Down"), this);
    down->setObjectName(QStringLiteral("moveMemberDownButton"));
    m_remove = remove;
    m_up = up;
    m_down = down;
    connect(add, &QPushButton::clicked, this, &MembersEditor::addMember);
    connect(remove, &QPushButton::clicked, this, &MembersEditor::removeCurrent);
    connect(up, &QPushButton::clicked, this, [this] { moveCurrent(-1); });
    connect(down, &QPushButton::clicked, this, [this] { moveCurrent(1); });
    connect(m_list, &QTreeWidget::currentItemChanged, this, &MembersEditor::updateButtons);
    connect(m_list->model(), &QAbstractItemModel::rowsInserted, this,
            &MembersEditor::updateButtons);
    connect(m_list->model(), &QAbstractItemModel::rowsRemoved, this, &MembersEditor::updateButtons);

    auto *hint = new QLabel(tr("A sequential ring calls the active members in this order; drag "
                               "them or use the buttons to change it. Numbers are E.164, such "
                               "as +14155550100."),
                            this);
    hint->setWordWrap(true);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch(1);
    buttons->addWidget(up);
    buttons->addWidget(down);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_error);
    layout->addLayout(buttons);
    updateButtons();
}

QTreeWidgetItem *MembersEditor::newItem(const FlowMember &member) const
{
    auto *item = new QTreeWidgetItem;
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable |
                   Qt::ItemIsDragEnabled | Qt::ItemIsUserCheckable | Qt::ItemNeverHasChildren);
    item->setText(NameColumn, member.name);
    item->setText(NumberColumn, member.number);
    item->setCheckState(ActiveColumn, member.active ? Qt::Checked : Qt::Unchecked);
    return item;
}

void MembersEditor::setMembers(const QList<FlowMember> &members)
{
    m_list->clear();
    for (const FlowMember &member : members)
        m_list->addTopLevelItem(newItem(member));
    clearError();
    updateButtons();
}

QJsonArray MembersEditor::toJson() const
{
    QJsonArray members;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = m_list->topLevelItem(i);
        members.append(QJsonObject{
            {QStringLiteral("name"), item->text(NameColumn)},
            {QStringLiteral("number"), item->text(NumberColumn)},
            {QStringLiteral("active"), item->checkState(ActiveColumn) == Qt::Checked},
        });
    }
    return members;
}

void MembersEditor::addMember()
{
    QTreeWidgetItem *item = newItem({tr("New member"), QString(), true});
    m_list->addTopLevelItem(item);
    m_list->setCurrentItem(item, NameColumn);
    m_list->editItem(item, NameColumn);
}

void MembersEditor::removeCurrent()
{
    delete m_list->currentItem();
    updateButtons();
}

void MembersEditor::moveCurrent(int offset)
{
    QTreeWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    const int from = m_list->indexOfTopLevelItem(item);
    const int to = from + offset;
    if (to < 0 || to >= m_list->topLevelItemCount())
        return;
    m_list->takeTopLevelItem(from);
    m_list->insertTopLevelItem(to, item);
    m_list->setCurrentItem(item);
    updateButtons();
}

void MembersEditor::showError(const QString &path, const QString &problem)
{
    FieldError::show(m_error, problem);
    const int index = FieldError::indexAfter(path, QStringLiteral("members"));
    if (QTreeWidgetItem *item = m_list->topLevelItem(index)) {
        const int column =
            path.endsWith(QLatin1String(".number")) ? int(NumberColumn) : int(NameColumn);
        m_list->setCurrentItem(item, column);
        m_list->scrollToItem(item);
    }
    m_list->setFocus(Qt::OtherFocusReason);
}

void MembersEditor::clearError()
{
    FieldError::clear(m_error);
}

void MembersEditor::updateButtons()
{
    const int row = m_list->indexOfTopLevelItem(m_list->currentItem());
    m_remove->setEnabled(row >= 0);
    m_up->setEnabled(row > 0);
    m_down->setEnabled(row >= 0 && row + 1 < m_list->topLevelItemCount());
}

} // namespace Switchboard
