#pragma once

// Desktops of a team on one call log, for the tests: a whole MainWindow, offscreen, in this
// process (Desktop), or in another one (DesktopPeer: this test executable started with
// --peer, which takes commands on stdin and prints what its window shows whenever that
// changes). Two processes on one log are two members of a team at their desks.

#include "backend/AppSettings.h"
#include "backend/CredentialStore.h"
#include "gui/details/HandlingPanel.h"
#include "gui/MainWindow.h"

#include <memory>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>

namespace Switchboard::Testing {

// What a call back needs besides the credentials in the keychain.
struct CallBackSettings
{
    QString serviceUrl;
    QString twilioApiUrl;
    QString ownNumber;
};

// A desktop's window, opened on `url` as `name`, its settings in `folder`.
struct Desktop
{
    std::unique_ptr<AppSettings> settings;
    std::unique_ptr<CredentialStore> credentials;
    std::unique_ptr<MainWindow> window;

    bool open(const QString &folder, const QString &url, const QString &name,
              const CallBackSettings &callBack = {});
    // Selects the call in the feed, as a click would; false when the feed does not show it.
    bool select(const QString &callSid);
    HandlingPanel *panel() const;
    template<typename T> T *find(const char *name) const
    {
        return window->findChild<T *>(QLatin1String(name));
    }

    // What this window shows of the selected call's handling, as a user reads it.
    QJsonObject state() const;
    // What it shows of the whole feed: the calls listed (under the current filter), the
    // Outcome and Handled columns of each, and the "unheard by me" counter.
    QJsonObject feedState() const;
};

// The --peer process's main: argv is {program, "--peer", url, name, callSid, [serviceUrl,
// twilioApiUrl, ownNumber]}. Commands, one a line, through its widgets: select SID, heard,
// done NOTE, reopen, tag TAG, note TEXT, callback, open (the Open filter on), all (filters
// off). It prints "state {...}" (Desktop::state() with "feed": feedState()) whenever that
// changes, and "did LINE" once it ran a command.
int runDesktopPeer(int argc, char **argv);

// The test's side of a --peer process.
class DesktopPeer final
{
public:
    DesktopPeer() = default;
    ~DesktopPeer(); // a test that failed half-way leaves it running: it goes with the test
    Q_DISABLE_COPY_MOVE(DesktopPeer)

    // Starts it and waits until it shows `callSid`; false, with the reason, when it cannot.
    bool start(const QString &databaseUrl, const QString &name, const QString &callSid,
               const CallBackSettings &callBack = {}, QString *error = nullptr);
    void command(const QString &line);
    // Closes its stdin, as its user would close the window; true once it exited with 0.
    bool finish();

    QProcess process;
    QJsonObject state;
    QStringList did;
};

} // namespace Switchboard::Testing
