#include "FeedView.h"

#include "CallerDelegate.h"
#include "CallFeedModel.h"

#include <QHeaderView>
#include <QScrollBar>

namespace Switchboard {

FeedView::FeedView(QWidget *parent)
    : QTableView(parent)
{
    setObjectName(QStringLiteral("feedView"));
    setAccessibleName(tr("Calls"));
    setSelectionBehavior(SelectRows);
    setSelectionMode(SingleSelection);
    setShowGrid(false);
    setAlternatingRowColors(false);
    setWordWrap(false);
    setTextElideMode(Qt::ElideRight);
    setSortingEnabled(false); // the order is the log's: newest first
    setEditTriggers(NoEditTriggers);
    setVerticalScrollMode(ScrollPerPixel);
    setHorizontalScrollMode(ScrollPerPixel);
    setIconSize(QSize(18, 18));
    setFrameShape(QFrame::NoFrame);
    verticalHeader()->hide();
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 18);
    horizontalHeader()->setHighlightSections(false);
    horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    horizontalHeader()->setMinimumSectionSize(60);
    setItemDelegateForColumn(CallFeedModel::CallerColumn, new CallerDelegate(this));
}

void FeedView::rowsInserted(const QModelIndex &parent, int start, int end)
{
    QScrollBar *bar = verticalScrollBar();
    const int value = bar->value();
    const int firstVisible = rowAt(0);
    QTableView::rowsInserted(parent, start, end);
    if (value > 0 && firstVisible >= 0 && start <= firstVisible) {
        updateGeometries();
        bar->setValue(value + (end - start + 1) * verticalHeader()->defaultSectionSize());
    }
}

void FeedView::rowsAboutToBeRemoved(const QModelIndex &parent, int start, int end)
{
    QScrollBar *bar = verticalScrollBar();
    const int value = bar->value();
    const int firstVisible = rowAt(0);
    QTableView::rowsAboutToBeRemoved(parent, start, end);
    if (value > 0 && firstVisible >= 0 && end < firstVisible)
        bar->setValue(qMax(0, value - (end - start + 1) * verticalHeader()->defaultSectionSize()));
}

} // namespace Switchboard
