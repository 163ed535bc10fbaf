// Desktop notifications (issue #20): the main window on a real SQLite log that CallWriter writes
// webhook by webhook, as the service does. A new voicemail and a missed call each give one
// notification, whose caller text is never markup; clicking one opens its call, even when the
// feed's filters hide it; the setting, turned off in the Settings dialog, silences them.

#include "AppTestData.h"
#include "backend/AppSettings.h"
#include "backend/CallLog.h"
#include "backend/CredentialStore.h"
#include "gui/details/DetailsPane.h"
#include "gui/feed/CallFeedModel.h"
#include "gui/feed/FeedView.h"
#include "gui/feed/FilterBar.h"
#include "gui/MainWindow.h"
#include "gui/settings/SettingsDialog.h"
#include "gui/TrayNotifier.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>
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

} // namespace

class TestDesktopNotifications final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<CredentialStore> m_credentials;
    std::unique_ptr<MainWindow> m_window;

    MainWindow *openWindow()
    {
        m_window = std::make_unique<MainWindow>(m_settings.get(), m_credentials.get());
        m_window->show();
        m_window->openDatabase();
        if (!QTest::qWaitFor([this] { return m_window->model()->hasLoaded(); }, kWaitMs))
            qWarning("the call log did not load");
        return m_window.get();
    }

    QString currentSid() const
    {
        const auto call = m_window->model()->callFromIndex(m_window->view()->currentIndex());
        return call ? call->callSid : QString();
    }

private Q_SLOTS:
    void init()
    {
        static int n = 0;
        m_path = m_dir.filePath(QStringLiteral("calls-%1.db").arg(++n));
        m_settings = std::make_unique<AppSettings>(
            m_dir.filePath(QStringLiteral("settings-%1.ini").arg(n)), nullptr);
        m_settings->setDatabaseUrlOverride(QStringLiteral("sqlite:") + m_path);
        m_credentials = std::make_unique<CredentialStore>();
    }

    void cleanup()
    {
        m_window.reset();
        m_credentials.reset();
        m_settings.reset();
    }

    void voicemailAndMissedCallEachNotifyOnceAndOpenTheirCall()
    {
        CallLogWriter log(m_path);
        QVERIFY(log.isOpen());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(log.answered(sid(1), now.addSecs(-600), QStringLiteral("+15035550101"),
                             QStringLiteral("Grace Hopper")));
        QVERIFY(m_settings->showNotifications()); // on unless turned off
        MainWindow *window = openWindow();
        QCOMPARE(window->model()->rowCount(), 1);
        QSignalSpy notified(window->trayNotifier(), &TrayNotifier::notified);

        // A caller whose name is markup: the notification shows it as typed.
        const QString markup = QStringLiteral("<b>Eve</b><img src=\"http://x.test/p.png\">");
        QVERIFY(log.voicemail(sid(2), now.addSecs(-60), QStringLiteral("+15035550102"), markup));
        QTRY_COMPARE_WITH_TIMEOUT(notified.count(), 1, kWaitMs);
        QCOMPARE(notified.at(0).at(0).toString(), sid(2));
        QCOMPARE(notified.at(0).at(1).toString(), QStringLiteral("New voicemail"));
        const QString text = notified.at(0).at(2).toString();
        QVERIFY2(text.startsWith(TrayNotifier::messageText(markup)), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral(" left a ")), qPrintable(text));
#if defined(Q_OS_UNIX) && !defined(Q_OS_DARWIN)
        // The notification server reads the body as markup: it is escaped.
        QVERIFY2(!text.contains(QLatin1Char('<')), qPrintable(text));
        QVERIFY2(text.startsWith(QStringLiteral("&lt;b&gt;Eve&lt;/b&gt;&lt;img")),
                 qPrintable(text));
#endif

        // Clicking it opens the voicemail: selected, its details have the keyboard.
        window->view()->selectRow(window->model()->indexOfCall(sid(1)).row());
        QCOMPARE(currentSid(), sid(1));
        window->trayNotifier()->openLastNotified();
        QCOMPARE(currentSid(), sid(2));
        QCOMPARE(window->detailsPane()->call()->callSid, sid(2));
        QTRY_VERIFY(window->detailsPane()->isAncestorOf(QApplication::focusWidget()));

        QVERIFY(log.missed(sid(3), now.addSecs(-30), QStringLiteral("+14155550103")));
        QTRY_COMPARE_WITH_TIMEOUT(notified.count(), 2, kWaitMs);
        QCOMPARE(notified.at(1).at(0).toString(), sid(3));
        QCOMPARE(notified.at(1).at(1).toString(), QStringLiteral("Missed call"));

        // A search that hides the missed call: clicking clears the filters and opens it.
        QTest::keyClicks(window->filterBar()->searchField(), QStringLiteral("grace"));
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 1, kWaitMs);
        window->trayNotifier()->openLastNotified();
        QCOMPARE(window->filterBar()->searchField()->text(), QString());
        QCOMPARE(currentSid(), sid(3));
        QCOMPARE(window->detailsPane()->call()->callSid, sid(3));

        // Once each: later changes to the log, and an answered call, bring no more.
        QVERIFY(
            log.voicemails().storeAudio(sid(2), CallLogWriter::wav(), QStringLiteral("audio/wav")));
        QVERIFY(log.answered(sid(4), now.addSecs(-10), QStringLiteral("+15035550104")));
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 4, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(window->model()
                                         ->callAt(window->model()->indexOfCall(sid(2)).row())
                                         .voicemail->downloadState == DownloadState::Downloaded,
                                 kWaitMs);
        QCOMPARE(notified.count(), 2);
    }

    void turnedOffInSettingsNoneAreShown()
    {
        CallLogWriter log(m_path);
        QVERIFY(log.isOpen());
        MainWindow *window = openWindow();
        QSignalSpy notified(window->trayNotifier(), &TrayNotifier::notified);

        // The user unticks the box in the Settings dialog and saves.
        SettingsDialog dialog(m_settings.get(), m_credentials.get(), window);
        dialog.show();
        auto *box = dialog.findChild<QCheckBox *>(QStringLiteral("showNotificationsCheck"));
        QVERIFY(box);
        QVERIFY(box->isChecked());
        box->click();
        QVERIFY(!box->isChecked());
        auto *buttons = dialog.findChild<QDialogButtonBox *>();
        QVERIFY(buttons);
        buttons->button(QDialogButtonBox::Save)->click();
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), kWaitMs);
        QVERIFY(!m_settings->showNotifications());

        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(log.voicemail(sid(2), now.addSecs(-60), QStringLiteral("+15035550102")));
        QVERIFY(log.missed(sid(3), now.addSecs(-30), QStringLiteral("+14155550103")));
        QVERIFY(log.answered(sid(4), now.addSecs(-10), QStringLiteral("+15035550104")));
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 3, kWaitMs);
        QCOMPARE(notified.count(), 0);

        // Turned on again, the next missed call is news again.
        m_settings->setShowNotifications(true);
        QVERIFY(log.missed(sid(5), now.addSecs(-5), QStringLiteral("+14155550105")));
        QTRY_COMPARE_WITH_TIMEOUT(notified.count(), 1, kWaitMs);
        QCOMPARE(notified.at(0).at(0).toString(), sid(5));
    }
};

QTEST_MAIN(TestDesktopNotifications)
#include "TestDesktopNotifications.moc"
