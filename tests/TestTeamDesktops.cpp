// A team of desktops on one call log (issue #20): the real main window, offscreen, marks a
// voicemail heard, a call done, tags and notes it; and two app processes on one log, SQLite or
// PostgreSQL (SWITCHBOARD_TEST_POSTGRES), see each other's marks, tags and notes. The second
// process is this executable started with --peer: a whole MainWindow of its own that takes
// commands on stdin and prints what its window shows whenever that changes (support/TeamDesktop).

#include "AppTestData.h"
#include "backend/AppSettings.h"
#include "backend/CallLog.h"
#include "backend/CredentialStore.h"
#include "backend/DisplayName.h"
#include "gui/details/DetailsPane.h"
#include "gui/details/HandlingPanel.h"
#include "gui/feed/CallFeedModel.h"
#include "gui/feed/CountersBar.h"
#include "gui/feed/FeedView.h"
#include "gui/feed/FilterBar.h"
#include "gui/MainWindow.h"
#include "gui/settings/SettingsDialog.h"
#include "support/ServiceHarness.h"
#include "support/TeamDesktop.h"

#include <pwd.h>
#include <QApplication>
#include <QCheckBox>
#include <QCompleter>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <unistd.h>

using namespace Switchboard;
using namespace Switchboard::Testing;

namespace {

const QString kVoicemail = QStringLiteral("CA00000000000000000000000000000001");
const QString kMissed = QStringLiteral("CA00000000000000000000000000000002");

} // namespace

class TestTeamDesktops final : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServiceHarness> m_harness;
    QTemporaryDir m_folder;

    void writeCalls()
    {
        QString error;
        const auto url = DatabaseUrl::parse(m_harness->databaseUrl(), &error);
        QVERIFY2(url, qPrintable(error));
        CallLogWriter log(*url);
        QVERIFY(log.isOpen());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(log.voicemail(kVoicemail, now.addSecs(-120), QStringLiteral("+14155550101"),
                              QStringLiteral("Grace Hopper")));
        QVERIFY(log.missed(kMissed, now.addSecs(-60), QStringLiteral("+14155550102")));
        QVERIFY(log.voicemails().storeAudio(kVoicemail, CallLogWriter::wav(),
                                            QStringLiteral("audio/wav")));
    }

    void startPeer(DesktopPeer &peer, const QString &name, const QString &callSid)
    {
        QString error;
        QVERIFY2(peer.start(m_harness->databaseUrl(), name, callSid, {}, &error),
                 qPrintable(error));
    }

    static void command(DesktopPeer &peer, const QString &line) { peer.command(line); }

private Q_SLOTS:
    void init()
    {
        m_harness = std::make_unique<ServiceHarness>();
        writeCalls();
    }

    void cleanup() { m_harness.reset(); }

    void displayNameDefaultsToTheAccountsFullName()
    {
        const passwd *account = ::getpwuid(::getuid());
        QVERIFY(account);
        const QString gecos =
            QString::fromLocal8Bit(account->pw_gecos).section(QLatin1Char(','), 0, 0).simplified();
        QCOMPARE(defaultDisplayName(),
                 gecos.isEmpty() ? QString::fromLocal8Bit(account->pw_name) : gecos);
        AppSettings settings(m_folder.filePath(QStringLiteral("name.ini")), nullptr);
        QCOMPARE(settings.displayName(), defaultDisplayName());

        // Chosen in the settings dialog.
        CredentialStore credentials;
        SettingsDialog dialog(&settings, &credentials);
        auto *edit = dialog.findChild<QLineEdit *>(QStringLiteral("displayNameEdit"));
        QVERIFY(edit);
        QCOMPARE(edit->text(), defaultDisplayName());
        QCOMPARE(edit->maxLength(), CallAnnotations::kMaxNameChars);
        edit->setText(QStringLiteral("  Alice \t Martin "));
        dialog.accept();
        QCOMPARE(settings.displayName(), QStringLiteral("Alice Martin"));
        settings.setDisplayName(QString()); // cleared: back to the account's
        QCOMPARE(settings.displayName(), defaultDisplayName());
    }

    void handlingInTheDetailsPane()
    {
        QTemporaryDir folder;
        Desktop alice;
        QVERIFY(alice.open(folder.path(), m_harness->databaseUrl(), QStringLiteral("Alice")));
        MainWindow *window = alice.window.get();
        QTRY_COMPARE(window->countersBar()->counters().unheardVoicemails, 1);
        QVERIFY(alice.select(kVoicemail));
        QCOMPARE(alice.find<QLabel>("heardBy")->text(),
                 QStringLiteral("Nobody has heard the voicemail yet."));
        QVERIFY(window->model()
                    ->data(window->model()->indexOfCall(kVoicemail), CallFeedModel::UnheardRole)
                    .toBool());

        // The shortcuts: Ctrl+H heard, Ctrl+D done.
        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window));
        window->view()->setFocus();
        QTest::keyClick(window, Qt::Key_H, Qt::ControlModifier);
        QTRY_COMPARE(alice.find<QLabel>("heardBy")->text(), QStringLiteral("Heard by Alice"));
        QTRY_VERIFY(
            !window->model()
                 ->data(window->model()->indexOfCall(kVoicemail), CallFeedModel::UnheardRole)
                 .toBool());
        QTRY_COMPARE(window->countersBar()->counters().unheardVoicemails, 0);
        QCOMPARE(alice.find<QPushButton>("heardButton")->text(), QStringLiteral("Mark as unheard"));

        alice.find<QLineEdit>("doneNote")->setText(QStringLiteral("<i>called</i> back"));
        QTest::keyClick(window, Qt::Key_D, Qt::ControlModifier);
        QTRY_VERIFY(
            alice.find<QLabel>("doneState")->text().startsWith(QStringLiteral("Done by Alice · ")));
        QVERIFY(alice.find<QLabel>("doneState")
                    ->text()
                    .endsWith(QStringLiteral("— <i>called</i> back")));
        QCOMPARE(alice.find<QLabel>("doneState")->textFormat(), Qt::PlainText);
        QCOMPARE(alice.find<QPushButton>("doneButton")->text(), QStringLiteral("Reopen"));

        // Tags: normalised, completed from the tags in use, filtered on.
        auto *tagEdit = alice.find<QLineEdit>("tagEdit");
        tagEdit->setFocus(); // where a click puts it: Return is the feed's while it has the focus
        tagEdit->setText(QStringLiteral(" Urgent  Lead "));
        QTest::keyClick(tagEdit, Qt::Key_Return);
        QCOMPARE(tagEdit->text(), QString());
        QCOMPARE(alice.find<QListWidget>("tags")->count(), 1);
        QCOMPARE(alice.find<QListWidget>("tags")->item(0)->text(), QStringLiteral("urgent lead"));
        QTRY_COMPARE(tagEdit->completer()->model()->rowCount(), 1);
        QCOMPARE(tagEdit->completer()->model()->index(0, 0).data().toString(),
                 QStringLiteral("urgent lead"));
        auto *tagFilter = window->filterBar()->findChild<QLineEdit *>(QStringLiteral("tagFilter"));
        QCOMPARE(tagFilter->completer()->model()->rowCount(), 1);

        // Notes: any number, with author and time, plain text.
        auto *noteEdit = alice.find<QPlainTextEdit>("noteEdit");
        noteEdit->setPlainText(QStringLiteral("<b>Asked</b> for a quote"));
        alice.find<QPushButton>("addNoteButton")->click();
        noteEdit->setPlainText(QStringLiteral("Second note"));
        QTest::keyClick(noteEdit, Qt::Key_Return, Qt::ControlModifier);
        QCOMPARE(noteEdit->toPlainText(), QString());
        auto *notes = alice.find<QListWidget>("notes");
        QCOMPARE(notes->count(), 2);
        QVERIFY(notes->item(0)->text().startsWith(QStringLiteral("Alice · ")));
        QVERIFY(notes->item(0)->text().endsWith(QStringLiteral("\n<b>Asked</b> for a quote")));

        // The feed's Handled column and the timeline.
        QTRY_COMPARE(
            window->model()
                ->data(window->model()->indexOfCall(kVoicemail, CallFeedModel::HandledColumn))
                .toString(),
            QStringLiteral("✓ Alice · urgent lead · 2 notes"));
        const QJsonArray timeline = alice.state().value(QStringLiteral("timeline")).toArray();
        const QStringList expected{QStringLiteral("heard|Alice"),
                                   QStringLiteral("done|Alice · <i>called</i> back"),
                                   QStringLiteral("tagged urgent lead|Alice"),
                                   QStringLiteral("note|Alice · <b>Asked</b> for a quote"),
                                   QStringLiteral("note|Alice · Second note")};
        for (const QString &line : expected)
            QVERIFY2(timeline.contains(line), qPrintable(line));
        // After the webhooks, in the order they happened.
        QCOMPARE(timeline.last().toString(), expected.last());

        // Filters: open, tag, unheard by me.
        FilterBar *filters = window->filterBar();
        filters->setOpenOnly(true);
        QTRY_VERIFY(!window->model()->indexOfCall(kVoicemail).isValid());
        QVERIFY(window->model()->indexOfCall(kMissed).isValid());
        filters->clear();
        filters->setTag(QStringLiteral("URGENT lead"));
        QTRY_COMPARE(window->model()->rowCount(), 1);
        QVERIFY(window->model()->indexOfCall(kVoicemail).isValid());
        filters->clear();
        filters->setUnheardOnly(true);
        QTRY_COMPARE(window->model()->rowCount(), 0);
        filters->clear();
        QTRY_COMPARE(window->model()->rowCount(), 2);

        // Undo: reopen, unheard, a tag removed.
        QVERIFY(alice.select(kVoicemail));
        QTest::keyClick(window, Qt::Key_D, Qt::ControlModifier);
        QTRY_COMPARE(alice.find<QLabel>("doneState")->text(),
                     QStringLiteral("Open: nobody has marked it done."));
        alice.find<QListWidget>("tags")->setCurrentRow(0);
        alice.find<QPushButton>("removeTagButton")->click();
        QCOMPARE(alice.find<QListWidget>("tags")->count(), 0);
        alice.find<QPushButton>("heardButton")->click();
        QTRY_COMPARE(window->countersBar()->counters().unheardVoicemails, 1);
    }

    void twoDesktopsSeeEachOthersWork()
    {
        QTemporaryDir folder;
        Desktop alice;
        QVERIFY(alice.open(folder.path(), m_harness->databaseUrl(), QStringLiteral("Alice")));
        QVERIFY(alice.select(kVoicemail));
        DesktopPeer bob;
        startPeer(bob, QStringLiteral("Bob"), kVoicemail);
        const auto bobSees = [&bob](const char *key) {
            return bob.state.value(QLatin1String(key));
        };
        QElapsedTimer timer;
        QStringList latencies;
        const auto measured = [&](const char *what) {
            latencies.append(
                QStringLiteral("%1 %2 ms").arg(QLatin1String(what)).arg(timer.elapsed()));
        };
        // Generous bounds: a loaded machine must not fail the test; the figures are printed.
        constexpr int kBound = 10000;

        // Alice → Bob: heard, done with a note, a tag, a note.
        timer.start();
        alice.find<QPushButton>("heardButton")->click();
        QTRY_COMPARE_WITH_TIMEOUT(bobSees("heardBy").toString(), QStringLiteral("Heard by Alice"),
                                  kBound);
        measured("heard A->B");
        alice.find<QLineEdit>("doneNote")->setText(QStringLiteral("Called back"));
        timer.start();
        alice.find<QPushButton>("doneButton")->click();
        QTRY_VERIFY_WITH_TIMEOUT(
            bobSees("done").toString().startsWith(QStringLiteral("Done by Alice · ")), kBound);
        measured("done A->B");
        QVERIFY(bobSees("done").toString().endsWith(QStringLiteral("— Called back")));
        timer.start();
        alice.panel()->addTag(QStringLiteral("Callback"));
        QTRY_COMPARE_WITH_TIMEOUT(bobSees("tags").toArray(), QJsonArray{QStringLiteral("callback")},
                                  kBound);
        measured("tag A->B");
        timer.start();
        alice.panel()->addNote(QStringLiteral("Wants a quote"));
        QTRY_COMPARE_WITH_TIMEOUT(bobSees("notes").toArray().size(), 1, kBound);
        measured("note A->B");
        QVERIFY(bobSees("notes").toArray().at(0).toString().startsWith(QStringLiteral("Alice · ")));
        QTRY_COMPARE_WITH_TIMEOUT(bobSees("feed").toString(),
                                  QStringLiteral("✓ Alice · callback · 1 note"), kBound);

        // Bob → Alice, each through Bob's widgets.
        timer.start();
        command(bob, QStringLiteral("heard"));
        QTRY_COMPARE_WITH_TIMEOUT(alice.find<QLabel>("heardBy")->text(),
                                  QStringLiteral("Heard by Alice, Bob"), kBound);
        measured("heard B->A");
        timer.start();
        command(bob, QStringLiteral("tag <b>VIP</b>"));
        QTRY_COMPARE_WITH_TIMEOUT(alice.find<QListWidget>("tags")->count(), 2, kBound);
        measured("tag B->A");
        QCOMPARE(alice.find<QListWidget>("tags")->item(0)->text(), QStringLiteral("<b>vip</b>"));
        timer.start();
        command(bob, QStringLiteral("note Left a message"));
        QTRY_COMPARE_WITH_TIMEOUT(alice.find<QListWidget>("notes")->count(), 2, kBound);
        measured("note B->A");
        QVERIFY(
            alice.find<QListWidget>("notes")->item(1)->text().startsWith(QStringLiteral("Bob · ")));
        QVERIFY(alice.find<QListWidget>("notes")->item(1)->text().endsWith(
            QStringLiteral("\nLeft a message")));
        timer.start();
        command(bob, QStringLiteral("reopen"));
        QTRY_COMPARE_WITH_TIMEOUT(alice.find<QLabel>("doneState")->text(),
                                  QStringLiteral("Open: nobody has marked it done."), kBound);
        measured("reopen B->A");
        timer.start();
        command(bob, QStringLiteral("done On it"));
        QTRY_VERIFY_WITH_TIMEOUT(
            alice.find<QLabel>("doneState")->text().startsWith(QStringLiteral("Done by Bob · ")),
            kBound);
        measured("done B->A");
        QTRY_COMPARE_WITH_TIMEOUT(
            alice.window->model()
                ->data(alice.window->model()->indexOfCall(kVoicemail, CallFeedModel::HandledColumn))
                .toString(),
            QStringLiteral("✓ Bob · <b>vip</b>, callback · 2 notes"), kBound);
        qInfo("%s: %s", ServiceHarness::usesPostgres() ? "PostgreSQL" : "SQLite",
              qPrintable(latencies.join(QStringLiteral(", "))));

        QVERIFY(bob.finish());
    }
};

int main(int argc, char **argv)
{
    if (argc > 1 && qstrcmp(argv[1], "--peer") == 0)
        return runDesktopPeer(argc, argv);
    QApplication app(argc, argv);
    TestTeamDesktops test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "TestTeamDesktops.moc"
