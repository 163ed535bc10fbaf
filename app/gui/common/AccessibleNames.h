#pragma once

#include <QString>

class QComboBox;
class QLineEdit;

namespace Switchboard::AccessibleNames {

// Names a combo box for screen readers, with the list it pops up and, when it is editable,
// its line edit: Qt leaves those two nameless.
void nameComboBox(QComboBox *box, const QString &name);

// Gives a line edit its clear button, named for screen readers (Qt's has an icon only).
void enableClearButton(QLineEdit *edit);

} // namespace Switchboard::AccessibleNames
