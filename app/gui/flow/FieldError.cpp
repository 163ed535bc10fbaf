#include "FieldError.h"

#include <QLabel>
#include <QRegularExpression>

namespace Switchboard::FieldError {

QLabel *create(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setStyleSheet(QStringLiteral("color: #b3261e;"));
    label->hide();
    return label;
}

void show(QLabel *label, const QString &problem)
{
    label->setText(problem);
    label->setAccessibleDescription(problem);
    label->show();
}

void clear(QLabel *label)
{
    label->clear();
    label->hide();
}

QString pathOf(const QString &problem)
{
    // Paths are keys, dots and indexes; "the flow: ..." names the whole document.
    static const QRegularExpression path(QStringLiteral(R"(^([a-z_]+(?:\.[a-z_]+|\[\d+\])*): )"));
    const QRegularExpressionMatch match = path.match(problem);
    return match.hasMatch() ? match.captured(1) : QString();
}

QString topKeyOf(const QString &path)
{
    static const QRegularExpression separator(QStringLiteral(R"([.\[])"));
    return path.section(separator, 0, 0);
}

int indexAfter(const QString &path, const QString &prefix)
{
    if (!path.startsWith(prefix + QLatin1Char('[')))
        return -1;
    const qsizetype close = path.indexOf(QLatin1Char(']'), prefix.size());
    bool ok = false;
    const int index = path.mid(prefix.size() + 1, close - prefix.size() - 1).toInt(&ok);
    return ok ? index : -1;
}

} // namespace Switchboard::FieldError
