#pragma once

#include <QStyledItemDelegate>

namespace Switchboard {

// Draws the caller as the feed reads best: the name (or number) in the text colour, then the
// number and place, muted, on the same line.
class CallerDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CallerDelegate)

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace Switchboard
