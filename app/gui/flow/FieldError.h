#pragma once

#include <QString>

class QLabel;
class QWidget;

namespace Switchboard::FieldError {

// A label that shows, next to a field, why the call flow was refused. It shows the problem as
// plain text: the problem quotes what was typed.
QLabel *create(const QString &objectName, QWidget *parent);
void show(QLabel *label, const QString &problem);
void clear(QLabel *label);

// "members[1].number: ..." -> "members[1].number"; "" when the problem names no field.
QString pathOf(const QString &problem);
// "hours.weekly.mon[1][0]" -> "hours"; "members[1].number" -> "members".
QString topKeyOf(const QString &path);
// The index after `prefix` in `path`: "members[3].name", "members" -> 3; -1 when none.
int indexAfter(const QString &path, const QString &prefix);

} // namespace Switchboard::FieldError
