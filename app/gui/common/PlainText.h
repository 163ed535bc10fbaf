#pragma once

#include <QString>

class QWidget;

namespace Switchboard::PlainText {

// Text from the call log (names, numbers, places, SIDs, error texts) is the caller's: it must
// show as written and never be read as markup, which could load images or files.

// A tooltip that shows `text` literally: Qt renders a tooltip as rich text whenever it looks
// like markup, so it is escaped and wrapped as rich text that says what `text` says.
QString toolTip(const QString &text);

// A warning box whose message is shown as plain text.
void warn(QWidget *parent, const QString &title, const QString &text);

} // namespace Switchboard::PlainText
