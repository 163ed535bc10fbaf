#include "BlocklistEditor.h"

#include "FieldError.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace Switchboard {

BlocklistEditor::BlocklistEditor(QWidget *parent)
    : QWidget(parent)
    , m_list(new QListWidget(this))
    , m_newNumber(new QLineEdit(this))
    , m_error(FieldError::create(QStringLiteral("blockedError"), this))
{
    m_list->setObjectName(QStringLiteral("blockedList"));
    m_list->setAccessibleName(tr("Blocked numbers"));
    m_newNumber->setObjectName(QStringLiteral("newBlockedNumber"));
    m_newNumber->setAccessibleName(tr("Number to block"));
    m_newNumber->setPlaceholderText(tr("+14155550100"));
    auto *add = new QPushButton(tr("&Block"), this);
    add->setObjectName(QStringLiteral("addBlockedButton"));
    auto *remove = new QPushButton(tr("&Unblock"), this);
    remove->setObjectName(QStringLiteral("removeBlockedButton"));
    const auto addTyped = [this] {
        if (m_newNumber->text().trimmed().isEmpty())
            return;
        addNumber(m_newNumber->text().trimmed());
        m_newNumber->clear();
    };
    connect(add, &QPushButton::clicked, this, addTyped);
    connect(m_newNumber, &QLineEdit::returnPressed, this, addTyped);
    connect(remove, &QPushButton::clicked, this, [this] { delete m_list->currentItem(); });

    auto *hint = new QLabel(tr("Callers from these numbers hear a busy signal; their calls are "
                               "still logged."),
                            this);
    hint->setWordWrap(true);
    auto *row = new QHBoxLayout;
    row->addWidget(m_newNumber, 1);
    row->addWidget(add);
    row->addWidget(remove);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_error);
    layout->addLayout(row);
}

void BlocklistEditor::setNumbers(const QStringList &numbers)
{
    m_list->clear();
    for (const QString &number : numbers)
        addNumber(number);
    m_list->setCurrentRow(-1);
    clearError();
}

void BlocklistEditor::addNumber(const QString &number)
{
    auto *item = new QListWidgetItem(number, m_list);
    item->setFlags(item->flags() | Qt::ItemIsEditable);
    m_list->setCurrentItem(item);
}

QJsonArray BlocklistEditor::toJson() const
{
    QJsonArray numbers;
    for (int i = 0; i < m_list->count(); ++i)
        numbers.append(m_list->item(i)->text());
    return numbers;
}

void BlocklistEditor::showError(const QString &path, const QString &problem)
{
    FieldError::show(m_error, problem);
    const int index = FieldError::indexAfter(path, QStringLiteral("blocked"));
    if (index >= 0 && index < m_list->count())
        m_list->setCurrentRow(index);
    m_list->setFocus(Qt::OtherFocusReason);
}

void BlocklistEditor::clearError()
{
    FieldError::clear(m_error);
}

} // namespace Switchboard
