#include "CallerDelegate.h"

#include "CallFeedModel.h"

#include <QApplication>
#include <QPainter>

namespace Switchboard {
namespace {

constexpr int kPadding = 6;
constexpr int kGap = 10;

} // namespace

void CallerDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                           const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString primary = opt.text;
    const QString secondary = index.data(CallFeedModel::SecondaryTextRole).toString();
    opt.text.clear();
    QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette::ColorGroup group =
        opt.state & QStyle::State_Active ? QPalette::Active : QPalette::Inactive;
    QRect rect = opt.rect.adjusted(kPadding, 0, -kPadding, 0);
    painter->save();
    painter->setFont(opt.font);
    painter->setPen(
        opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text));
    const QFontMetrics metrics(opt.font);
    const QString first = metrics.elidedText(primary, Qt::ElideRight, rect.width());
    painter->drawText(rect, Qt::AlignLeft | Qt::AlignVCenter, first);
    const int used = metrics.horizontalAdvance(first) + kGap;
    if (!secondary.isEmpty() && used < rect.width()) {
        QFont muted = option.font;
        muted.setBold(false);
        painter->setFont(muted);
        QColor color =
            opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text);
        color.setAlphaF(0.55);
        painter->setPen(color);
        rect.setLeft(rect.left() + used);
        painter->drawText(rect, Qt::AlignLeft | Qt::AlignVCenter,
                          QFontMetrics(muted).elidedText(secondary, Qt::ElideRight, rect.width()));
    }
    painter->restore();
}

QSize CallerDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    const QString secondary = index.data(CallFeedModel::SecondaryTextRole).toString();
    if (!secondary.isEmpty())
        size.rwidth() += kGap + option.fontMetrics.horizontalAdvance(secondary);
    return size;
}

} // namespace Switchboard
