// A day's work without a mouse (issue #20): the real main window on a real SQLite log, driven by
// key presses alone, each sent to whichever widget has the keyboard focus, as a keyboard does.
// The arrows move through the feed, Space plays and pauses the voicemail (the real player, on
// PulseAudio's null sink), Enter opens the details and Escape leaves them, Ctrl+F searches,
// Ctrl+H and Ctrl+D mark heard and done in the log, Ctrl+B calls back, Ctrl+T opens the
// statistics; and the menus show each of those keys.

#include "AppTestData.h"
#include "backend/AppSettings.h"
#include "backend/CallLog.h"
#include "backend/CredentialStore.h"
#include "gui/CallBackController.h"
#include "gui/details/DetailsPane.h"
#include "gui/details/HandlingPanel.h"
#include "gui/feed/CallFeedModel.h"
#include "gui/feed/FeedView.h"
#include "gui/feed/FilterBar.h"
#include "gui/MainWindow.h"
#include "gui/player/VoicemailPlayer.h"
#include "gui/stats/StatisticsView.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Testing;

namespace {

constexpr int kWaitMs = 15000;

QString sid(int i)
{
    return QStringLiteral("CA%1").arg(i, 32, 10, QLatin1Char('0'));
}

// A minute of silence: long enough to pause before it ends.
QByteArray minuteOfSilence()
{
    const quint32 samples = 8000 * 60;
    QByteArray data;
    const auto u32 = [&data](quint32 v) {
        for (int i = 0; i < 4; ++i)
            data.append(char(v >> (8 * i)));
    };
    const auto u16 = [&data](quint16 v) {
        data.append(char(v));
        data.append(char(v >> 8));
    };
    data.append("RIFF");
    u32(36 + samples * 2);
    data.append("WAVEfmt ");
    u32(16);
    u16(1);     // PCM
    u16(1);     // mono
    u32(8000);  // samples per second
    u32(16000); // bytes per second
    u16(2);
    u16(16);
    data.append("data");
    u32(samples * 2);
    data.append(QByteArray(int(samples * 2), '\0'));
    return data;
}

// Presses a key where the keyboard focus is.
bool press(Qt::Key key, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    QWidget *focus = QApplication::focusWidget();
    if (!focus) {
        qWarning("no widget has the keyboard focus");
        return false;
    }
    QTest::keyClick(focus, key, modifiers);
    return true;
}

} // namespace

class TestKeyboardOnly final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<CredentialStore> m_credentials;
    std::unique_ptr<MainWindow> m_window;

    QString currentSid() const
    {
        const auto call = m_window->model()->callFromIndex(m_window->view()->currentIndex());
        return call ? call->callSid : QString();
    }

    bool focusIn(const QWidget *widget) const
    {
        QWidget *focus = QApplication::focusWidget();
        return focus && (focus == widget || widget->isAncestorOf(focus));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString path = m_dir.filePath(QStringLiteral("calls.db"));
        CallLogWriter log(path);
        QVERIFY(log.isOpen());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(log.answered(sid(1), now.addSecs(-100), QStringLiteral("+15035550101"),
                             QStringLiteral("Grace Hopper")));
        QVERIFY(log.voicemail(sid(2), now.addSecs(-200), QStringLiteral("+15035550102"),
                              QStringLiteral("Alan Turing")));
        QVERIFY(log.missed(sid(3), now.addSecs(-300), QStringLiteral("+14155550103"),
                           QStringLiteral("Ada Lovelace")));
        QVERIFY(
            log.voicemails().storeAudio(sid(2), minuteOfSilence(), QStringLiteral("audio/wav")));

        m_settings =
            std::make_unique<AppSettings>(m_dir.filePath(QStringLiteral("settings.ini")), nullptr);
        m_settings->setDatabaseUrlOverride(QStringLiteral("sqlite:") + path);
        m_settings->setDisplayName(QStringLiteral("Keyboard User"));
        m_credentials = std::make_unique<CredentialStore>();
        m_window = std::make_unique<MainWindow>(m_settings.get(), m_credentials.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        m_window->openDatabase();
        QTRY_COMPARE_WITH_TIMEOUT(m_window->model()->rowCount(), 3, kWaitMs);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_credentials.reset();
        m_settings.reset();
    }

    // The feed has the keyboard from the start, the newest call selected; the arrows move.
    void arrowsMoveThroughTheFeed()
    {
        QTRY_COMPARE_WITH_TIMEOUT(currentSid(), sid(1), kWaitMs);
        QVERIFY(focusIn(m_window->view()));
        QVERIFY(press(Qt::Key_Down));
        QCOMPARE(currentSid(), sid(2));
        QCOMPARE(m_window->detailsPane()->call()->callSid, sid(2));
        QVERIFY(press(Qt::Key_Down));
        QCOMPARE(currentSid(), sid(3));
        QVERIFY(press(Qt::Key_Up));
        QCOMPARE(currentSid(), sid(2));
    }

    void ctrlHMarksHeardForEveryone()
    {
        QCOMPARE(currentSid(), sid(2));
        HandlingPanel *handling = m_window->detailsPane()->handlingPanel();
        QVERIFY(!handling->isHeardByViewer());
        QVERIFY(press(Qt::Key_H, Qt::ControlModifier));
        QVERIFY(handling->isHeardByViewer());
        QCOMPARE(handling->handling().heardByNames(), QStringList{QStringLiteral("Keyboard User")});
        QTRY_VERIFY_WITH_TIMEOUT(m_window->model()->callAt(1).voicemail->isHeard(), kWaitMs);
        QVERIFY(press(Qt::Key_H, Qt::ControlModifier));
        QVERIFY(!handling->isHeardByViewer());
        QVERIFY(focusIn(m_window->view()));
    }

    // Space plays the selected voicemail in the real player, and pauses it.
    void spacePlaysAndPauses()
    {
        VoicemailPlayer *player = m_window->detailsPane()->player();
        QTRY_VERIFY_WITH_TIMEOUT(!player->audio().isEmpty(), kWaitMs);
        QVERIFY(!player->isPlaying());
        QVERIFY(press(Qt::Key_Space));
        QTRY_VERIFY_WITH_TIMEOUT(player->isPlaying(), kWaitMs);
        QVERIFY(press(Qt::Key_Space));
        QTRY_VERIFY_WITH_TIMEOUT(!player->isPlaying(), kWaitMs);
        QCOMPARE(currentSid(), sid(2)); // Space did not move the selection either
        // Playing it was hearing it.
        QVERIFY(m_window->detailsPane()->handlingPanel()->isHeardByViewer());
    }

    // Enter gives the details the keyboard; Space still plays there; Escape is back in the feed.
    void enterOpensTheDetailsEscapeLeavesThem()
    {
        QVERIFY(focusIn(m_window->view()));
        QVERIFY(press(Qt::Key_Return));
        QVERIFY(focusIn(m_window->detailsPane()));
        VoicemailPlayer *player = m_window->detailsPane()->player();
        QVERIFY(press(Qt::Key_Space));
        QTRY_VERIFY_WITH_TIMEOUT(player->isPlaying(), kWaitMs);
        QVERIFY(press(Qt::Key_Space));
        QTRY_VERIFY_WITH_TIMEOUT(!player->isPlaying(), kWaitMs);
        QVERIFY(press(Qt::Key_Escape));
        QVERIFY(focusIn(m_window->view()));
        QVERIFY(m_window->detailsPane()->isVisible());

        // With the pane hidden (F9), Enter shows it and Escape closes it again.
        QVERIFY(press(Qt::Key_F9));
        QVERIFY(!m_window->detailsPane()->isVisible());
        QVERIFY(press(Qt::Key_Enter));
        QVERIFY(m_window->detailsPane()->isVisible());
        QVERIFY(focusIn(m_window->detailsPane()));
        QVERIFY(press(Qt::Key_Escape));
        QVERIFY(!m_window->detailsPane()->isVisible());
        QVERIFY(focusIn(m_window->view()));
        QVERIFY(press(Qt::Key_F9));
        QVERIFY(m_window->detailsPane()->isVisible());
        QVERIFY(focusIn(m_window->view()));
    }

    void ctrlFSearchesAndTypingFilters()
    {
        QVERIFY(press(Qt::Key_F, Qt::ControlModifier));
        QVERIFY(focusIn(m_window->filterBar()->searchField()));
        QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("lovelace"));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->model()->rowCount(), 1, kWaitMs);
        QCOMPARE(m_window->model()->callAt(0).callSid, sid(3));
        // Space is the search's own: it types, it does not play.
        QVERIFY(press(Qt::Key_Space));
        QCOMPARE(m_window->filterBar()->searchField()->text(), QStringLiteral("lovelace "));
        QVERIFY(press(Qt::Key_A, Qt::ControlModifier));
        QVERIFY(press(Qt::Key_Backspace));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->model()->rowCount(), 3, kWaitMs);
        QVERIFY(press(Qt::Key_Escape));
        QVERIFY(focusIn(m_window->view()));
    }

    void ctrlDMarksDone()
    {
        QVERIFY(focusIn(m_window->view())); // where Escape left it
        while (currentSid() != sid(3))
            QVERIFY(press(currentSid() < sid(3) ? Qt::Key_Down : Qt::Key_Up));
        HandlingPanel *handling = m_window->detailsPane()->handlingPanel();
        QVERIFY(!handling->handling().done);
        QVERIFY(press(Qt::Key_D, Qt::ControlModifier));
        QVERIFY(handling->handling().done);
        QCOMPARE(handling->handling().done->by, QStringLiteral("Keyboard User"));
        QVERIFY(press(Qt::Key_D, Qt::ControlModifier));
        QVERIFY(!handling->handling().done);
    }

    // Ctrl+B starts a call back of the selected call: its message says how it went (here no
    // Twilio credentials are set, so it says what is missing).
    void ctrlBCallsBack()
    {
        QCOMPARE(currentSid(), sid(3));
        QSignalSpy messages(m_window->callBack(), &CallBackController::statusMessage);
        QVERIFY(press(Qt::Key_B, Qt::ControlModifier));
        QTRY_VERIFY_WITH_TIMEOUT(!messages.isEmpty(), kWaitMs);
        auto *shown = m_window->findChild<QLabel *>(QStringLiteral("callBackMessage"));
        QVERIFY(shown);
        QTRY_VERIFY_WITH_TIMEOUT(shown->isVisible() && !shown->text().isEmpty(), kWaitMs);
    }

    void ctrlTOpensTheStatistics()
    {
        QVERIFY(!m_window->findChild<StatisticsView *>());
        QVERIFY(press(Qt::Key_T, Qt::ControlModifier));
        auto *statistics = m_window->findChild<StatisticsView *>();
        QVERIFY(statistics);
        QTRY_VERIFY(statistics->isVisible());
        statistics->close();
    }

    // Every key above is shown next to its entry in the window's menus.
    void menusShowTheShortcuts()
    {
        QStringList shown;
        const auto collect = [&shown](QMenu *menu, const auto &self) -> void {
            for (QAction *action : menu->actions()) {
                if (action->menu())
                    self(action->menu(), self);
                else if (!action->shortcut().isEmpty())
                    shown.append(action->shortcut().toString(QKeySequence::PortableText));
            }
        };
        for (QAction *action : m_window->menuBar()->actions())
            if (action->menu())
                collect(action->menu(), collect);
        for (const QString &key :
             {QStringLiteral("Space"), QStringLiteral("Return"), QStringLiteral("Ctrl+F"),
              QStringLiteral("Ctrl+H"), QStringLiteral("Ctrl+D"), QStringLiteral("Ctrl+B"),
              QStringLiteral("Ctrl+T"), QStringLiteral("F9")})
            QVERIFY2(shown.contains(key), qPrintable(key + QStringLiteral(" is in no menu: ") +
                                                     shown.join(QLatin1Char(' '))));
    }
};

QTEST_MAIN(TestKeyboardOnly)
#include "TestKeyboardOnly.moc"
