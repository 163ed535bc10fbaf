#pragma once

#include <optional>
#include <QMainWindow>

class QAction;
class QLabel;
class QSplitter;
class QStackedWidget;

namespace Switchboard {

class AppSettings;
class CallBackController;
class CallFeedModel;
class CallLog;
class CountersBar;
class CredentialStore;
class DatabasePasswordStore;
class DetailsPane;
class EmptyState;
class FeedView;
class FilterBar;
class StatusBanner;
class TrayNotifier;
class VoicemailFetcher;

// The activity feed staff keep open all day: counters and filters on top, the live feed,
// the selected call's details on the right.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    MainWindow(AppSettings *settings, CredentialStore *credentials, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens the call log the settings name (the command line's, when given), and returns at
    // once: a PostgreSQL URL without a password of its own first has the keychain read for
    // one, and the connect runs on a thread of its own, so the log opens a moment later. The
    // status bar says that it is connecting meanwhile.
    void openDatabase();

    // Writes the calls the feed's filter selects, all of them (not only those loaded), as CSV.
    bool exportCsv(const QString &fileName, QString *error = nullptr);

    CallLog *callLog() const { return m_log; }
    CallFeedModel *model() const { return m_model; }
    FeedView *view() const { return m_view; }
    FilterBar *filterBar() const { return m_filterBar; }
    CountersBar *countersBar() const { return m_counters; }
    DetailsPane *detailsPane() const { return m_details; }
    CallBackController *callBack() const { return m_callBack; }
    TrayNotifier *trayNotifier() const { return m_tray; }
    StatusBanner *banner() const { return m_banner; }
    EmptyState *emptyState() const { return m_empty; }
    bool isShowingEmptyState() const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void createShortcuts();
    void setUpColumns();
    void onCurrentChanged();
    void onModelUpdated();
    void updateEmptyState();
    // Enter: the selected call's details get the keyboard, the pane shown if it was hidden.
    // Escape: back to the feed, the pane hidden again if Enter showed it.
    void showDetails();
    void leaveDetails();
    void exportInteractively();
    void openSettings();
    void openLog(const QString &url, const QString &password, const QString &keyringProblem);
    void updateLocation();
    void fetchVoicemail(const QString &callSid, const QString &recordingUrl);
    bool selectCall(const QString &callSid);
    // A notification's call: selected (the filters cleared when they hide it), its details open.
    void openCall(const QString &callSid);

    AppSettings *m_settings;
    CredentialStore *m_credentials;
    DatabasePasswordStore *m_databasePasswords;
    QString m_passwordConnection; // whose password openDatabase() is waiting for
    CallLog *m_log;
    CallFeedModel *m_model;
    VoicemailFetcher *m_fetcher;
    TrayNotifier *m_tray = nullptr;
    StatusBanner *m_banner;
    CountersBar *m_counters;
    FilterBar *m_filterBar;
    QStackedWidget *m_stack;
    FeedView *m_view;
    EmptyState *m_empty;
    DetailsPane *m_details;
    CallBackController *m_callBack;
    QSplitter *m_splitter;
    QAction *m_detailsAction = nullptr;
    bool m_detailsShownByKeyboard = false;
    QLabel *m_location;
    QString m_keyringProblem;    // why the keychain gave no password for the log being opened
    bool m_selectNewest = false; // until the log just opened has loaded
    QString m_pendingFetchSid;
    QString m_pendingFetchUrl;
};

} // namespace Switchboard
