// The main window on a real SQLite log, offscreen: empty state, feed, filters, counters,
// shortcuts, CSV export, the banner when the log cannot be read, a window that answers while
// a PostgreSQL server does not, and the selection the screenshot script asks for
// (--select-latest-voicemail).

#include "AppTestData.h"
#include "backend/AppSettings.h"
#include "backend/CallLog.h"
#include "backend/CredentialStore.h"
#include "core/CallExport.h"
#include "EventLoopWatch.h"
#include "gui/common/StatusBanner.h"
#include "gui/details/DetailsPane.h"
#include "gui/feed/CallFeedModel.h"
#include "gui/feed/CountersBar.h"
#include "gui/feed/EmptyState.h"
#include "gui/feed/FeedView.h"
#include "gui/feed/FilterBar.h"
#include "gui/MainWindow.h"
#include "gui/player/VoicemailPlayer.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QStatusBar>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Testing;

class TestMainWindow final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<CredentialStore> m_credentials;
    std::unique_ptr<MainWindow> m_window;

    QString sid(int i) const { return QStringLiteral("CA%1").arg(i, 32, 10, QLatin1Char('0')); }

    MainWindow *openWindow()
    {
        m_settings =
            std::make_unique<AppSettings>(m_dir.filePath(QStringLiteral("settings.ini")), nullptr);
        m_settings->setDatabaseUrlOverride(QStringLiteral("sqlite:") + m_path);
        m_credentials = std::make_unique<CredentialStore>();
        m_window = std::make_unique<MainWindow>(m_settings.get(), m_credentials.get());
        m_window->callLog()->setRetryInterval(200);
        m_window->show();
        m_window->openDatabase();
        // The connect runs on a thread; the feed shows the log, or the banner why not, once it
        // answered.
        if (!QTest::qWaitFor(
                [this] {
                    return m_window->callLog()->isAvailable() || m_window->banner()->isVisible();
                },
                10000))
            qWarning("the call log did not answer");
        return m_window.get();
    }

    void writeSampleCalls()
    {
        CallLogWriter log(m_path);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(log.answered(sid(1), now.addSecs(-100), QStringLiteral("+15035550101"),
                             QStringLiteral("Grace Hopper")));
        QVERIFY(log.voicemail(sid(2), now.addSecs(-200), QStringLiteral("+15035550102"),
                              QStringLiteral("Alan Turing")));
        QVERIFY(log.missed(sid(3), now.addSecs(-300), QStringLiteral("+14155550103")));
        QVERIFY(
            log.voicemails().storeAudio(sid(2), CallLogWriter::wav(), QStringLiteral("audio/wav")));
    }

    QString counter(const char *name) const
    {
        return m_window->findChild<QLabel *>(QString::fromLatin1(name))->text();
    }

private Q_SLOTS:
    void init()
    {
        static int n = 0;
        m_path = m_dir.filePath(QStringLiteral("calls-%1.db").arg(++n));
    }

    void cleanup()
    {
        m_window.reset();
        m_credentials.reset();
        m_settings.reset();
    }

    void emptyStateThenLiveCall()
    {
        CallLogWriter log(m_path); // the service created the log; nobody has called yet
        MainWindow *window = openWindow();
        QVERIFY(window->isShowingEmptyState());
        QCOMPARE(window->emptyState()->reason(), EmptyState::Reason::NoCalls);
        QVERIFY(window->findChild<QLabel *>(QStringLiteral("emptyBody"))
                    ->text()
                    .contains(QStringLiteral("switchboard-sim")));
        QVERIFY(window->banner()->isHidden());

        QVERIFY(log.ring(sid(9), QDateTime::currentDateTimeUtc(), QStringLiteral("+15035550109")));
        QTRY_VERIFY_WITH_TIMEOUT(!window->isShowingEmptyState(), 1000);
        QCOMPARE(window->model()->rowCount(), 1);
    }

    void feedFiltersAndCounters()
    {
        writeSampleCalls();
        MainWindow *window = openWindow();
        QVERIFY(!window->isShowingEmptyState());
        QCOMPARE(window->model()->rowCount(), 3);
        QCOMPARE(window->model()->callAt(0).callSid, sid(1));
        QTRY_COMPARE(counter("callsToday"), QStringLiteral("3")); // counted on a thread
        QCOMPARE(counter("answeredToday"), QStringLiteral("1"));
        QCOMPARE(counter("missedToday"), QStringLiteral("1"));
        QVERIFY(counter("unheardVoicemails").contains(QLatin1String(">1<")));

        QTest::keyClicks(window->filterBar()->searchField(), QStringLiteral("turing"));
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 1, 2000);
        QCOMPARE(window->model()->callAt(0).callSid, sid(2));
        window->filterBar()->searchField()->clear();
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 3, 2000);

        window->filterBar()->setOutcome(Outcome::Missed);
        QCOMPARE(window->model()->rowCount(), 1);
        QCOMPARE(window->model()->callAt(0).callSid, sid(3));
        window->filterBar()->setOutcome(Outcome::Abandoned);
        QVERIFY(window->isShowingEmptyState());
        QCOMPARE(window->emptyState()->reason(), EmptyState::Reason::NothingMatches);
        window->filterBar()->clear();
        QCOMPARE(window->model()->rowCount(), 3);
        window->filterBar()->setUnheardOnly(true);
        QCOMPARE(window->model()->rowCount(), 1);
        window->filterBar()->clear();
        const QDate today = QDate::currentDate();
        window->filterBar()->setCustomRange(today.addDays(-3), today.addDays(-1));
        QVERIFY(window->isShowingEmptyState());
        window->filterBar()->clear();
        QCOMPARE(window->model()->rowCount(), 3);
    }

    void keyboard()
    {
        writeSampleCalls();
        MainWindow *window = openWindow();
        QVERIFY(QTest::qWaitForWindowExposed(window));
        window->activateWindow();
        window->view()->setFocus();
        QTest::keyClick(window, Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(window->filterBar()->searchField()->hasFocus());

        // Select the voicemail, Enter opens the details.
        window->view()->setFocus();
        window->view()->selectRow(1);
        QCOMPARE(window->detailsPane()->call()->callSid, sid(2));
        window->detailsPane()->hide();
        QTest::keyClick(window->view(), Qt::Key_Return);
        QVERIFY(window->detailsPane()->isVisible());

        // Space plays it, which marks it heard in the log for every desktop.
        window->view()->setFocus();
        QTest::keyClick(window->view(), Qt::Key_Space);
        QTRY_VERIFY_WITH_TIMEOUT(window->detailsPane()->player()->isPlaying() ||
                                     window->model()->callAt(1).voicemail->isHeard(),
                                 3000);
        if (!window->model()->callAt(1).voicemail->isHeard())
            QTRY_VERIFY_WITH_TIMEOUT(window->model()->callAt(1).voicemail->isHeard(), 2000);
        QVERIFY(window->detailsPane()->setHeard(false));
        QTRY_VERIFY_WITH_TIMEOUT(!window->model()->callAt(1).voicemail->isHeard(), 1000);

        // Save audio as… writes the stored audio.
        const QString audio = m_dir.filePath(QStringLiteral("voicemail.wav"));
        QVERIFY(window->detailsPane()->saveAudio(audio));
        QFile file(audio);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), CallLogWriter::wav());
    }

    void exportCsv()
    {
        writeSampleCalls();
        MainWindow *window = openWindow();
        window->filterBar()->setOutcome(Outcome::Voicemail);
        const QString fileName = m_dir.filePath(QStringLiteral("export.csv"));
        QString error;
        QVERIFY2(window->exportCsv(fileName, &error), qPrintable(error));
        QFile file(fileName);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines.at(0).trimmed(), CallExport::csvLine(CallExport::csvHeader()).trimmed());
        QVERIFY(lines.at(1).contains(sid(2).toLatin1()));
        QVERIFY(lines.at(1).contains("Alan Turing"));
    }

    // A PostgreSQL server that takes the connection and never answers holds libpq for its
    // whole connect timeout (5 s). Meanwhile the window keeps painting and answering, and says
    // that it is connecting; then the banner says why the log cannot be read.
    void windowAnswersWhileTheLogConnects()
    {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        m_settings =
            std::make_unique<AppSettings>(m_dir.filePath(QStringLiteral("settings.ini")), nullptr);
        // The URL's own password: the keychain is not asked.
        m_settings->setDatabaseUrlOverride(
            QStringLiteral("postgresql://switchboard:secret@127.0.0.1:%1/switchboard")
                .arg(silent.serverPort()));
        m_credentials = std::make_unique<CredentialStore>();
        m_window = std::make_unique<MainWindow>(m_settings.get(), m_credentials.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        auto *location = m_window->statusBar()->findChild<QLabel *>(); // which log it shows
        QVERIFY(location);

        // What the status bar said once the server had the connection.
        QString whileConnecting;
        EventLoopWatch watch([&] {
            if (whileConnecting.isEmpty() && silent.hasPendingConnections())
                whileConnecting = location->text();
        });
        m_window->openDatabase();
        QTRY_VERIFY_WITH_TIMEOUT(m_window->banner()->isVisible(), 30000);
        watch.stop();

        QVERIFY2(
            watch.longestStallMs() < 2000,
            qPrintable(QStringLiteral("the window froze for %1 ms").arg(watch.longestStallMs())));
        QVERIFY(silent.hasPendingConnections()); // the connect did reach the server
        QVERIFY2(whileConnecting.contains(QLatin1String("connecting")),
                 qPrintable(whileConnecting));
        QVERIFY2(m_window->banner()->message().contains(QLatin1String("timeout")),
                 qPrintable(m_window->banner()->message()));
        QVERIFY(!location->text().contains(QLatin1String("connecting")));
        QVERIFY(!m_window->callLog()->isAvailable());
        QCOMPARE(m_window->model()->rowCount(), 0);
    }

    void bannerWhenTheLogCannotBeRead()
    {
        writeSampleCalls();
        MainWindow *window = openWindow();
        QVERIFY(window->banner()->isHidden());
        const QString away = m_path + QStringLiteral(".away");
        QVERIFY(QFile::rename(m_path, away));
        {
            QFile garbage(m_path);
            QVERIFY(garbage.open(QIODevice::WriteOnly));
            garbage.write(QByteArray(8192, 'x'));
        }
        QTRY_VERIFY_WITH_TIMEOUT(window->banner()->isVisible(), 2000);
        QVERIFY(window->banner()->message().contains(QLatin1String("Cannot read the call log")));
        QCOMPARE(window->model()->rowCount(), 3); // what it had stays on screen
        // A retry, now rather than on its timer, fails on a file that is not a database.
        window->callLog()->retryNow();
        QVERIFY(!window->callLog()->isAvailable());
        QVERIFY(window->banner()->isVisible());

        QVERIFY(QFile::remove(m_path));
        QVERIFY(QFile::rename(away, m_path));
        QTRY_VERIFY_WITH_TIMEOUT(window->banner()->isHidden(), 2000);
        CallLogWriter log(m_path);
        QVERIFY(log.ring(sid(7), QDateTime::currentDateTimeUtc(), QStringLiteral("+15035550107")));
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 4, 1000);
    }
};

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
