#include "LatestVoicemail.h"

#include "feed/CallFeedModel.h"
#include "feed/FeedView.h"
#include "MainWindow.h"

#include <memory>

namespace Switchboard {
namespace {

bool trySelect(MainWindow *window)
{
    CallFeedModel *model = window->model();
    // The feed is newest first: the first voicemail is the latest.
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->callAt(row).voicemail) {
            const QModelIndex index = model->index(row, 0);
            window->view()->setCurrentIndex(index);
            window->view()->scrollTo(index);
            return true;
        }
    }
    return false;
}

} // namespace

void selectLatestVoicemail(MainWindow *window)
{
    if (trySelect(window))
        return;
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection =
        QObject::connect(window->model(), &CallFeedModel::updated, window, [window, connection] {
            if (trySelect(window))
                QObject::disconnect(*connection);
        });
}

} // namespace Switchboard
