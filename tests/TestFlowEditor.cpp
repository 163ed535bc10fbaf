// The Call Flow page, its real widgets offscreen, on a log the real `switchboard-service flow
// set` wrote (SQLite; PostgreSQL in TestFlowEditor_postgres): an edit saved and read back with
// `flow show`; a flow `flow set` refuses, refused with the same words next to the field and
// not saved; another desktop saving in between, reported and reloaded, never overwritten; and
// "Block this number" from the feed's context menu.

#include "AppTestData.h"
#include "backend/AppSettings.h"
#include "backend/CallLog.h"
#include "backend/CredentialStore.h"
#include "backend/FlowRevisions.h"
#include "backend/LogConnection.h"
#include "db/FlowStore.h"
#include "FlowCommandRun.h"
#include "gui/feed/CallFeedModel.h"
#include "gui/feed/FeedContextMenu.h"
#include "gui/flow/BlockCaller.h"
#include "gui/flow/BlocklistEditor.h"
#include "gui/flow/FlowEditor.h"
#include "gui/flow/HoursEditor.h"
#include "gui/flow/MembersEditor.h"
#include "gui/MainWindow.h"
#include "ServiceHarness.h"

#include <functional>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QFile>
#include <QGroupBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSqlQuery>
#include <QStatusBar>
#include <QTableWidget>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

using namespace Switchboard;
using namespace Switchboard::Testing;

namespace {

constexpr int kWaitMs = 15000;

// What `flow set` stores first: two members, no hours.
const QByteArray kFirstFlow = R"({
    "greeting": "Hello from the first revision.",
    "members": [
        {"name": "Alice", "number": "+15550100201"},
        {"name": "Bob", "number": "+15550100202"}
    ],
    "ring": "simultaneous",
    "ring_timeout_s": 20
})";

} // namespace

class TestFlowEditor final : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServiceHarness> m_harness;

    FlowCommandRun flowCommand(const QStringList &args)
    {
        return runFlowCommand(args, m_harness->databaseUrl(),
                              ServiceHarness::credentialsEnvironment());
    }

    FlowCommandRun flowSet(const QByteArray &json)
    {
        const QString path = m_harness->folder() + QStringLiteral("/flow.json");
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(json) < 0)
            qWarning("cannot write %s", qPrintable(path));
        file.close();
        return flowCommand({QStringLiteral("set"), path});
    }

    // `flow show`: the newest revision as the service prints it.
    QJsonObject flowShow()
    {
        const FlowCommandRun run = flowCommand({QStringLiteral("show")});
        if (run.exitCode != 0)
            qWarning("flow show: %s", qPrintable(run.err));
        return QJsonDocument::fromJson(run.out).object();
    }

    std::optional<StoredFlow> newestRevision()
    {
        QString error;
        Database database(*DatabaseUrl::parse(m_harness->databaseUrl(), &error),
                          QStringLiteral("check"));
        if (!database.open(&error)) {
            qWarning("%s", qPrintable(error));
            return std::nullopt;
        }
        FlowStore store(database);
        auto newest = store.current(&error);
        if (!error.isEmpty())
            qWarning("%s", qPrintable(error));
        return newest;
    }

    qint64 revisionCount()
    {
        QString error;
        Database database(*DatabaseUrl::parse(m_harness->databaseUrl(), &error),
                          QStringLiteral("count"));
        if (!database.open(&error))
            return -1;
        QSqlQuery query(database.connection());
        if (!query.exec(QStringLiteral("SELECT COUNT(*) FROM call_flow_revisions")) ||
            !query.next())
            return -1;
        return query.value(0).toLongLong();
    }

    // A revision stored by another desktop (or `flow set`): the first one's, greeting changed.
    bool saveElsewhere(const QString &greeting, const QString &author)
    {
        QString error;
        Database database(*DatabaseUrl::parse(m_harness->databaseUrl(), &error),
                          QStringLiteral("elsewhere"));
        if (!database.open(&error))
            return false;
        auto flow = FlowDefinition::fromJson(kFirstFlow, &error);
        if (!flow)
            return false;
        flow->greeting = greeting;
        FlowStore store(database);
        return store.save(*flow, author, &error) > 0;
    }

    std::unique_ptr<FlowEditor> openEditor(const QString &author)
    {
        auto editor =
            std::make_unique<FlowEditor>(LogConnection(m_harness->databaseUrl(), {}), author);
        editor->show();
        if (!QTest::qWaitFor([&editor] { return editor->loadedRevision() >= 0; }, kWaitMs))
            qWarning(
                "the call flow did not load: %s",
                qPrintable(editor->findChild<QLabel *>(QStringLiteral("flowNoticeText"))->text()));
        return editor;
    }

    template<typename T> static T *child(QWidget *parent, const char *name)
    {
        T *widget = parent->findChild<T *>(QString::fromLatin1(name));
        if (!widget)
            qWarning("no %s", name);
        return widget;
    }

    // Answers the next message box from a timer, which runs inside the box's own event loop.
    void answerNextMessageBox(const std::function<void(QMessageBox *)> &answer)
    {
        auto *timer = new QTimer(this);
        timer->setInterval(20);
        connect(timer, &QTimer::timeout, this, [timer, answer] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box)
                return;
            timer->stop();
            timer->deleteLater();
            answer(box);
        });
        timer->start();
    }

    static void clickSave(FlowEditor *editor)
    {
        QTest::mouseClick(child<QPushButton>(editor, "flowSaveButton"), Qt::LeftButton);
    }

private Q_SLOTS:
    void init()
    {
        m_harness = std::make_unique<ServiceHarness>();
        const FlowCommandRun set = flowSet(kFirstFlow);
        QVERIFY2(set.exitCode == 0, qPrintable(set.err));
    }
    void cleanup() { m_harness.reset(); }

    // Every field edited through its widgets, saved, and read back by `flow show`.
    void savesAnEditAsANewRevision()
    {
        auto editor = openEditor(QStringLiteral("Alice Example"));
        QCOMPARE(editor->loadedRevision(), 1);
        const QString before = child<QLabel>(editor.get(), "flowRevision")->text();
        QVERIFY2(before.contains(QStringLiteral("Revision 1")), qPrintable(before));
        // flow set's author (the OS login).
        QVERIFY2(before.contains(QStringLiteral("last changed by ") + newestRevision()->author),
                 qPrintable(before));

        QTreeWidget *members = editor->members()->list();
        QCOMPARE(members->topLevelItemCount(), 2);
        QCOMPARE(members->topLevelItem(1)->text(MembersEditor::NumberColumn),
                 QStringLiteral("+15550100202"));
        // A third member, moved to the top; Bob no longer active.
        // Added, its name is typed into the editor that opens in place.
        QTest::mouseClick(child<QPushButton>(editor.get(), "addMemberButton"), Qt::LeftButton);
        auto *nameEditor = members->viewport()->findChild<QLineEdit *>();
        QVERIFY(nameEditor);
        nameEditor->selectAll();
        QTest::keyClicks(nameEditor, QStringLiteral("Carol"));
        QTest::keyClick(nameEditor, Qt::Key_Return);
        QTreeWidgetItem *carol = members->topLevelItem(2);
        QTRY_COMPARE_WITH_TIMEOUT(carol->text(MembersEditor::NameColumn), QStringLiteral("Carol"),
                                  kWaitMs);
        carol->setText(MembersEditor::NumberColumn, QStringLiteral("+15550100203"));
        members->setCurrentItem(carol);
        QTest::mouseClick(child<QPushButton>(editor.get(), "moveMemberUpButton"), Qt::LeftButton);
        QTest::mouseClick(child<QPushButton>(editor.get(), "moveMemberUpButton"), Qt::LeftButton);
        members->topLevelItem(2)->setCheckState(MembersEditor::ActiveColumn, Qt::Unchecked);

        auto *ring = child<QComboBox>(editor.get(), "ringMode");
        ring->setCurrentIndex(ring->findData(QStringLiteral("sequential")));
        child<QSpinBox>(editor.get(), "ringTimeout")->setValue(35);
        child<QCheckBox>(editor.get(), "screening")->setChecked(true);

        HoursEditor *hours = editor->hours();
        hours->hoursBox()->setChecked(true);
        // The time zone is found by any part of its name.
        QCompleter *zones = hours->timeZone()->completer();
        zones->setCompletionPrefix(QStringLiteral("paris"));
        QCOMPARE(zones->completionCount(), 1);
        QCOMPARE(zones->currentCompletion(), QStringLiteral("Europe/Paris"));
        hours->timeZone()->setCurrentText(zones->currentCompletion());
        hours->addInterval(Qt::Monday, QStringLiteral("09:00"), QStringLiteral("12:00"));
        hours->addInterval(Qt::Monday, QStringLiteral("13:00"), QStringLiteral("17:30"));
        hours->addInterval(Qt::Saturday, QStringLiteral("10:00"), QStringLiteral("24:00"));
        hours->addClosedDate(QDate(2026, 12, 25));

        auto *greeting = child<QPlainTextEdit>(editor.get(), "greeting");
        // A line break is said as a space.
        greeting->setPlainText(QStringLiteral("Welcome to the\nsecond revision."));
        child<QPlainTextEdit>(editor.get(), "afterHoursGreeting")
            ->setPlainText(QStringLiteral("We are closed; leave a message."));
        child<QCheckBox>(editor.get(), "transcribe")->setChecked(true);
        QLineEdit *newBlocked = editor->blocklist()->newNumber();
        QTest::keyClicks(newBlocked, QStringLiteral("+15550109999"));
        QTest::keyClick(newBlocked, Qt::Key_Return);

        QVERIFY(editor->hasUnsavedChanges());
        clickSave(editor.get());
        QTRY_COMPARE_WITH_TIMEOUT(editor->loadedRevision(), 2, kWaitMs);
        QVERIFY(!editor->hasUnsavedChanges());
        const QString after = child<QLabel>(editor.get(), "flowRevision")->text();
        QVERIFY2(after.contains(QStringLiteral("Revision 2")), qPrintable(after));
        QVERIFY2(after.contains(QStringLiteral("Alice Example")), qPrintable(after));

        const QJsonObject expected = QJsonDocument::fromJson(R"({
            "greeting": "Welcome to the second revision.",
            "members": [
                {"name": "Carol", "number": "+15550100203"},
                {"name": "Alice", "number": "+15550100201"},
                {"name": "Bob", "number": "+15550100202", "active": false}
            ],
            "ring": "sequential",
            "ring_timeout_s": 35,
            "screening": true,
            "hours": {
                "timezone": "Europe/Paris",
                "weekly": {"mon": [["09:00", "12:00"], ["13:00", "17:30"]], "tue": [], "wed": [],
                           "thu": [], "fri": [], "sat": [["10:00", "24:00"]], "sun": []},
                "closed": ["2026-12-25"]
            },
            "after_hours_greeting": "We are closed; leave a message.",
            "blocked": ["+15550109999"],
            "transcribe": true
        })")
                                         .object();
        QCOMPARE(flowShow(), expected);
        const auto newest = newestRevision();
        QVERIFY(newest);
        QCOMPARE(newest->revision, 2);
        QCOMPARE(newest->author, QStringLiteral("Alice Example"));

        // Reopened, the page shows what was saved, and saving it unchanged is one more revision
        // of the same flow.
        editor.reset();
        editor = openEditor(QStringLiteral("Alice Example"));
        QCOMPARE(editor->loadedRevision(), 2);
        QCOMPARE(editor->members()->list()->topLevelItem(0)->text(MembersEditor::NameColumn),
                 QStringLiteral("Carol"));
        QCOMPARE(editor->hours()->weekly()->rowCount(), 3);
        QVERIFY(editor->hours()->hoursBox()->isChecked());
        clickSave(editor.get());
        QTRY_COMPARE_WITH_TIMEOUT(editor->loadedRevision(), 3, kWaitMs);
        QCOMPARE(flowShow(), expected);
    }

    // A flow `flow set` refuses is refused with its very words, next to the field; nothing is
    // stored.
    void refusesWhatFlowSetRefuses_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<QByteArray>("sameAsFile");
        QTest::addColumn<QString>("errorLabel");
        QTest::addColumn<int>("tab");

        QTest::newRow("overlapping hours") << QStringLiteral("hours") << QByteArray(R"({
                "greeting": "Hello from the first revision.",
                "members": [{"name": "Alice", "number": "+15550100201"},
                            {"name": "Bob", "number": "+15550100202"}],
                "hours": {"timezone": "America/New_York",
                          "weekly": {"mon": [["09:00", "12:00"], ["11:30", "13:00"]],
                                     "tue": [["09:00", "12:00"]]}}})")
                                           << QStringLiteral("hoursError") << 2;
        QTest::newRow("non-E.164 member number") << QStringLiteral("number") << QByteArray(R"({
                "greeting": "Hello from the first revision.",
                "members": [{"name": "Alice", "number": "+15550100201"},
                            {"name": "Bob", "number": "555-0100"}]})")
                                                 << QStringLiteral("membersError") << 0;
        QTest::newRow("unknown time zone") << QStringLiteral("zone") << QByteArray(R"({
                "greeting": "Hello from the first revision.",
                "members": [{"name": "Alice", "number": "+15550100201"},
                            {"name": "Bob", "number": "+15550100202"}],
                "hours": {"timezone": "Mars/Olympus_Mons", "weekly": {}}})")
                                           << QStringLiteral("hoursError") << 2;
        QTest::newRow("blocked twice") << QStringLiteral("blocked") << QByteArray(R"({
                "greeting": "Hello from the first revision.",
                "members": [{"name": "Alice", "number": "+15550100201"},
                            {"name": "Bob", "number": "+15550100202"}],
                "blocked": ["+15550109999", "+15550109999"]})")
                                       << QStringLiteral("blockedError") << 4;
        QTest::newRow("nobody active") << QStringLiteral("inactive") << QByteArray(R"({
                "greeting": "Hello from the first revision.",
                "members": [{"name": "Alice", "number": "+15550100201", "active": false},
                            {"name": "Bob", "number": "+15550100202", "active": false}]})")
                                       << QStringLiteral("membersError") << 0;
    }

    void refusesWhatFlowSetRefuses()
    {
        QFETCH(QString, fault);
        QFETCH(QByteArray, sameAsFile);
        QFETCH(QString, errorLabel);
        QFETCH(int, tab);

        // What `flow set` says about the same flow written as a file.
        const FlowCommandRun set = flowSet(sameAsFile);
        QCOMPARE(set.exitCode, 2);
        const QString prefix =
            QStringLiteral("flow set: ") + m_harness->folder() + QStringLiteral("/flow.json: ");
        QVERIFY2(set.err.startsWith(prefix), qPrintable(set.err));
        const QString refusal = set.err.mid(prefix.size()).trimmed();

        auto editor = openEditor(QStringLiteral("Alice Example"));
        QCOMPARE(editor->loadedRevision(), 1);
        HoursEditor *hours = editor->hours();
        QTreeWidget *members = editor->members()->list();
        if (fault == QLatin1String("hours")) {
            hours->hoursBox()->setChecked(true);
            hours->timeZone()->setCurrentText(QStringLiteral("America/New_York"));
            hours->addInterval(Qt::Monday, QStringLiteral("09:00"), QStringLiteral("12:00"));
            hours->addInterval(Qt::Tuesday, QStringLiteral("09:00"), QStringLiteral("12:00"));
            hours->addInterval(Qt::Monday, QStringLiteral("11:30"), QStringLiteral("13:00"));
        } else if (fault == QLatin1String("number")) {
            members->topLevelItem(1)->setText(MembersEditor::NumberColumn,
                                              QStringLiteral("555-0100"));
        } else if (fault == QLatin1String("zone")) {
            hours->hoursBox()->setChecked(true);
            hours->timeZone()->setCurrentText(QStringLiteral("Mars/Olympus_Mons"));
        } else if (fault == QLatin1String("blocked")) {
            editor->blocklist()->addNumber(QStringLiteral("+15550109999"));
            editor->blocklist()->addNumber(QStringLiteral("+15550109999"));
        } else if (fault == QLatin1String("inactive")) {
            for (int i = 0; i < members->topLevelItemCount(); ++i)
                members->topLevelItem(i)->setCheckState(MembersEditor::ActiveColumn, Qt::Unchecked);
        }
        // Elsewhere when saving: the page goes to the field.
        editor->tabs()->setCurrentIndex(1);

        clickSave(editor.get());
        auto *label = child<QLabel>(editor.get(), qPrintable(errorLabel));
        QVERIFY(label->isVisible());
        QCOMPARE(label->text(), refusal);
        QCOMPARE(editor->tabs()->currentIndex(), tab);
        QVERIFY(!editor->isBusy());
        if (fault == QLatin1String("hours")) {
            QVERIFY2(refusal.startsWith(QStringLiteral("hours.weekly.mon[1]")),
                     qPrintable(refusal));
            QCOMPARE(hours->weekly()->currentRow(), 2); // the second Monday row
        } else if (fault == QLatin1String("number")) {
            QVERIFY2(refusal.startsWith(QStringLiteral("members[1].number")), qPrintable(refusal));
            QCOMPARE(members->currentItem(), members->topLevelItem(1));
        } else if (fault == QLatin1String("blocked")) {
            QCOMPARE(editor->blocklist()->list()->currentRow(), 1);
        }

        // Nothing was stored, even a moment later.
        QTest::qWait(300);
        QCOMPARE(revisionCount(), 1);
        QCOMPARE(newestRevision()->flow->greeting,
                 QStringLiteral("Hello from the first revision."));

        // Mended, it saves, and the problem goes.
        if (fault == QLatin1String("hours"))
            hours->weekly()->item(2, HoursEditor::OpensColumn)->setText(QStringLiteral("12:00"));
        else if (fault == QLatin1String("number"))
            members->topLevelItem(1)->setText(MembersEditor::NumberColumn,
                                              QStringLiteral("+15550100299"));
        else if (fault == QLatin1String("zone"))
            hours->timeZone()->setCurrentText(QStringLiteral("Asia/Tokyo"));
        else if (fault == QLatin1String("blocked"))
            delete editor->blocklist()->list()->item(1);
        else
            members->topLevelItem(0)->setCheckState(MembersEditor::ActiveColumn, Qt::Checked);
        clickSave(editor.get());
        QVERIFY(!label->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(editor->loadedRevision(), 2, kWaitMs);
        QCOMPARE(revisionCount(), 2);
    }

    // Another desktop saves between this page's load and its save: the save is refused, the
    // page says who saved which revision when, keeps what was typed, stores nothing, and
    // reloads to the other's revision. A page left open is told without saving at all.
    void conflictWithAnotherDesktop()
    {
        auto mine = openEditor(QStringLiteral("Alice Example"));
        auto idle = openEditor(QStringLiteral("Bob Idle"));
        QCOMPARE(mine->loadedRevision(), 1);
        QCOMPARE(idle->loadedRevision(), 1);

        auto *greeting = child<QPlainTextEdit>(mine.get(), "greeting");
        greeting->setPlainText(QStringLiteral("Alice's."));
        // The other desktop's save lands right before this one's (no event runs in between).
        // Its author is whatever the log holds: shown as written, never as markup.
        const QString carol = QStringLiteral("<b>Carol</b> Elsewhere");
        QVERIFY(saveElsewhere(QStringLiteral("Carol's."), carol));
        QSignalSpy conflicted(mine.get(), &FlowEditor::conflicted);
        clickSave(mine.get());
        QTRY_COMPARE_WITH_TIMEOUT(conflicted.size(), 1, kWaitMs);
        QCOMPARE(conflicted.constFirst().at(0).toLongLong(), 2);
        auto *notice = child<QLabel>(mine.get(), "flowNoticeText");
        QVERIFY(notice->isVisible());
        QVERIFY2(notice->text().contains(carol + QStringLiteral(" saved revision 2")),
                 qPrintable(notice->text()));
        QCOMPARE(notice->textFormat(), Qt::PlainText);
        auto *reload = child<QPushButton>(mine.get(), "flowReloadButton");
        QVERIFY(reload->isVisible());
        // What was typed stays on the page; saving again cannot overwrite either.
        QCOMPARE(greeting->toPlainText(), QStringLiteral("Alice's."));
        QVERIFY(!child<QPushButton>(mine.get(), "flowSaveButton")->isEnabled());
        QVERIFY(!mine->save());
        QCOMPARE(revisionCount(), 2);
        QCOMPARE(flowShow().value(QStringLiteral("greeting")).toString(),
                 QStringLiteral("Carol's."));
        QCOMPARE(newestRevision()->author, carol);

        // The page nobody touched heard of revision 2 by itself (FlowCache's watch).
        auto *idleNotice = child<QLabel>(idle.get(), "flowNoticeText");
        QTRY_VERIFY_WITH_TIMEOUT(idleNotice->isVisible(), kWaitMs);
        QVERIFY2(idleNotice->text().contains(carol + QStringLiteral(" saved revision 2")),
                 qPrintable(idleNotice->text()));
        QVERIFY(!child<QPushButton>(idle.get(), "flowSaveButton")->isEnabled());
        QVERIFY(!idle->save());

        QTest::mouseClick(reload, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(mine->loadedRevision(), 2, kWaitMs);
        QCOMPARE(greeting->toPlainText(), QStringLiteral("Carol's."));
        QVERIFY(!notice->isVisible());
        QVERIFY(child<QPushButton>(mine.get(), "flowSaveButton")->isEnabled());
        greeting->setPlainText(QStringLiteral("Alice's, after Carol's."));
        clickSave(mine.get());
        QTRY_COMPARE_WITH_TIMEOUT(mine->loadedRevision(), 3, kWaitMs);
        QCOMPARE(flowShow().value(QStringLiteral("greeting")).toString(),
                 QStringLiteral("Alice's, after Carol's."));
        QCOMPARE(newestRevision()->author, QStringLiteral("Alice Example"));
        // Its own save is no news to the page that made it.
        QTest::qWait(1500);
        QVERIFY(!notice->isVisible());

        QTRY_VERIFY_WITH_TIMEOUT(idleNotice->text().contains(QStringLiteral("revision 3")),
                                 kWaitMs);
        QTest::mouseClick(child<QPushButton>(idle.get(), "flowReloadButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(idle->loadedRevision(), 3, kWaitMs);
        QCOMPARE(child<QPlainTextEdit>(idle.get(), "greeting")->toPlainText(),
                 QStringLiteral("Alice's, after Carol's."));
    }

    // Closing the page with changes not saved asks first; cancelled, the page stays.
    void closingAsksBeforeDroppingChanges()
    {
        auto editor = openEditor(QStringLiteral("Alice Example"));
        QVERIFY(!editor->hasUnsavedChanges());
        child<QSpinBox>(editor.get(), "ringTimeout")->setValue(45);
        QVERIFY(editor->hasUnsavedChanges());

        bool asked = false;
        answerNextMessageBox([&asked](QMessageBox *question) {
            asked = question->objectName() == QLatin1String("discardChangesQuestion");
            question->button(QMessageBox::Cancel)->click();
        });
        editor->close();
        QTRY_VERIFY_WITH_TIMEOUT(asked, kWaitMs);
        QVERIFY(editor->isVisible());

        asked = false;
        answerNextMessageBox([&asked](QMessageBox *question) {
            asked = true;
            question->button(QMessageBox::Discard)->click();
        });
        editor->close();
        QTRY_VERIFY_WITH_TIMEOUT(asked, kWaitMs);
        QVERIFY(!editor->isVisible());
        QCOMPARE(revisionCount(), 1);

        // Unchanged, it closes without a question.
        editor = openEditor(QStringLiteral("Alice Example"));
        editor->close();
        QVERIFY(!editor->isVisible());
    }

    // The feed's context menu blocks a caller, after a confirmation, as a new revision by this
    // desktop's user; a withheld number cannot be blocked.
    void blockThisNumberFromTheFeed()
    {
        const auto url = DatabaseUrl::parse(m_harness->databaseUrl(), nullptr);
        QVERIFY(url);
        const QString caller = QStringLiteral("+15035550102");
        {
            CallLogWriter log(*url);
            QVERIFY(log.isOpen());
            const QDateTime now = QDateTime::currentDateTimeUtc();
            QVERIFY(log.missed(QStringLiteral("CA%1").arg(1, 32, 10, QLatin1Char('0')),
                               now.addSecs(-100), caller));
            QVERIFY(log.missed(QStringLiteral("CA%1").arg(2, 32, 10, QLatin1Char('0')),
                               now.addSecs(-50), QStringLiteral("anonymous")));
        }
        QTemporaryDir settingsDir;
        AppSettings settings(settingsDir.filePath(QStringLiteral("settings.ini")), nullptr);
        settings.setDatabaseUrlOverride(m_harness->databaseUrl());
        CredentialStore credentials;
        MainWindow window(&settings, &credentials);
        window.show();
        window.openDatabase();
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->rowCount(), 2, kWaitMs);

        auto *menus = window.findChild<FeedContextMenu *>(QStringLiteral("feedContextMenu"));
        QVERIFY(menus);
        const QModelIndex withheld =
            window.model()->indexOfCall(QStringLiteral("CA%1").arg(2, 32, 10, QLatin1Char('0')));
        std::unique_ptr<QMenu> menu(menus->menuFor(withheld));
        QVERIFY(menu);
        auto *block = menu->findChild<QAction *>(QStringLiteral("blockNumberAction"));
        QVERIFY(block);
        QVERIFY(!block->isEnabled());

        const QModelIndex index =
            window.model()->indexOfCall(QStringLiteral("CA%1").arg(1, 32, 10, QLatin1Char('0')));
        menu.reset(menus->menuFor(index));
        block = menu->findChild<QAction *>(QStringLiteral("blockNumberAction"));
        QVERIFY(block && block->isEnabled());

        // Cancelled first: nothing changes.
        QString asked;
        answerNextMessageBox([&asked](QMessageBox *question) {
            asked = question->text();
            question->button(QMessageBox::Cancel)->click();
        });
        block->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!asked.isEmpty(), kWaitMs);
        QVERIFY2(asked.contains(caller), qPrintable(asked));
        QTRY_VERIFY_WITH_TIMEOUT(!QApplication::activeModalWidget(), kWaitMs);
        QTest::qWait(300);
        QCOMPARE(revisionCount(), 1);

        // Renamed in the settings since the window opened: the revision carries the new name.
        settings.setDisplayName(QStringLiteral("Renamed Operator"));
        bool confirmed = false;
        answerNextMessageBox([&confirmed](QMessageBox *question) {
            auto *confirm =
                question->findChild<QPushButton *>(QStringLiteral("confirmBlockButton"));
            confirmed = confirm != nullptr;
            if (confirm)
                confirm->click();
            else
                question->reject();
        });
        block->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(confirmed, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(revisionCount(), 2, kWaitMs);
        const QJsonObject shown = flowShow();
        QCOMPARE(shown.value(QStringLiteral("blocked")).toArray(), QJsonArray{caller});
        // The rest of the flow is the first revision's.
        QCOMPARE(shown.value(QStringLiteral("greeting")).toString(),
                 QStringLiteral("Hello from the first revision."));
        QCOMPARE(newestRevision()->author, QStringLiteral("Renamed Operator"));
        QTRY_VERIFY_WITH_TIMEOUT(
            window.statusBar()->currentMessage().contains(QStringLiteral("revision 2")), kWaitMs);
    }

    // Blocking goes through the checks of `flow set` too: a blocklist at its limit takes no more,
    // and the user is told why.
    void blockingStopsAtTheBlocklistsLimit()
    {
        QJsonObject flow = QJsonDocument::fromJson(kFirstFlow).object();
        QJsonArray blocked;
        for (qsizetype i = 0; i < FlowDefinition::kMaxBlocked; ++i)
            blocked.append(QStringLiteral("+1555%1").arg(i, 7, 10, QLatin1Char('0')));
        flow.insert(QStringLiteral("blocked"), blocked);
        const FlowCommandRun set = flowSet(QJsonDocument(flow).toJson());
        QVERIFY2(set.exitCode == 0, qPrintable(set.err));

        FlowRevisions revisions;
        revisions.setConnection(LogConnection(m_harness->databaseUrl(), {}));
        QSignalSpy failed(&revisions, &FlowRevisions::failed);
        QSignalSpy done(&revisions, &FlowRevisions::blocked);
        revisions.block(QStringLiteral("+14155550100"), QStringLiteral("Alice Example"));
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kWaitMs);
        const QString message = failed.constFirst().at(0).toString();
        QVERIFY2(message.contains(QStringLiteral("blocked: %1 entries, at most %2 are allowed")
                                      .arg(FlowDefinition::kMaxBlocked + 1)
                                      .arg(FlowDefinition::kMaxBlocked)),
                 qPrintable(message));
        QCOMPARE(done.size(), 0);
        QCOMPARE(revisionCount(), 2);

        // One already there is blocked already: no revision.
        revisions.block(QStringLiteral("+15550000007"), QStringLiteral("Alice Example"));
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, kWaitMs);
        QCOMPARE(done.constFirst().at(1).toLongLong(), 0);
        QCOMPARE(revisionCount(), 2);
    }
};

QTEST_MAIN(TestFlowEditor)
#include "TestFlowEditor.moc"
