// "Call back" end to end, as a user meets it: the real main window, with the Twilio
// credentials in a real keychain (run under env/with-keyring.sh), asks the simulator's REST
// Calls endpoint to place the call; the simulator rings the staff phone, fetches the call
// back's TwiML from the real service (signed), follows its <Dial> to the caller and sends the
// status callbacks; the log then holds the call back, linked to the call it answers, and the
// feed says who called back. Twilio's 401 and a network that is down each show their message
// and log nothing.

#include "backend/AppSettings.h"
#include "backend/CallBackRequest.h"
#include "backend/CredentialStore.h"
#include "db/CallReader.h"
#include "db/Database.h"
#include "gui/CallBackController.h"
#include "gui/details/DetailsPane.h"
#include "gui/feed/CallFeedModel.h"
#include "gui/feed/FeedContextMenu.h"
#include "gui/feed/FeedView.h"
#include "gui/feed/FilterBar.h"
#include "gui/MainWindow.h"
#include "gui/settings/SettingsDialog.h"
#include "RestCalls.h"
#include "ServiceHarness.h"
#include "support/KeyringGuard.h"

#include <memory>
#include <QAction>
#include <QApplication>
#include <QDialogButtonBox>
#include <QHttpServer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace Switchboard;
using Switchboard::Testing::ServiceHarness;

namespace {

const QString kOwnNumber = QStringLiteral("+15550100222");
const QString kStaffName = QStringLiteral("Alice <b>Example</b>"); // shown as written

QList<CallRecord> allCalls(CallReader &reader)
{
    QList<CallRecord> calls;
    reader.forEachCall([&calls](const CallRecord &call) {
        calls << call;
        return true;
    });
    return calls;
}

} // namespace

class TestCallBack final : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServiceHarness> m_harness;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<CredentialStore> m_credentials;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<Database> m_database;
    QString m_inboundSid;

    bool storeCredentials(const QString &authToken)
    {
        QSignalSpy saved(m_credentials.get(), &CredentialStore::saved);
        m_credentials->save({ServiceHarness::accountSid, authToken});
        return saved.wait(10000);
    }

    QPushButton *button() const
    {
        return m_window->detailsPane()->findChild<QPushButton *>(QStringLiteral("callBackButton"));
    }
    QLabel *label(const char *name) const
    {
        return m_window->detailsPane()->findChild<QLabel *>(QLatin1String(name));
    }
    QString outcomeText(const QString &callSid) const
    {
        const QModelIndex row = m_window->model()->indexOfCall(callSid);
        return m_window->model()
            ->index(row.row(), CallFeedModel::OutcomeColumn)
            .data(Qt::DisplayRole)
            .toString();
    }

    // Selects the caller's call in the feed, as a click would.
    void selectInbound()
    {
        const QModelIndex index = m_window->model()->indexOfCall(m_inboundSid);
        QVERIFY(index.isValid());
        m_window->view()->setCurrentIndex(index);
        QTRY_VERIFY(button()->isVisible());
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!Testing::onThrowawayBus())
            QFAIL(Testing::kThrowawayBusRefusal);
        m_harness = std::make_unique<ServiceHarness>();
        QVERIFY2(m_harness->startService(), qPrintable(m_harness->serviceOutput()));
        // A caller who hung up in the menu: a call nobody took.
        const auto sim =
            m_harness->runSim({QStringLiteral("--hangup-in-menu"), QStringLiteral("--caller-name"),
                               QStringLiteral("Bob Caller")});
        QVERIFY2(sim.exitCode == 0, qPrintable(sim.output));

        QString error;
        m_database = m_harness->openDatabase(QStringLiteral("callback-test"),
                                             ServiceHarness::Schema::AsItIs, &error);
        QVERIFY2(m_database, qPrintable(error));
        CallReader reader(*m_database);
        const QList<CallRecord> calls = allCalls(reader);
        QCOMPARE(calls.size(), 1);
        m_inboundSid = calls.first().callSid;

        m_settings = std::make_unique<AppSettings>(m_harness->folder() + QStringLiteral("/app.ini"),
                                                   nullptr);
        m_settings->setDatabaseUrl(m_harness->databaseUrl());
        m_settings->setOwnNumber(kOwnNumber);
        m_settings->setServiceUrl(m_harness->serviceUrl());
        m_settings->setDisplayName(kStaffName);
        m_credentials = std::make_unique<CredentialStore>();
        m_window = std::make_unique<MainWindow>(m_settings.get(), m_credentials.get());
        m_window->resize(1200, 700);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->activateWindow();
        m_window->openDatabase();
        QTRY_VERIFY_WITH_TIMEOUT(m_window->model()->indexOfCall(m_inboundSid).isValid(), 10000);
    }

    void withoutCredentialsItSaysSo()
    {
        QSignalSpy erased(m_credentials.get(), &CredentialStore::erased);
        m_credentials->erase();
        QVERIFY(erased.wait(10000) || erased.size() == 1);
        selectInbound();
        QTest::mouseClick(button(), Qt::LeftButton);
        QTRY_VERIFY(label("callBackMessage")->isVisible() &&
                    label("callBackMessage")->text().contains(QStringLiteral("Account SID")));
        QTRY_VERIFY(button()->isEnabled()); // not stuck in "Calling back…"
    }

    void twiliosRefusalOfTheCredentialsShowsAndLogsNothing()
    {
        QVERIFY(storeCredentials(QStringLiteral("not-the-token")));
        m_settings->setTwilioApiUrl(m_harness->mediaUrl());
        QProcess *sim = m_harness->startSim(
            {QStringLiteral("--calls"), QStringLiteral("0"), QStringLiteral("--call-backs"),
             QStringLiteral("1"), QStringLiteral("--wait-call-backs"), QStringLiteral("60")});
        QVERIFY(sim);
        QTRY_VERIFY_WITH_TIMEOUT(sim->canReadLine() || sim->state() == QProcess::NotRunning, 10000);
        QVERIFY(sim->state() == QProcess::Running);

        selectInbound();
        QTest::mouseClick(button(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(label("callBackMessage")
                                     ->text()
                                     .contains(QStringLiteral("Twilio refused the credentials")),
                                 10000);
        QVERIFY2(label("callBackMessage")->text().contains(QStringLiteral("Authenticate")),
                 qPrintable(label("callBackMessage")->text()));
        QVERIFY(button()->isEnabled());
        QTest::qWait(500);
        CallReader reader(*m_database);
        QCOMPARE(allCalls(reader).size(), 1); // no call back logged
        sim->kill();
        sim->waitForFinished(5000);
    }

    // A call Twilio refuses (here: the number's country is not enabled) shows Twilio's words.
    void twiliosRefusalOfTheCallShowsItsMessage()
    {
        QVERIFY(storeCredentials(ServiceHarness::authToken));
        QHttpServer twilio;
        int requests = 0;
        twilio.route(QStringLiteral("/2010-04-01/Accounts/<arg>/Calls.json"), [&requests](
                                                                                  const QString &) {
            ++requests;
            return QHttpServerResponse(
                QByteArrayLiteral("application/json"),
                RestCalls::errorJson(21215,
                                     QStringLiteral("Account not authorized to call +14155550142. "
                                                    "<a href=x>Enable</a> geo permissions."),
                                     400),
                QHttpServerResponse::StatusCode::BadRequest);
        });
        const quint16 port = twilio.listen(QHostAddress::LocalHost);
        QVERIFY(port);
        m_settings->setTwilioApiUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
        selectInbound();
        QTest::mouseClick(button(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(
            label("callBackMessage")->text().startsWith(QStringLiteral("Twilio refused the call")),
            10000);
        QCOMPARE(label("callBackMessage")->text(),
                 QStringLiteral("Twilio refused the call: Account not authorized to call "
                                "+14155550142. <a href=x>Enable</a> geo permissions. (Twilio "
                                "error 21215)"));
        QCOMPARE(label("callBackMessage")->textFormat(), Qt::PlainText);
        QCOMPARE(requests, 1);
        CallReader reader(*m_database);
        QCOMPARE(allCalls(reader).size(), 1);
    }

    void aNetworkThatIsDownShowsAndLogsNothing()
    {
        QVERIFY(storeCredentials(ServiceHarness::authToken));
        quint16 closed = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            closed = probe.serverPort();
        }
        m_settings->setTwilioApiUrl(QStringLiteral("http://127.0.0.1:%1").arg(closed));
        selectInbound();
        // From the feed's context menu this time.
        QAction *action = m_window->callBack()->action();
        auto *contextMenu = m_window->findChild<FeedContextMenu *>();
        QVERIFY(contextMenu);
        const std::unique_ptr<QMenu> menu(contextMenu->menuFor(m_window->view()->currentIndex()));
        QVERIFY(menu && menu->actions().contains(action));
        action->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(
            label("callBackMessage")->text().startsWith(QStringLiteral("Cannot reach Twilio")),
            10000);
        QTest::qWait(300);
        CallReader reader(*m_database);
        QCOMPARE(allCalls(reader).size(), 1);
    }

    void callsBackThroughBothLegs()
    {
        QVERIFY(storeCredentials(ServiceHarness::authToken));
        m_settings->setTwilioApiUrl(m_harness->mediaUrl());
        QProcess *sim = m_harness->startSim(
            {QStringLiteral("--calls"), QStringLiteral("0"), QStringLiteral("--call-backs"),
             QStringLiteral("1"), QStringLiteral("--call-back-answer"), QStringLiteral("talk:7")});
        QVERIFY(sim);
        QTRY_VERIFY_WITH_TIMEOUT(sim->canReadLine() || sim->state() == QProcess::NotRunning, 10000);
        QVERIFY(sim->state() == QProcess::Running);

        selectInbound();
        m_window->view()->setFocus();
        // The keyboard: Ctrl+B, then a second press and a click while the first is pending,
        // which place nothing more.
        QSignalSpy pending(m_window->callBack()->request(), &CallBackRequest::pendingChanged);
        QTest::keyClick(m_window.get(), Qt::Key_B, Qt::ControlModifier);
        QCOMPARE(pending.size(), 1);
        QVERIFY(!button()->isEnabled());
        QCOMPARE(button()->text(), QStringLiteral("Calling back…"));
        QTest::keyClick(m_window.get(), Qt::Key_B, Qt::ControlModifier);
        QTest::mouseClick(button(), Qt::LeftButton);
        m_window->callBack()->callBack();
        QCOMPARE(pending.size(), 1);

        QTRY_VERIFY_WITH_TIMEOUT(sim->state() == QProcess::NotRunning, 60000);
        const QString output = QString::fromUtf8(sim->readAll());
        QVERIFY2(sim->exitCode() == 0, qPrintable(output));
        QCOMPARE(output.count(QStringLiteral("Calls.json -> 201")), 1);
        QVERIFY2(output.contains(QStringLiteral("dialled +14155550142 showing +15005550006, "
                                                "completed")),
                 qPrintable(output));
        QVERIFY(label("callBackMessage")->text().contains(QStringLiteral("Calling your phone")));

        // The log: one call back, outbound, linked to the caller's call, both legs in it.
        CallReader reader(*m_database);
        QList<CallRecord> calls;
        QTRY_VERIFY_WITH_TIMEOUT(
            (calls = allCalls(reader)).size() == 2 &&
                isFinal(reader
                            .call(calls.first().callSid == m_inboundSid ? calls.last().callSid
                                                                        : calls.first().callSid)
                            ->status),
            10000);
        const CallRecord outbound =
            calls.first().callSid == m_inboundSid ? calls.last() : calls.first();
        const CallRecord inbound = *reader.call(m_inboundSid);
        QCOMPARE(outbound.direction, CallDirection::Outbound);
        QCOMPARE(outbound.callBackOf, m_inboundSid);
        QCOMPARE(outbound.calledBackBy, kStaffName);
        QCOMPARE(outbound.to, kOwnNumber);            // the staff phone rang first
        QCOMPARE(outbound.from, inbound.to);          // showing the company's number
        QCOMPARE(outbound.forwardedTo, inbound.from); // then the caller
        QCOMPARE(outbound.dialStatus, QStringLiteral("completed"));
        QCOMPARE(outbound.talkDurationS, std::optional<int>(7));
        QCOMPARE(outbound.status, CallStatus::Completed);
        QCOMPARE(outbound.outcome(), Outcome::Answered);
        QCOMPARE(inbound.direction, CallDirection::Inbound);
        QVERIFY(inbound.lastCallBack);
        QCOMPARE(inbound.lastCallBack->callSid, outbound.callSid);

        // The feed: the call back as such, and on the caller's call who called back, when,
        // and that the caller was reached; the name as written, never markup.
        QTRY_VERIFY_WITH_TIMEOUT(m_window->model()->indexOfCall(outbound.callSid).isValid(), 10000);
        const QString when = outbound.startedAt.toLocalTime().toString(QStringLiteral("HH:mm"));
        QTRY_COMPARE_WITH_TIMEOUT(
            outcomeText(m_inboundSid).section(QStringLiteral(" · "), -3),
            QStringLiteral("Called back by %1 · %2 · reached").arg(kStaffName, when), 10000);
        const QModelIndex outboundRow = m_window->model()->indexOfCall(outbound.callSid);
        QCOMPARE(m_window->model()
                     ->index(outboundRow.row(), CallFeedModel::CallerColumn)
                     .data()
                     .toString(),
                 QStringLiteral("Call back to +14155550142"));
        QCOMPARE(outcomeText(outbound.callSid),
                 QStringLiteral("Call back · %1 · reached").arg(kStaffName));
        QTRY_COMPARE(label("callBackState")->text(),
                     QStringLiteral("Called back by %1 · %2 · reached").arg(kStaffName, when));
        QCOMPARE(label("callBackState")->textFormat(), Qt::PlainText);

        // Called back and reached: handled. "Open" leaves out the caller's call, and the call
        // back itself, the team's own call.
        m_window->filterBar()->setOpenOnly(true);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->model()->indexOfCall(m_inboundSid).isValid(), 10000);
        QVERIFY(!m_window->model()->indexOfCall(outbound.callSid).isValid());
        m_window->filterBar()->setOpenOnly(false);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->model()->indexOfCall(m_inboundSid).isValid(), 10000);

        // The export carries the direction and the link.
        const QJsonArray exported = QJsonDocument::fromJson(m_harness->exportLog()).array();
        QCOMPARE(exported.size(), 2);
        bool found = false;
        for (const QJsonValue &value : exported) {
            const QJsonObject call = value.toObject();
            if (call.value(QStringLiteral("call_sid")).toString() != outbound.callSid)
                continue;
            found = true;
            QCOMPARE(call.value(QStringLiteral("direction")).toString(),
                     QStringLiteral("outbound"));
            QCOMPARE(call.value(QStringLiteral("call_back_of")).toString(), m_inboundSid);
            QCOMPARE(call.value(QStringLiteral("called_back_by")).toString(), kStaffName);
        }
        QVERIFY(found);
    }

    // The staff phone does not pick up: Twilio never fetches the Url, and the status callback
    // alone links the call back to the call; the caller's call now shows it was not reached.
    void aCallBackTheStaffDidNotAnswer()
    {
        QSignalSpy placed(m_window->callBack()->request(), &CallBackRequest::placed);
        QProcess *sim =
            m_harness->startSim({QStringLiteral("--calls"), QStringLiteral("0"),
                                 QStringLiteral("--call-backs"), QStringLiteral("1"),
                                 QStringLiteral("--call-back-staff"), QStringLiteral("no-answer")});
        QVERIFY(sim);
        QTRY_VERIFY_WITH_TIMEOUT(sim->canReadLine() || sim->state() == QProcess::NotRunning, 10000);
        selectInbound();
        QTest::mouseClick(button(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(sim->state() == QProcess::NotRunning, 60000);
        const QString output = QString::fromUtf8(sim->readAll());
        QVERIFY2(sim->exitCode() == 0, qPrintable(output));
        QVERIFY2(!output.contains(QStringLiteral("/twilio/outbound?")), qPrintable(output));
        QCOMPARE(placed.size(), 1);
        const QString outboundSid = placed.first().at(1).toString();

        CallReader reader(*m_database);
        QTRY_VERIFY_WITH_TIMEOUT(
            reader.call(outboundSid) && isFinal(reader.call(outboundSid)->status), 10000);
        const CallRecord outbound = *reader.call(outboundSid);
        QCOMPARE(outbound.direction, CallDirection::Outbound);
        QCOMPARE(outbound.callBackOf, m_inboundSid);
        QCOMPARE(outbound.calledBackBy, kStaffName);
        QCOMPARE(outbound.status, CallStatus::NoAnswer);
        QCOMPARE(outbound.outcome(), Outcome::Missed);
        const QString when = outbound.startedAt.toLocalTime().toString(QStringLiteral("HH:mm"));
        QTRY_COMPARE_WITH_TIMEOUT(
            outcomeText(m_inboundSid).section(QStringLiteral(" · "), -3),
            QStringLiteral("Called back by %1 · %2 · not reached").arg(kStaffName, when), 10000);
    }

    // The own phone is checked as E.164 in the settings dialog; the call back then uses it.
    void ownNumberIsCheckedInSettings()
    {
        SettingsDialog dialog(m_settings.get(), m_credentials.get());
        dialog.show();
        auto *sid = dialog.findChild<QLineEdit *>(QStringLiteral("accountSidEdit"));
        QTRY_COMPARE_WITH_TIMEOUT(sid->text(), ServiceHarness::accountSid, 10000);
        auto *number = dialog.findChild<QLineEdit *>(QStringLiteral("ownNumberEdit"));
        auto *error = dialog.findChild<QLabel *>(QStringLiteral("callBackSettingsError"));
        QPushButton *save = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save);
        QCOMPARE(number->text(), kOwnNumber);
        for (const QString &typed :
             {QStringLiteral("555 0100"), QStringLiteral("+0155501003"), QStringLiteral("+1555abc"),
              QStringLiteral("+1234567890123456")}) {
            number->setText(typed);
            save->click();
            QVERIFY2(dialog.isVisible(), qPrintable(typed));
            QVERIFY(error->isVisible());
            QVERIFY(error->text().contains(QStringLiteral("international form")));
            QCOMPARE(m_settings->ownNumber(), kOwnNumber);
        }
        number->setText(QStringLiteral(" +15550100333 "));
        save->click();
        QTRY_VERIFY(!dialog.isVisible());
        QCOMPARE(m_settings->ownNumber(), QStringLiteral("+15550100333"));
        m_settings->setOwnNumber(QString());
        selectInbound();
        QTest::mouseClick(button(), Qt::LeftButton);
        QTRY_VERIFY(label("callBackMessage")->text().contains(QStringLiteral("own phone number")));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_credentials.reset();
        m_database.reset();
        m_harness.reset();
    }
};

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestCallBack test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestCallBack.moc"
