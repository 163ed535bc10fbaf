// Everything a call log holds is the caller's (or whoever can write the log): the main window,
// its tooltips and the tray's notifications must show it as written, never as markup. A name
// of <img src=/dev/zero> once made every desktop that opened the log allocate until it died.

#include "AppTestData.h"
#include "backend/AppSettings.h"
#include "backend/CallLog.h"
#include "backend/CredentialStore.h"
#include "backend/DisplayName.h"
#include "db/CallAnnotations.h"
#include "db/CallReader.h"
#include "gui/details/DetailsPane.h"
#include "gui/feed/CallFeedModel.h"
#include "gui/feed/FeedView.h"
#include "gui/MainWindow.h"
#include "gui/TrayNotifier.h"
#include "ProcessStatus.h"

#include <QApplication>
#include <QFile>
#include <QHelpEvent>
#include <QLabel>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>
#include <QToolTip>
#include <QTreeWidget>

using namespace Switchboard;
using namespace Switchboard::Testing;

namespace {

// What a user would see: markup rendered when Qt takes the text for rich text, else the text.
QString shown(const QString &text, Qt::TextFormat format = Qt::AutoText)
{
    const bool rich =
        format == Qt::RichText || (format == Qt::AutoText && Qt::mightBeRichText(text));
    if (!rich)
        return text;
    QTextDocument document;
    document.setHtml(text);
    return document.toPlainText();
}

const QString kImage = QStringLiteral("<img src=/dev/zero>");
const QString kBold = QStringLiteral("<b>x</b>");
const QString kLink = QStringLiteral("<a href=\"https://evil.example/\">link</a>");

// One hostile value per field, each distinct, so that a label is checked against its own field.
struct Hostile
{
    QString sid = QStringLiteral("CA") + kBold + kLink;
    QString from = kLink + QStringLiteral("+15035550199");
    QString to = kBold + QStringLiteral("+15035550100");
    QString name = kImage;
    QString city = kImage + QStringLiteral("Portland");
    QString state = kBold + QStringLiteral("OR");
    QString country = kLink;
    QString forwardTo = kImage + QStringLiteral("+15035550142");
    QString dialStatus = kBold + kImage;
    QString digits = kImage + QStringLiteral("2");
    QString downloadError = kImage + QStringLiteral(" from api.twilio.test");
    QString transcription = kLink + kImage;
    QString memberName = kBold + QStringLiteral("Alice");
    QString memberNumber = kLink + QStringLiteral("+15550100201");
};

} // namespace

class TestCallerText final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;
    Hostile m_hostile;

    void writeHostileCall()
    {
        CallLogWriter log(m_path);
        QVERIFY(log.isOpen());
        const QDateTime at = QDateTime::currentDateTimeUtc().addSecs(-60);
        const Hostile &h = m_hostile;
        QVERIFY(log.webhook(WebhookKind::Voice, h.sid, at,
                            {{QStringLiteral("From"), h.from},
                             {QStringLiteral("To"), h.to},
                             {QStringLiteral("CallerName"), h.name},
                             {QStringLiteral("FromCity"), h.city},
                             {QStringLiteral("FromState"), h.state},
                             {QStringLiteral("FromCountry"), h.country},
                             {QStringLiteral("CallStatus"), QStringLiteral("ringing")}}));
        QVERIFY(log.webhook(WebhookKind::Menu, h.sid, at.addSecs(5),
                            {{QStringLiteral("Digits"), h.digits},
                             {QStringLiteral("CallStatus"), QStringLiteral("in-progress")}}));
        QVERIFY(log.webhook(WebhookKind::Menu, h.sid, at.addSecs(8),
                            {{QStringLiteral("Digits"), QStringLiteral("1")},
                             {QStringLiteral("CallStatus"), QStringLiteral("in-progress")}},
                            h.forwardTo));
        QVERIFY(log.webhook(WebhookKind::Dial, h.sid, at.addSecs(20),
                            {{QStringLiteral("DialCallStatus"), h.dialStatus},
                             {QStringLiteral("DialCallDuration"), QStringLiteral("0")},
                             {QStringLiteral("CallStatus"), QStringLiteral("in-progress")}}));
        // A member's leg: the name from the flow, the number from the leg.
        QVERIFY(log.leg(WebhookKind::ScreenResult, h.sid, QStringLiteral("CAleg"), h.memberName,
                        h.memberNumber, at.addSecs(15),
                        {{QStringLiteral("Digits"), QStringLiteral("9")},
                         {QStringLiteral("CallStatus"), QStringLiteral("in-progress")}}));
        QVERIFY(log.record(h.sid, at.addSecs(40), 12));
        QVERIFY(log.hangUp(h.sid, at.addSecs(41), 41));
        QVERIFY(log.voicemails().recordDownloadFailure(h.sid, h.downloadError,
                                                       QDateTime::currentDateTimeUtc(), true));
        // Heard by this desktop's user (the window's default name), so that the feed's
        // voicemail cell shows the download error as its tooltip.
        {
            Database db(DatabaseUrl::sqlite(m_path), QStringLiteral("heard"));
            QString error;
            QVERIFY2(db.open(&error), qPrintable(error));
            CallAnnotations annotations(db);
            QVERIFY2(annotations.setHeard(h.sid, defaultDisplayName(), true),
                     qPrintable(annotations.lastError()));
        }
        // The transcription is the caller's words, as Twilio heard them.
        QVERIFY(log.webhook(WebhookKind::Transcription, h.sid, at.addSecs(60),
                            {{QStringLiteral("RecordingSid"), QStringLiteral("RE") + h.sid.mid(2)},
                             {QStringLiteral("TranscriptionStatus"), QStringLiteral("completed")},
                             {QStringLiteral("TranscriptionText"), h.transcription}}));
    }

    // The tooltip the widget shows when the pointer rests at `pos`.
    static QString toolTipAt(QWidget *widget, const QPoint &pos)
    {
        QToolTip::hideText();
        QHelpEvent event(QEvent::ToolTip, pos, widget->mapToGlobal(pos));
        QApplication::sendEvent(widget, &event);
        return QToolTip::isVisible() ? QToolTip::text() : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("calls.db"));
        writeHostileCall();
    }

    void windowShowsTheCallersTextAsWritten()
    {
        AppSettings settings(m_dir.filePath(QStringLiteral("settings.ini")), nullptr);
        settings.setDatabaseUrlOverride(QStringLiteral("sqlite:") + m_path);
        CredentialStore credentials;
        MainWindow window(&settings, &credentials);
        window.resize(1400, 900);
        window.show();
        window.openDatabase(); // selects the newest call: its details are on screen
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_COMPARE(window.model()->rowCount(), 1); // the connect runs on a thread
        QTRY_VERIFY(window.detailsPane()->call().has_value());
        const Hostile &h = m_hostile;
        QCOMPARE(window.detailsPane()->call()->callSid, h.sid);

        // The details pane: each field's label holds the field as written, as plain text.
        const auto label = [&](const char *name) {
            auto *found = window.detailsPane()->findChild<QLabel *>(QString::fromLatin1(name));
            if (!found)
                qWarning("no label %s", name);
            return found;
        };
        const QList<std::pair<const char *, QString>> fields{
            {"detailsTitle", h.name},
            {"detailsSubtitle", h.from + QStringLiteral(" · ") + h.city + QStringLiteral(", ") +
                                    h.state + QStringLiteral(", ") + h.country},
            {"to", h.to},
            {"forwardedTo", h.forwardTo},
            {"dialStatus", h.dialStatus},
            {"callSid", h.sid},
            {"transcription", QStringLiteral("“%1”").arg(h.transcription)},
            {"reason", QStringLiteral("declined")},
            {"answeredBy", QStringLiteral("–")},
        };
        for (const auto &[name, text] : fields) {
            QLabel *field = label(name);
            QVERIFY(field);
            QCOMPARE(field->text(), text);
            QCOMPARE(field->textFormat(), Qt::PlainText);
        }
        // The route, member by member, as written (tree items never render markup).
        auto *route = window.detailsPane()->findChild<QTreeWidget *>(QStringLiteral("route"));
        QVERIFY(route);
        QVERIFY(route->isVisible());
        QCOMPARE(route->topLevelItemCount(), 1);
        QCOMPARE(route->topLevelItem(0)->text(0), h.memberName);
        QCOMPARE(route->topLevelItem(0)->text(1), h.memberNumber);
        QCOMPARE(route->topLevelItem(0)->text(2), QStringLiteral("Declined"));
        QLabel *state = label("voicemailState");
        QVERIFY(state);
        QVERIFY2(shown(state->text(), state->textFormat()).contains(h.downloadError),
                 qPrintable(state->text()));
        QLabel *unavailable = label("unavailableLabel");
        QVERIFY(unavailable);
        QTRY_VERIFY(unavailable->isVisible());
        QVERIFY2(shown(unavailable->text(), unavailable->textFormat()).contains(h.downloadError),
                 qPrintable(unavailable->text()));

        // No label anywhere renders the caller's markup.
        for (QLabel *any : window.findChildren<QLabel *>()) {
            const QString displayed = shown(any->text(), any->textFormat());
            const bool rendersMarkup = displayed != any->text();
            for (const QString &payload : {kImage, kBold, kLink}) {
                QVERIFY2(!rendersMarkup || !any->text().contains(payload),
                         qPrintable(any->objectName() + QStringLiteral(": ") + any->text()));
            }
        }

        // Tooltips: the feed's caller and voicemail cells, the details pane's Call SID.
        FeedView *view = window.view();
        const QModelIndex caller = window.model()->index(0, CallFeedModel::CallerColumn);
        QString tip = toolTipAt(view->viewport(), view->visualRect(caller).center());
        QVERIFY2(!tip.isEmpty(), "no tooltip on the caller cell");
        QCOMPARE(shown(tip), h.name + QLatin1Char('\n') + h.from + QLatin1Char('\n') + h.city +
                                 QStringLiteral(", ") + h.state + QStringLiteral(", ") + h.country);
        const QModelIndex voicemail = window.model()->index(0, CallFeedModel::VoicemailColumn);
        view->scrollTo(voicemail);
        tip = toolTipAt(view->viewport(), view->visualRect(voicemail).center());
        QVERIFY2(shown(tip).contains(h.downloadError), qPrintable(tip));
        QLabel *sid = label("callSid");
        tip = toolTipAt(sid, sid->rect().center());
        QCOMPARE(shown(tip), h.sid);
        QToolTip::hideText();

        // The timeline lists the digits pressed and the dial status as written.
        auto *timeline = window.detailsPane()->findChild<QTreeWidget *>(QStringLiteral("timeline"));
        QVERIFY(timeline);
        QStringList lines;
        for (int i = 0; i < timeline->topLevelItemCount(); ++i)
            lines << timeline->topLevelItem(i)->text(1);
        QVERIFY2(lines.join(QLatin1Char('\n')).contains(h.digits), qPrintable(lines.join(", ")));

        QCoreApplication::processEvents();
        const qint64 rss = residentKiB();
        qInfo("VmRSS with the hostile call on screen: %lld KiB", rss);
        QVERIFY(rss > 0);
        QVERIFY2(rss < 500 * 1024, qPrintable(QString::number(rss)));
    }

    void trayNotificationShowsTheNameAsWritten()
    {
        Database database(DatabaseUrl::sqlite(m_path), QStringLiteral("test-reader"));
        QString error;
        QVERIFY2(database.open(&error), qPrintable(error));
        std::optional<CallRecord> call = CallReader(database).call(m_hostile.sid);
        QVERIFY(call && call->voicemail);
        call->startedAt = QDateTime::currentDateTimeUtc(); // news, not history
        call->voicemail->heardAt = QDateTime();            // a new voicemail
        TrayNotifier tray;
        QSignalSpy notified(&tray, &TrayNotifier::notified);
        tray.callsChanged({*call});
        QCOMPARE(notified.count(), 1);
        const QString text = notified.first().at(2).toString();
        // The desktop's notification server reads the body as markup (freedesktop.org's
        // body-markup): it must come out as the name.
        QVERIFY2(shown(text, Qt::RichText).contains(m_hostile.name), qPrintable(text));
        QVERIFY2(!text.contains(kImage), qPrintable(text));
    }
};

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestCallerText test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestCallerText.moc"
