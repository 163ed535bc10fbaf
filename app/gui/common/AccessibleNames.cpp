#include "AccessibleNames.h"

#include <QAbstractItemView>
#include <QAction>
#include <QComboBox>
#include <QCoreApplication>
#include <QLineEdit>

namespace Switchboard::AccessibleNames {

void nameComboBox(QComboBox *box, const QString &name)
{
    box->setAccessibleName(name);
    box->view()->setAccessibleName(name);
    if (QLineEdit *edit = box->lineEdit())
        edit->setAccessibleName(name);
}

void enableClearButton(QLineEdit *edit)
{
    edit->setClearButtonEnabled(true);
    // The button takes its name (and tool tip) from the action Qt made for it.
    if (auto *clear = edit->findChild<QAction *>(QStringLiteral("_q_qlineeditclearaction")))
        clear->setText(QCoreApplication::translate("Switchboard::AccessibleNames", "Clear"));
}

} // namespace Switchboard::AccessibleNames
