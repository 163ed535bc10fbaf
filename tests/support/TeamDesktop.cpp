#include "TeamDesktop.h"

#include "gui/CallBackController.h"
#include "gui/details/DetailsPane.h"
#include "gui/feed/CallFeedModel.h"
#include "gui/feed/CountersBar.h"
#include "gui/feed/FeedView.h"
#include "gui/feed/FilterBar.h"

#include <QApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QSocketNotifier>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <unistd.h>

namespace Switchboard::Testing {

bool Desktop::open(const QString &folder, const QString &url, const QString &name,
                   const CallBackSettings &callBack)
{
    settings = std::make_unique<AppSettings>(folder + QStringLiteral("/settings.ini"), nullptr);
    settings->setDisplayName(name);
    settings->setDatabaseUrlOverride(url);
    if (!callBack.serviceUrl.isEmpty()) {
        settings->setServiceUrl(callBack.serviceUrl);
        settings->setTwilioApiUrl(callBack.twilioApiUrl);
        settings->setOwnNumber(callBack.ownNumber);
    }
    credentials = std::make_unique<CredentialStore>();
    window = std::make_unique<MainWindow>(settings.get(), credentials.get());
    window->show();
    window->openDatabase();
    return QTest::qWaitFor([this] { return window->model()->hasLoaded(); }, 20000);
}

bool Desktop::select(const QString &callSid)
{
    const QModelIndex index = window->model()->indexOfCall(callSid);
    if (!index.isValid())
        return false;
    window->view()->setCurrentIndex(index);
    const auto shown = window->detailsPane()->call();
    return shown && shown->callSid == callSid;
}

HandlingPanel *Desktop::panel() const
{
    return window->detailsPane()->handlingPanel();
}

QJsonObject Desktop::state() const
{
    QJsonArray tags, notes, timeline;
    const auto *tagList = find<QListWidget>("tags");
    for (int i = 0; i < tagList->count(); ++i)
        tags.append(tagList->item(i)->text());
    const auto *noteList = find<QListWidget>("notes");
    for (int i = 0; i < noteList->count(); ++i)
        notes.append(noteList->item(i)->text());
    const auto *tree = find<QTreeWidget>("timeline");
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        timeline.append(QString(tree->topLevelItem(i)->text(1) + QLatin1Char('|') +
                                tree->topLevelItem(i)->text(2)));
    const auto call = window->detailsPane()->call();
    const QString sid = call ? call->callSid : QString();
    return {
        {QStringLiteral("call"), sid},
        {QStringLiteral("heardBy"), find<QLabel>("heardBy")->text()},
        {QStringLiteral("done"), find<QLabel>("doneState")->text()},
        {QStringLiteral("tags"), tags},
        {QStringLiteral("notes"), notes},
        {QStringLiteral("timeline"), timeline},
        {QStringLiteral("feed"),
         window->model()
             ->data(window->model()->indexOfCall(sid, CallFeedModel::HandledColumn))
             .toString()},
        {QStringLiteral("callBackMessage"), find<QLabel>("callBackMessage")->text()},
    };
}

QJsonObject Desktop::feedState() const
{
    const CallFeedModel *model = window->model();
    QJsonArray rows;
    QJsonObject outcomes, handled;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QString sid = model->callAt(row).callSid;
        rows.append(sid);
        outcomes.insert(sid, model->index(row, CallFeedModel::OutcomeColumn).data().toString());
        handled.insert(sid, model->index(row, CallFeedModel::HandledColumn).data().toString());
    }
    return {{QStringLiteral("rows"), rows},
            {QStringLiteral("outcomes"), outcomes},
            {QStringLiteral("handled"), handled},
            {QStringLiteral("unheard"), window->countersBar()->counters().unheardVoicemails}};
}

int runDesktopPeer(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    QTemporaryDir folder;
    Desktop desktop;
    CallBackSettings callBack;
    if (args.size() >= 8)
        callBack = {args.at(5), args.at(6), args.at(7)};
    if (args.size() < 5 || !desktop.open(folder.path(), args.at(2), args.at(3), callBack) ||
        !QTest::qWaitFor([&] { return desktop.select(args.at(4)); }, 10000)) {
        qCritical("peer: cannot open the log");
        return 2;
    }
    QFile out;
    if (!out.open(stdout, QIODevice::WriteOnly))
        return 2;
    QByteArray last;
    QTimer watch;
    QObject::connect(&watch, &QTimer::timeout, &app, [&] {
        QJsonObject state = desktop.state();
        state.insert(QStringLiteral("window"), desktop.feedState());
        const QByteArray now = QJsonDocument(state).toJson(QJsonDocument::Compact);
        if (now == last)
            return;
        last = now;
        out.write("state " + now + '\n');
        out.flush();
    });
    watch.start(10);
    const auto run = [&](const QString &line) {
        const QString command = line.section(QLatin1Char(' '), 0, 0);
        const QString rest = line.section(QLatin1Char(' '), 1);
        HandlingPanel *panel = desktop.panel();
        if (command == QLatin1String("select")) {
            if (!QTest::qWaitFor([&] { return desktop.select(rest); }, 10000))
                qCritical("peer: the feed does not show %s", qPrintable(rest));
        } else if (command == QLatin1String("heard")) {
            desktop.find<QPushButton>("heardButton")->click();
        } else if (command == QLatin1String("done")) {
            desktop.find<QLineEdit>("doneNote")->setText(rest);
            desktop.find<QPushButton>("doneButton")->click();
        } else if (command == QLatin1String("reopen")) {
            if (panel->handling().done)
                desktop.find<QPushButton>("doneButton")->click();
        } else if (command == QLatin1String("tag")) {
            auto *edit = desktop.find<QLineEdit>("tagEdit");
            edit->setFocus(); // where a click puts it: Return is the feed's while it has the focus
            edit->setText(rest);
            QTest::keyClick(edit, Qt::Key_Return);
        } else if (command == QLatin1String("note")) {
            desktop.find<QPlainTextEdit>("noteEdit")->setPlainText(rest);
            desktop.find<QPushButton>("addNoteButton")->click();
        } else if (command == QLatin1String("callback")) {
            desktop.find<QPushButton>("callBackButton")->click();
        } else if (command == QLatin1String("open")) {
            desktop.window->filterBar()->setOpenOnly(true);
        } else if (command == QLatin1String("all")) {
            desktop.window->filterBar()->clear();
        }
        out.write("did " + line.toUtf8() + '\n');
        out.flush();
    };
    QByteArray pending; // what stdin gave that is not a whole line yet
    QSocketNotifier commands(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&commands, &QSocketNotifier::activated, &app, [&] {
        // A command may wait (select does): the next ones run after it, never inside it.
        commands.setEnabled(false);
        const auto resume = qScopeGuard([&commands] { commands.setEnabled(true); });
        char buffer[4096];
        const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (got <= 0) {
            app.quit(); // the test closed our stdin, or went away
            return;
        }
        pending.append(buffer, got);
        for (qsizetype end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
            const QString line = QString::fromUtf8(pending.left(end)).trimmed();
            pending.remove(0, end + 1);
            run(line);
        }
    });
    return app.exec();
}

DesktopPeer::~DesktopPeer()
{
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished(5000);
    }
}

bool DesktopPeer::start(const QString &databaseUrl, const QString &name, const QString &callSid,
                        const CallBackSettings &callBack, QString *error)
{
    QObject::connect(&process, &QProcess::readyReadStandardOutput, &process, [this] {
        while (process.canReadLine()) {
            const QByteArray line = process.readLine().trimmed();
            if (line.startsWith("state "))
                state = QJsonDocument::fromJson(line.mid(6)).object();
            else if (line.startsWith("did "))
                did.append(QString::fromUtf8(line.mid(4)));
        }
    });
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QStringList args{QStringLiteral("--peer"), databaseUrl, name, callSid};
    if (!callBack.serviceUrl.isEmpty())
        args << callBack.serviceUrl << callBack.twilioApiUrl << callBack.ownNumber;
    process.start(QCoreApplication::applicationFilePath(), args);
    if (!process.waitForStarted(10000)) {
        if (error)
            *error = process.errorString();
        return false;
    }
    if (!QTest::qWaitFor(
            [this, &callSid] { return state.value(QStringLiteral("call")).toString() == callSid; },
            30000)) {
        if (error)
            *error = QStringLiteral("the peer did not show %1").arg(callSid);
        return false;
    }
    return true;
}

void DesktopPeer::command(const QString &line)
{
    process.write(line.toUtf8() + '\n');
}

bool DesktopPeer::finish()
{
    process.closeWriteChannel();
    return process.waitForFinished(10000) && process.exitStatus() == QProcess::NormalExit &&
           process.exitCode() == 0;
}

} // namespace Switchboard::Testing
