#include "MainWindow.h"

#include "backend/AppSettings.h"
#include "backend/CallLog.h"
#include "backend/CredentialStore.h"
#include "backend/DatabasePasswordStore.h"
#include "backend/VoicemailFetcher.h"
#include "CallBackController.h"
#include "common/PlainText.h"
#include "common/StatusBanner.h"
#include "core/CallExport.h"
#include "db/CallAnnotations.h"
#include "db/CallFeedQuery.h"
#include "db/DatabaseUrl.h"
#include "details/DetailsPane.h"
#include "feed/CallFeedModel.h"
#include "feed/CountersBar.h"
#include "feed/EmptyState.h"
#include "feed/FeedContextMenu.h"
#include "feed/FeedView.h"
#include "feed/FilterBar.h"
#include "flow/BlockCaller.h"
#include "flow/FlowEditor.h"
#include "player/VoicemailPlayer.h"
#include "Resources.h"
#include "settings/SettingsDialog.h"
#include "stats/StatisticsView.h"
#include "TrayNotifier.h"

#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSaveFile>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QVBoxLayout>

namespace Switchboard {

MainWindow::MainWindow(AppSettings *settings, CredentialStore *credentials, QWidget *parent)
    : QMainWindow(parent)
    , m_settings(settings)
    , m_credentials(credentials)
    , m_databasePasswords(new DatabasePasswordStore(this))
    , m_log(new CallLog(this))
    , m_model(new CallFeedModel(m_log, this))
    , m_fetcher(new VoicemailFetcher(settings, m_log, this))
{
    initResources();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Switchboard"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/switchboard.svg")));
    resize(1360, 820);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(16, 12, 16, 0);
    layout->setSpacing(12);

    m_banner = new StatusBanner(central);
    m_counters = new CountersBar(m_log, central);
    m_filterBar = new FilterBar(central);
    layout->addWidget(m_banner);
    layout->addWidget(m_counters);
    layout->addWidget(m_filterBar);

    m_splitter = new QSplitter(Qt::Horizontal, central);
    m_splitter->setChildrenCollapsible(false);
    m_stack = new QStackedWidget(m_splitter);
    m_view = new FeedView(m_stack);
    m_view->setModel(m_model);
    m_empty = new EmptyState(m_stack);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_empty);
    m_details = new DetailsPane(m_log, m_splitter);
    m_splitter->addWidget(m_stack);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({980, 380});
    layout->addWidget(m_splitter, 1);
    setCentralWidget(central);
    setUpColumns();

    m_location = new QLabel(this);
    m_location->setTextFormat(Qt::PlainText);
    statusBar()->addWidget(m_location, 1);
    statusBar()->setSizeGripEnabled(false);

    // Calm, legible rows: no grid, a soft selection, room to breathe.
    m_view->setStyleSheet(QStringLiteral(
        "QTableView { background: palette(base); selection-background-color: #dce7fb;"
        " selection-color: palette(text); }"
        "QTableView::item { padding: 0 6px; border-bottom: 1px solid rgba(0,0,0,0.06); }"
        "QHeaderView::section { padding: 6px; border: none;"
        " border-bottom: 1px solid rgba(0,0,0,0.12); background: palette(base);"
        " color: rgba(0,0,0,0.6); }"));

    m_callBack = new CallBackController(m_settings, m_credentials, this);
    m_details->addActionBar(m_callBack->detailsBar());
    m_view->addAction(m_callBack->action()); // its shortcut, with the focus in the feed
    connect(m_callBack, &CallBackController::statusMessage, this,
            [this](const QString &text) { statusBar()->showMessage(text, 8000); });

    createMenus();
    createShortcuts();

    // Who this desktop's user is in the shared log, and the tags the team uses.
    const auto applyViewer = [this] {
        const QString name = m_settings->displayName();
        m_model->setViewer(name);
        m_details->setViewer(name);
        m_counters->setViewer(name);
    };
    applyViewer();
    connect(m_settings, &AppSettings::displayNameChanged, this, applyViewer);
    connect(m_model, &CallFeedModel::updated, this, [this] {
        const auto tags = m_log->annotations() ? m_log->annotations()->tagsInUse() : std::nullopt;
        if (tags) {
            m_filterBar->setTagsInUse(*tags);
            m_details->setTagsInUse(*tags);
        }
    });
    connect(m_filterBar, &FilterBar::filterChanged, m_model, &CallFeedModel::setFilter);
    connect(m_counters, &CountersBar::unheardClicked, this,
            [this] { m_filterBar->setUnheardOnly(true); });
    connect(m_empty, &EmptyState::clearFiltersRequested, m_filterBar, &FilterBar::clear);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::onCurrentChanged);
    connect(m_view, &QTableView::doubleClicked, this, &MainWindow::showDetails);
    connect(m_model, &CallFeedModel::updated, this, &MainWindow::onModelUpdated);
    connect(m_model, &QAbstractItemModel::modelReset, this, &MainWindow::onCurrentChanged);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateEmptyState);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateEmptyState);

    connect(m_log, &CallLog::availabilityChanged, this, [this](bool available) {
        updateLocation();
        if (available) {
            m_keyringProblem.clear(); // the log opened: the keychain's answer was enough
            m_banner->hide();
            return;
        }
        m_banner->showError(m_keyringProblem.isEmpty()
                                ? m_log->errorMessage()
                                : m_log->errorMessage() + QLatin1Char(' ') + m_keyringProblem,
                            qMax(1, m_log->retryInterval() / 1000));
    });
    connect(m_banner, &StatusBanner::retryRequested, m_log, &CallLog::retryNow);

    connect(m_details, &DetailsPane::fetchRequested, this, &MainWindow::fetchVoicemail);
    connect(m_credentials, &CredentialStore::loaded, this,
            [this](const TwilioCredentials &credentials) {
                if (m_pendingFetchSid.isEmpty())
                    return;
                const QString callSid = std::exchange(m_pendingFetchSid, QString());
                if (!credentials.isComplete()) {
                    m_details->setFetching(
                        callSid, false,
                        tr("Add your Twilio credentials in Settings to fetch recordings."));
                    return;
                }
                m_fetcher->fetch(callSid, m_pendingFetchUrl, credentials);
            });
    connect(m_credentials, &CredentialStore::failed, this, [this](const QString &message) {
        if (!m_pendingFetchSid.isEmpty())
            m_details->setFetching(std::exchange(m_pendingFetchSid, QString()), false, message);
    });
    connect(m_fetcher, &VoicemailFetcher::fetched, this, [this](const QString &callSid) {
        m_details->setFetching(callSid, false);
        m_log->notifyLocalWrite();
    });
    connect(m_fetcher, &VoicemailFetcher::failed, this,
            [this](const QString &callSid, const QString &message) {
                m_details->setFetching(callSid, false, message);
            });

    auto *blockCaller = new BlockCaller(m_log, m_settings, this);
    auto *contextMenu = new FeedContextMenu(m_view, m_model);
    contextMenu->addCallAction(m_callBack->action());
    connect(contextMenu, &FeedContextMenu::blockRequested, blockCaller,
            &BlockCaller::confirmAndBlock);
    connect(blockCaller, &BlockCaller::finished, this,
            [this](const QString &message) { statusBar()->showMessage(message, 8000); });

    connect(m_settings, &AppSettings::databaseUrlChanged, this, &MainWindow::openDatabase);
    // Only the answer about the connection openDatabase() last asked for counts: the URL may
    // have changed again meanwhile.
    connect(m_databasePasswords, &DatabasePasswordStore::loaded, this,
            [this](const QString &connection, const QString &password) {
                if (m_passwordConnection.isEmpty() || connection != m_passwordConnection)
                    return;
                m_passwordConnection.clear();
                openLog(m_settings->databaseUrl(), password, {});
            });
    connect(m_databasePasswords, &DatabasePasswordStore::failed, this,
            [this](const QString &connection, const QString &message) {
                if (m_passwordConnection.isEmpty() || connection != m_passwordConnection)
                    return;
                m_passwordConnection.clear();
                openLog(m_settings->databaseUrl(), {}, message); // ~/.pgpass may still do
            });

    m_tray = new TrayNotifier(m_settings, this);
    connect(m_model, &CallFeedModel::callsChanged, m_tray, &TrayNotifier::callsChanged);
    connect(m_tray, &TrayNotifier::showWindowRequested, this, [this](const QString &callSid) {
        showNormal();
        raise();
        activateWindow();
        if (!callSid.isEmpty())
            openCall(callSid);
    });

    // The keyboard starts in the feed: the arrows, Space and Enter work at once.
    m_view->setFocus(Qt::OtherFocusReason);
    restoreGeometry(m_settings->windowState(QStringLiteral("geometry")));
    m_splitter->restoreState(m_settings->windowState(QStringLiteral("splitter")));
}

MainWindow::~MainWindow() = default;

void MainWindow::setUpColumns()
{
    QHeaderView *header = m_view->horizontalHeader();
    const QFontMetrics metrics = m_view->fontMetrics();
    const auto width = [&metrics](const QString &sample) {
        return metrics.horizontalAdvance(sample) + 28;
    };
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->resizeSection(CallFeedModel::TimeColumn, width(QStringLiteral("Yesterday 00:00")) - 10);
    header->resizeSection(
        CallFeedModel::CallerColumn,
        width(QStringLiteral("Margaret Hamilton · +1 415 555 0100 · San Francisco")));
    header->resizeSection(CallFeedModel::OutcomeColumn, width(QStringLiteral("Abandoned")) + 24);
    header->resizeSection(CallFeedModel::StatusColumn, width(QStringLiteral("In progress")) - 8);
    header->resizeSection(CallFeedModel::ForwardedToColumn,
                          width(QStringLiteral("+1 503 555 0142")));
    header->resizeSection(CallFeedModel::DurationColumn, width(QStringLiteral("Duration")));
    header->resizeSection(CallFeedModel::TalkTimeColumn, width(QStringLiteral("Talk time")));
    header->resizeSection(CallFeedModel::VoicemailColumn, width(QStringLiteral("0:00 · fetching")));
    header->resizeSection(CallFeedModel::HandledColumn, width(QStringLiteral("✓ Alice · urgent")));
    header->setSectionResizeMode(CallFeedModel::CallerColumn, QHeaderView::Stretch);
    header->setStretchLastSection(false);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *exportAction =
        file->addAction(tr("&Export Feed as CSV…"), this, &MainWindow::exportInteractively);
    exportAction->setObjectName(QStringLiteral("exportCsvAction"));
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    QAction *callFlow = file->addAction(tr("Call &Flow…"), this, [this] {
        FlowEditor::showFor(this, m_log->connection(), m_settings->displayName());
    });
    callFlow->setObjectName(QStringLiteral("callFlowAction"));
    file->addSeparator();
    QAction *settings = file->addAction(tr("&Settings…"), this, &MainWindow::openSettings);
    settings->setObjectName(QStringLiteral("settingsAction"));
    settings->setShortcut(QKeySequence::Preferences);
    settings->setMenuRole(QAction::PreferencesRole);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    m_detailsAction = view->addAction(tr("&Details Pane"));
    m_detailsAction->setObjectName(QStringLiteral("detailsPaneAction"));
    m_detailsAction->setCheckable(true);
    m_detailsAction->setChecked(true);
    m_detailsAction->setShortcut(QKeySequence(Qt::Key_F9));
    connect(m_detailsAction, &QAction::toggled, this, [this](bool shown) {
        m_detailsShownByKeyboard = false;
        m_details->setVisible(shown);
    });
    QAction *search = view->addAction(tr("S&earch…"), m_filterBar, &FilterBar::focusSearch);
    search->setObjectName(QStringLiteral("searchAction"));
    search->setShortcut(QKeySequence::Find);
    QAction *unheard = view->addAction(tr("&Unheard Voicemails"), this,
                                       [this] { m_filterBar->setUnheardOnly(true); });
    unheard->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_U));
    view->addAction(tr("&Clear Filters"), m_filterBar, &FilterBar::clear);
    view->addSeparator();
    QAction *statistics = view->addAction(tr("&Statistics"), this, [this] {
        auto *window = findChild<StatisticsView *>();
        if (!window) {
            window = new StatisticsView(m_log, this);
            window->setWindowFlag(Qt::Window);
        }
        window->show();
        window->raise();
        window->activateWindow();
    });
    statistics->setObjectName(QStringLiteral("statisticsAction"));
    statistics->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));

    // The keyboard's ways through the feed, each with its key shown: Space and Enter only act
    // with the focus in the feed or the player, so that buttons and text fields keep them.
    QMenu *call = menuBar()->addMenu(tr("&Call"));
    QAction *open = call->addAction(tr("&Open Details"), this, &MainWindow::showDetails);
    open->setObjectName(QStringLiteral("openDetailsAction"));
    open->setShortcuts({QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)});
    open->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_view->addAction(open);
    QAction *play =
        call->addAction(tr("&Play / Pause Voicemail"), m_details, &DetailsPane::togglePlayback);
    play->setObjectName(QStringLiteral("playAction"));
    play->setShortcut(QKeySequence(Qt::Key_Space));
    play->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_view->addAction(play);
    m_details->player()->addAction(play);
    call->addSeparator();
    call->addAction(m_details->heardAction());
    call->addAction(m_details->doneAction());
    call->addAction(m_callBack->action());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *keys = help->addAction(tr("&Keyboard Shortcuts"), this, [this] {
        QMessageBox::information(
            this, tr("Keyboard shortcuts"),
            tr("<table cellspacing=6>"
               "<tr><td><b>Up, Down</b></td><td>Move through the feed</td></tr>"
               "<tr><td><b>Space</b></td><td>Play or pause the selected voicemail</td></tr>"
               "<tr><td><b>Enter</b></td><td>Open the selected call's details</td></tr>"
               "<tr><td><b>Escape</b></td><td>Back to the feed</td></tr>"
               "<tr><td><b>Ctrl+F</b></td><td>Search by number or name</td></tr>"
               "<tr><td><b>Ctrl+U</b></td><td>Show the voicemails you have not heard</td></tr>"
               "<tr><td><b>Ctrl+H</b></td><td>Mark the voicemail heard or unheard</td></tr>"
               "<tr><td><b>Ctrl+D</b></td><td>Mark the call done, or open again</td></tr>"
               "<tr><td><b>Ctrl+B</b></td><td>Call the caller back</td></tr>"
               "<tr><td><b>Ctrl+E</b></td><td>Export the feed as CSV</td></tr>"
               "<tr><td><b>Ctrl+T</b></td><td>Open the statistics</td></tr>"
               "<tr><td><b>F9</b></td><td>Show or hide the details pane</td></tr></table>"));
    });
    keys->setObjectName(QStringLiteral("keyboardShortcutsAction"));
    keys->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&About Switchboard"), this, [this] {
        QMessageBox::about(
            this, tr("About Switchboard"),
            tr("<h3>Switchboard %1</h3><p>The live call feed of your Twilio number.</p>"
               "<p>Licensed under the GNU GPL, version 3 or later.</p>")
                .arg(QStringLiteral(SWITCHBOARD_VERSION)));
    });
}

void MainWindow::createShortcuts()
{
    auto *back = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    connect(back, &QShortcut::activated, this, &MainWindow::leaveDetails);
}

void MainWindow::openDatabase()
{
    const QString url = m_settings->databaseUrl();
    const auto parsed = DatabaseUrl::parse(url, nullptr);
    m_passwordConnection.clear();
    // The URL's own password wins; SQLite needs none.
    if (!parsed || parsed->engine != DatabaseUrl::Engine::Postgres || !parsed->password.isEmpty()) {
        openLog(url, {}, {});
        return;
    }
    m_passwordConnection = DatabasePasswordStore::connectionOf(url);
    m_databasePasswords->load(m_passwordConnection);
}

void MainWindow::openLog(const QString &url, const QString &password, const QString &keyringProblem)
{
    // Returns at once: the feed fills, or the banner says why not, when the attempt ends.
    m_log->open(url, password);
    m_keyringProblem = keyringProblem;
    m_selectNewest = true;
    m_banner->hide();
    updateLocation();
    m_model->reload(); // the feed of the log shown before goes
}

void MainWindow::updateLocation()
{
    m_location->setText(m_log->isConnecting()
                            ? tr("Call log: %1 — connecting…").arg(m_log->displayUrl())
                            : tr("Call log: %1").arg(m_log->displayUrl()));
}

bool MainWindow::isShowingEmptyState() const
{
    return m_stack->currentWidget() == m_empty;
}

void MainWindow::updateEmptyState()
{
    const bool empty = m_model->hasLoaded() && m_model->rowCount() == 0;
    if (empty) {
        m_empty->show(m_model->filter().isEmpty() ? EmptyState::Reason::NoCalls
                                                  : EmptyState::Reason::NothingMatches,
                      m_log->displayUrl());
        m_stack->setCurrentWidget(m_empty);
    } else {
        m_stack->setCurrentWidget(m_view);
    }
}

void MainWindow::onModelUpdated()
{
    updateEmptyState();
    // The newest call of a log just opened is selected: its details are on screen.
    if (m_selectNewest && m_model->hasLoaded()) {
        m_selectNewest = false;
        if (m_model->rowCount() > 0)
            m_view->selectRow(0);
    }
    // The selected call may have changed in the log: show its new state.
    const auto call = m_model->callFromIndex(m_view->currentIndex());
    if (call && m_details->call() && call->callSid == m_details->call()->callSid) {
        m_details->setCall(call);
        m_callBack->setCall(call);
    }
}

void MainWindow::onCurrentChanged()
{
    m_details->setCall(m_model->callFromIndex(m_view->currentIndex()));
    m_callBack->setCall(m_details->call());
}

bool MainWindow::selectCall(const QString &callSid)
{
    const QModelIndex index = m_model->indexOfCall(callSid);
    if (!index.isValid())
        return false;
    m_view->setCurrentIndex(index);
    m_view->scrollTo(index);
    return true;
}

void MainWindow::openCall(const QString &callSid)
{
    if (!selectCall(callSid)) {
        m_filterBar->clear();
        if (!selectCall(callSid))
            return; // older than the feed loaded, or gone from the log
    }
    showDetails();
}

void MainWindow::showDetails()
{
    if (!m_details->call())
        return;
    if (!m_details->isVisible()) {
        m_details->show();
        m_detailsAction->setChecked(true);
        m_detailsShownByKeyboard = true;
    }
    m_details->focusDetails();
}

void MainWindow::leaveDetails()
{
    const bool inDetails = m_details->isAncestorOf(QApplication::focusWidget());
    if (inDetails && m_detailsShownByKeyboard) {
        m_details->hide();
        m_detailsAction->setChecked(false);
    }
    m_view->setFocus(Qt::ShortcutFocusReason);
}

bool MainWindow::exportCsv(const QString &fileName, QString *error)
{
    CallFeedQuery *query = m_log->feedQuery();
    if (!query) {
        if (error)
            *error = m_log->errorMessage();
        return false;
    }
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    CallExport exporter(&file, CallExport::Format::Csv);
    exporter.begin();
    const bool read = query->forEach(m_model->filter(), [&exporter](const CallRecord &call) {
        exporter.write(call);
        return true;
    });
    exporter.end();
    if (!read) {
        if (error)
            *error = query->lastError();
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

void MainWindow::exportInteractively()
{
    const QString suggested =
        QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) +
        QStringLiteral("/calls-%1.csv").arg(QDate::currentDate().toString(Qt::ISODate));
    const QString fileName = QFileDialog::getSaveFileName(this, tr("Export feed as CSV"), suggested,
                                                          tr("CSV files (*.csv)"));
    if (fileName.isEmpty())
        return;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    QString error;
    const bool ok = exportCsv(fileName, &error);
    QApplication::restoreOverrideCursor();
    if (!ok)
        PlainText::warn(this, tr("Export"), tr("Could not export the feed: %1").arg(error));
    else
        statusBar()->showMessage(tr("Exported to %1").arg(fileName), 5000);
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(m_settings, m_credentials, this);
    connect(&dialog, &SettingsDialog::databasePasswordChanged, this, &MainWindow::openDatabase);
    dialog.exec();
}

void MainWindow::fetchVoicemail(const QString &callSid, const QString &recordingUrl)
{
    if (m_fetcher->isFetching(callSid))
        return;
    m_pendingFetchSid = callSid;
    m_pendingFetchUrl = recordingUrl;
    m_details->setFetching(callSid, true);
    m_credentials->load(); // answers with loaded() or failed(), then the fetch goes on
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_settings->setWindowState(QStringLiteral("geometry"), saveGeometry());
    m_settings->setWindowState(QStringLiteral("splitter"), m_splitter->saveState());
    QMainWindow::closeEvent(event);
}

} // namespace Switchboard
