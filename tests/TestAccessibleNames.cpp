// Every control of every window and dialog has a name a screen reader says (issue #20): the
// main window with a voicemail's details, its handling and its player, the settings, the
// statistics and the call flow editor, opened for real, offscreen. The name checked is the one
// assistive technology reads, QAccessibleInterface::text(QAccessible::Name): a button's label
// or a field's buddy label counts, a bare widget does not.

#include "AppTestData.h"
#include "backend/AppSettings.h"
#include "backend/CallLog.h"
#include "backend/CredentialStore.h"
#include "core/FlowDefinition.h"
#include "db/Database.h"
#include "db/FlowStore.h"
#include "gui/details/DetailsPane.h"
#include "gui/feed/CallFeedModel.h"
#include "gui/feed/FeedView.h"
#include "gui/flow/FlowEditor.h"
#include "gui/MainWindow.h"
#include "gui/player/VoicemailPlayer.h"
#include "gui/settings/SettingsDialog.h"
#include "gui/stats/StatisticsView.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QChartView>
#include <QComboBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSet>
#include <QSlider>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTextEdit>

using namespace Switchboard;
using namespace Switchboard::Testing;

namespace {

constexpr int kWaitMs = 15000;

QString sid(int i)
{
    return QStringLiteral("CA%1").arg(i, 32, 10, QLatin1Char('0'));
}

// The widgets a user operates: they must have a name of their own.
bool isControl(const QWidget *widget)
{
    if (qobject_cast<const QHeaderView *>(widget))
        return false; // part of its view, which is named
    return qobject_cast<const QAbstractButton *>(widget) ||
           qobject_cast<const QLineEdit *>(widget) || qobject_cast<const QComboBox *>(widget) ||
           qobject_cast<const QAbstractSpinBox *>(widget) ||
           qobject_cast<const QSlider *>(widget) ||
           qobject_cast<const QAbstractItemView *>(widget) ||
           qobject_cast<const QTabBar *>(widget) || qobject_cast<const QChartView *>(widget) ||
           qobject_cast<const QPlainTextEdit *>(widget) || qobject_cast<const QTextEdit *>(widget);
}

// Where a widget without an object name is: its named ancestors.
QString describe(const QWidget *widget)
{
    QStringList path;
    for (const QObject *o = widget; o; o = o->parent()) {
        if (!o->objectName().isEmpty() || o == widget)
            path.prepend(QStringLiteral("%1(%2)").arg(
                o->objectName(), QString::fromLatin1(o->metaObject()->className())));
        if (o->isWidgetType() && static_cast<const QWidget *>(o)->isWindow())
            break;
    }
    return path.join(QLatin1Char('/'));
}

// Walks what assistive technology reaches from `root`: its accessible interface's children,
// down the tree, and the widgets an item view holds in its cells. Each control reached must
// have a name there. (A spin box's inner line edit, a table's corner button or a combo box's
// popup list are not in that tree: the control that owns them speaks for them.)
void collectUnnamed(QAccessibleInterface *accessible, QSet<QObject *> *seen, QStringList *unnamed,
                    int *checked)
{
    if (!accessible || !accessible->isValid())
        return;
    QObject *object = accessible->object();
    if (object && object->isWidgetType()) {
        if (seen->contains(object))
            return;
        seen->insert(object);
        auto *widget = static_cast<QWidget *>(object);
        if (isControl(widget)) {
            ++*checked;
            if (accessible->text(QAccessible::Name).trimmed().isEmpty())
                unnamed->append(describe(widget));
        }
        if (auto *view = qobject_cast<QAbstractItemView *>(widget)) {
            // Its accessible children are its cells; a widget set on a cell is a control.
            for (QWidget *cellWidget :
                 view->viewport()->findChildren<QWidget *>(QString(), Qt::FindDirectChildrenOnly))
                collectUnnamed(QAccessible::queryAccessibleInterface(cellWidget), seen, unnamed,
                               checked);
            return;
        }
    }
    for (int i = 0; i < accessible->childCount(); ++i)
        collectUnnamed(accessible->child(i), seen, unnamed, checked);
}

QStringList unnamedControls(QWidget *root, int *checked)
{
    QSet<QObject *> seen;
    QStringList unnamed;
    collectUnnamed(QAccessible::queryAccessibleInterface(root), &seen, &unnamed, checked);
    return unnamed;
}

} // namespace

class TestAccessibleNames final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<CredentialStore> m_credentials;
    std::unique_ptr<MainWindow> m_window;

    void check(QWidget *root, int atLeast)
    {
        int checked = 0;
        const QStringList unnamed = unnamedControls(root, &checked);
        for (const QString &control : unnamed)
            qWarning("no accessible name: %s", qPrintable(control));
        QVERIFY2(unnamed.isEmpty(), qPrintable(QStringLiteral("%1 of %2 controls have no "
                                                              "accessible name (listed above)")
                                                   .arg(unnamed.size())
                                                   .arg(checked)));
        // The walk saw the window's controls, not an empty shell.
        QVERIFY2(checked >= atLeast, qPrintable(QString::number(checked)));
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
        QVERIFY(log.missed(sid(3), now.addSecs(-300), QStringLiteral("+14155550103")));
        QVERIFY(
            log.voicemails().storeAudio(sid(2), CallLogWriter::wav(), QStringLiteral("audio/wav")));
        // A call flow with a row in each of the editor's lists, as `flow set` stores it.
        QString error;
        const auto flow = FlowDefinition::fromJson(R"({
            "members": [{"name": "Alice", "number": "+15550100201"},
                        {"name": "Bob", "number": "+15550100202", "active": false}],
            "ring": "sequential",
            "ring_timeout_s": 25,
            "hours": {"timezone": "Europe/Paris",
                      "weekly": {"mon": [["09:00", "12:00"], ["13:00", "17:30"]]},
                      "closed": ["2026-12-25"]},
            "greeting": "Hello.",
            "blocked": ["+15550109999"],
            "transcribe": true
        })",
                                                   &error);
        QVERIFY2(flow, qPrintable(error));
        Database flowLog(DatabaseUrl::sqlite(path), QStringLiteral("flow-writer"));
        QVERIFY2(flowLog.open(&error), qPrintable(error));
        QVERIFY2(FlowStore(flowLog).save(*flow, QStringLiteral("Tester"), &error) > 0,
                 qPrintable(error));

        m_settings =
            std::make_unique<AppSettings>(m_dir.filePath(QStringLiteral("settings.ini")), nullptr);
        m_settings->setDatabaseUrlOverride(QStringLiteral("sqlite:") + path);
        m_credentials = std::make_unique<CredentialStore>();
        m_window = std::make_unique<MainWindow>(m_settings.get(), m_credentials.get());
        m_window->show();
        m_window->openDatabase();
        QTRY_COMPARE_WITH_TIMEOUT(m_window->model()->rowCount(), 3, kWaitMs);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_credentials.reset();
        m_settings.reset();
    }

    // The feed, the filters, the counters, and the voicemail's details: player, heard, save,
    // handling (done, tags, notes), call back, route and timeline.
    void mainWindowWithAVoicemail()
    {
        m_window->view()->selectRow(1);
        QCOMPARE(m_window->detailsPane()->call()->callSid, sid(2));
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->detailsPane()->player()->audio().isEmpty(), kWaitMs);
        check(m_window.get(), 20);
    }

    void settingsDialog()
    {
        SettingsDialog dialog(m_settings.get(), m_credentials.get(), m_window.get());
        dialog.show();
        check(&dialog, 8);
    }

    void statistics()
    {
        auto *action = m_window->findChild<QAction *>(QStringLiteral("statisticsAction"));
        QVERIFY(action);
        action->trigger();
        auto *statistics = m_window->findChild<StatisticsView *>();
        QVERIFY(statistics);
        QTRY_VERIFY(statistics->isVisible());
        check(statistics, 6);
        statistics->close();
    }

    void callFlowEditor()
    {
        auto *action = m_window->findChild<QAction *>(QStringLiteral("callFlowAction"));
        QVERIFY(action);
        action->trigger();
        auto *editor = m_window->findChild<FlowEditor *>();
        QVERIFY(editor);
        QTRY_COMPARE_WITH_TIMEOUT(editor->loadedRevision(), qint64(1), kWaitMs);
        check(editor, 20);
        editor->reject();
    }
};

QTEST_MAIN(TestAccessibleNames)
#include "TestAccessibleNames.moc"
