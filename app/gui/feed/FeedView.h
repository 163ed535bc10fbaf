#pragma once

#include <QTableView>

namespace Switchboard {

// The feed's table. New calls arrive at the top: when the user has scrolled down to read
// older calls, the view moves with the rows so that what they read stays in place; at the
// top it stays at the top, so the new call is seen.
class FeedView final : public QTableView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FeedView)

public:
    explicit FeedView(QWidget *parent = nullptr);

protected:
    void rowsInserted(const QModelIndex &parent, int start, int end) override;
    void rowsAboutToBeRemoved(const QModelIndex &parent, int start, int end) override;
};

} // namespace Switchboard
