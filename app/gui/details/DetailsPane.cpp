#include "DetailsPane.h"

#include "backend/CallFormat.h"
#include "backend/CallLog.h"
#include "db/CallReader.h"
#include "db/Database.h"
#include "gui/common/PlainText.h"
#include "gui/player/VoicemailAudioLoader.h"
#include "gui/player/VoicemailPlayer.h"
#include "HandlingPanel.h"

#include <QAction>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScrollArea>
#include <QStandardPaths>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <utility>

namespace Switchboard {
namespace {

QLabel *sectionTitle(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text.toUpper(), parent);
    label->setTextFormat(Qt::PlainText);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 0.85);
    font.setWeight(QFont::DemiBold);
    font.setLetterSpacing(QFont::PercentageSpacing, 108);
    label->setFont(font);
    QPalette palette = label->palette();
    QColor color = palette.color(QPalette::WindowText);
    color.setAlphaF(0.55);
    palette.setColor(QPalette::WindowText, color);
    label->setPalette(palette);
    return label;
}

QString orDash(const QString &text)
{
    return text.isEmpty() ? QStringLiteral("–") : text;
}

QString extensionFor(const QString &contentType)
{
    if (contentType.contains(QLatin1String("mpeg")) || contentType.contains(QLatin1String("mp3")))
        return QStringLiteral("mp3");
    return QStringLiteral("wav");
}

// Only the number's digits go into a suggested file name: it is the caller's text.
QString digitsOf(const QString &number)
{
    static const QRegularExpression notDigit(QStringLiteral("[^0-9]"));
    return QString(number).remove(notDigit).left(20);
}

} // namespace

DetailsPane::DetailsPane(CallLog *log, QWidget *parent)
    : QWidget(parent)
    , m_log(log)
    , m_audioLoader(new VoicemailAudioLoader(this))
{
    setObjectName(QStringLiteral("detailsPane"));
    setMinimumWidth(340);
    m_placeholder = new QLabel(tr("Select a call to see its details."), this);
    m_placeholder->setTextFormat(Qt::PlainText);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setEnabled(false);

    m_content = new QWidget;
    auto *column = new QVBoxLayout(m_content);
    column->setContentsMargins(16, 14, 16, 14);
    column->setSpacing(6);

    m_title = new QLabel(m_content);
    m_title->setObjectName(QStringLiteral("detailsTitle"));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.35);
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setTextFormat(Qt::PlainText); // the caller's name: never markup
    m_subtitle = new QLabel(m_content);
    m_subtitle->setObjectName(QStringLiteral("detailsSubtitle"));
    m_subtitle->setTextFormat(Qt::PlainText);
    m_subtitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_outcome = new QLabel(m_content);
    m_outcome->setObjectName(QStringLiteral("detailsOutcome"));
    m_outcome->setTextFormat(Qt::RichText); // an icon; its only text is ours, escaped
    column->addWidget(m_title);
    column->addWidget(m_subtitle);
    column->addWidget(m_outcome);

    // Voicemail
    m_voicemailBox = new QWidget(m_content);
    auto *voicemail = new QVBoxLayout(m_voicemailBox);
    voicemail->setContentsMargins(0, 10, 0, 0);
    voicemail->setSpacing(6);
    voicemail->addWidget(sectionTitle(tr("Voicemail"), m_voicemailBox));
    m_player = new VoicemailPlayer(m_voicemailBox);
    voicemail->addWidget(m_player);
    m_voicemailState = new QLabel(m_voicemailBox);
    m_voicemailState->setObjectName(QStringLiteral("voicemailState"));
    m_voicemailState->setTextFormat(Qt::PlainText);
    m_voicemailState->setWordWrap(true);
    voicemail->addWidget(m_voicemailState);
    m_transcription = new QLabel(m_voicemailBox);
    m_transcription->setObjectName(QStringLiteral("transcription"));
    m_transcription->setTextFormat(Qt::PlainText);
    m_transcription->setWordWrap(true);
    m_transcription->setTextInteractionFlags(Qt::TextSelectableByMouse);
    voicemail->addWidget(m_transcription);
    auto *buttons = new QHBoxLayout;
    m_heardButton = new QPushButton(m_voicemailBox);
    m_heardButton->setObjectName(QStringLiteral("heardButton"));
    m_saveButton = new QPushButton(tr("Save audio as…"), m_voicemailBox);
    m_saveButton->setObjectName(QStringLiteral("saveAudioButton"));
    m_fetchButton = new QPushButton(tr("Fetch from Twilio"), m_voicemailBox);
    m_fetchButton->setObjectName(QStringLiteral("fetchButton"));
    m_fetchButton->setToolTip(
        tr("Download the recording now with the Twilio credentials in your keychain"));
    buttons->addWidget(m_heardButton);
    buttons->addWidget(m_saveButton);
    buttons->addWidget(m_fetchButton);
    buttons->addStretch(1);
    voicemail->addLayout(buttons);
    column->addWidget(m_voicemailBox);

    // Handling: heard by, done, tags, notes
    column->addSpacing(10);
    column->addWidget(sectionTitle(tr("Handling"), m_content));
    m_handling = new HandlingPanel(m_log, m_content);
    column->addWidget(m_handling);

    // Fields
    column->addSpacing(10);
    column->addWidget(sectionTitle(tr("Call"), m_content));
    auto *form = new QFormLayout;
    form->setLabelAlignment(Qt::AlignLeft);
    form->setHorizontalSpacing(16);
    form->setVerticalSpacing(5);
    m_started = addField(form, tr("Started"), QStringLiteral("started"));
    m_answered = addField(form, tr("Answered"), QStringLiteral("answered"));
    m_ended = addField(form, tr("Ended"), QStringLiteral("ended"));
    m_status = addField(form, tr("Status"), QStringLiteral("status"));
    m_duration = addField(form, tr("Duration"), QStringLiteral("duration"));
    m_talk = addField(form, tr("Talk time"), QStringLiteral("talkTime"));
    m_menu = addField(form, tr("Menu choice"), QStringLiteral("menuChoice"));
    m_forwarded = addField(form, tr("Forwarded to"), QStringLiteral("forwardedTo"));
    m_dialStatus = addField(form, tr("Forward result"), QStringLiteral("dialStatus"));
    m_answeredBy = addField(form, tr("Answered by"), QStringLiteral("answeredBy"));
    m_reason = addField(form, tr("Reason"), QStringLiteral("reason"));
    m_to = addField(form, tr("Number called"), QStringLiteral("to"));
    m_sid = addField(form, tr("Call SID"), QStringLiteral("callSid"));
    m_sid->setWordWrap(false);
    QFont small = m_sid->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    m_sid->setFont(small);
    column->addLayout(form);

    // Route: each member rung, and what became of it
    m_routeBox = new QWidget(m_content);
    auto *route = new QVBoxLayout(m_routeBox);
    route->setContentsMargins(0, 10, 0, 0);
    route->addWidget(sectionTitle(tr("Route"), m_routeBox));
    m_route = new QTreeWidget(m_routeBox);
    m_route->setObjectName(QStringLiteral("route"));
    m_route->setAccessibleName(tr("Route"));
    m_route->setColumnCount(3);
    m_route->setHeaderLabels({tr("Member"), tr("Number"), tr("Result")});
    m_route->setRootIsDecorated(false);
    m_route->setUniformRowHeights(true);
    m_route->setSelectionMode(QAbstractItemView::NoSelection);
    m_route->setFocusPolicy(Qt::NoFocus);
    m_route->header()->setStretchLastSection(true);
    route->addWidget(m_route);
    column->addWidget(m_routeBox);

    // Timeline
    column->addSpacing(10);
    column->addWidget(sectionTitle(tr("Timeline"), m_content));
    m_timeline = new QTreeWidget(m_content);
    m_timeline->setObjectName(QStringLiteral("timeline"));
    m_timeline->setAccessibleName(tr("Timeline"));
    m_timeline->setColumnCount(3);
    m_timeline->setHeaderLabels({tr("Time"), tr("Webhook"), tr("Call status")});
    m_timeline->setRootIsDecorated(false);
    m_timeline->setUniformRowHeights(true);
    m_timeline->setSelectionMode(QAbstractItemView::NoSelection);
    m_timeline->setFocusPolicy(Qt::NoFocus);
    m_timeline->setMinimumHeight(150);
    m_timeline->header()->setStretchLastSection(true);
    column->addWidget(m_timeline, 1);

    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // long values wrap or clip

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_placeholder);
    layout->addWidget(scroll);
    scroll->hide();
    m_content->setProperty("scroll", QVariant::fromValue<QObject *>(scroll));

    connect(m_heardButton, &QPushButton::clicked, this, &DetailsPane::toggleHeard);
    // Anywhere in the window, while the pane shows a call.
    m_heardAction = new QAction(tr("Mark &Heard / Unheard"), this);
    m_heardAction->setObjectName(QStringLiteral("toggleHeardAction"));
    m_heardAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
    m_heardAction->setShortcutContext(Qt::WindowShortcut);
    connect(m_heardAction, &QAction::triggered, this, &DetailsPane::toggleHeard);
    addAction(m_heardAction);
    m_doneAction = new QAction(tr("Mark &Done / Reopen"), this);
    m_doneAction->setObjectName(QStringLiteral("toggleDoneAction"));
    m_doneAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_doneAction->setShortcutContext(Qt::WindowShortcut);
    connect(m_doneAction, &QAction::triggered, this, &DetailsPane::toggleDone);
    addAction(m_doneAction);
    connect(m_saveButton, &QPushButton::clicked, this, &DetailsPane::saveAudioInteractively);
    connect(m_fetchButton, &QPushButton::clicked, this, [this] {
        if (m_call && m_call->voicemail)
            Q_EMIT fetchRequested(m_call->callSid, m_call->voicemail->recordingUrl);
    });
    connect(m_player, &VoicemailPlayer::playbackStarted, this, &DetailsPane::onPlaybackStarted);
    connect(m_audioLoader, &VoicemailAudioLoader::loaded, this, &DetailsPane::onAudioLoaded);
    connect(m_audioLoader, &VoicemailAudioLoader::failed, this,
            [this](const QString &callSid, const QString &message) {
                if (!m_call || m_call->callSid != callSid)
                    return;
                m_playWhenLoaded = false;
                m_player->showUnavailable(callSid, message);
                m_saveButton->setEnabled(false);
            });
}

void DetailsPane::addActionBar(QWidget *bar)
{
    auto *column = static_cast<QVBoxLayout *>(m_content->layout());
    column->insertWidget(column->indexOf(m_outcome) + 1, bar);
}

QLabel *DetailsPane::addField(QFormLayout *form, const QString &caption, const QString &name)
{
    auto *value = new QLabel(m_content);
    value->setObjectName(name);
    value->setTextFormat(Qt::PlainText);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setWordWrap(true);
    auto *label = new QLabel(caption, m_content);
    label->setTextFormat(Qt::PlainText);
    QPalette palette = label->palette();
    QColor color = palette.color(QPalette::WindowText);
    color.setAlphaF(0.6);
    palette.setColor(QPalette::WindowText, color);
    label->setPalette(palette);
    form->addRow(label, value);
    return value;
}

void DetailsPane::setCall(const std::optional<CallRecord> &call)
{
    const bool sameCall = call && m_call && call->callSid == m_call->callSid;
    const bool changed = !sameCall || call->revision != m_call->revision;
    m_call = call;
    auto *scroll = qobject_cast<QWidget *>(m_content->property("scroll").value<QObject *>());
    if (!call) {
        m_handling->setCall(std::nullopt);
        m_audioLoader->cancel();
        m_player->clear();
        m_loadedAudioKey.clear();
        m_placeholder->show();
        scroll->hide();
        return;
    }
    m_placeholder->hide();
    scroll->show();
    if (!changed)
        return;
    m_handling->setCall(call);
    showFields(*call);
    showVoicemail(*call, sameCall);
    showTimeline(*call);
}

void DetailsPane::showFields(const CallRecord &call)
{
    m_title->setText(CallFormat::caller(call));
    QStringList subtitle{CallFormat::callerNumber(call), CallFormat::place(call)};
    subtitle.removeAll(QString());
    m_subtitle->setText(subtitle.join(QStringLiteral(" · ")));
    m_subtitle->setVisible(!subtitle.isEmpty());
    const int iconSize = fontMetrics().height();
    m_outcome->setText(
        QStringLiteral(
            "<img src=\"%1\" width=%2 height=%2 style=\"vertical-align:middle\">&nbsp; %3")
            .arg(CallFormat::outcomeIconName(call.outcome()))
            .arg(iconSize)
            .arg(CallFormat::outcome(call.outcome()).toHtmlEscaped()));
    m_started->setText(CallFormat::fullTime(call.startedAt));
    m_answered->setText(CallFormat::fullTime(call.answeredAt));
    m_ended->setText(CallFormat::fullTime(call.endedAt));
    m_status->setText(CallFormat::status(call.status));
    m_duration->setText(CallFormat::duration(call.durationS));
    m_talk->setText(CallFormat::duration(call.talkDurationS));
    m_menu->setText(CallFormat::menuChoice(call.menuChoice));
    m_forwarded->setText(orDash(call.forwardedTo));
    m_dialStatus->setText(orDash(call.dialStatus));
    const std::optional<AnsweredBy> answeredBy = call.answeredBy();
    m_answeredBy->setText(!answeredBy                  ? QStringLiteral("–")
                          : answeredBy->name.isEmpty() ? answeredBy->number
                                                       : QStringLiteral("%1 (%2)").arg(
                                                             answeredBy->name, answeredBy->number));
    m_reason->setText(orDash(CallFormat::reason(call.reason())));
    showRoute(call);
    m_to->setText(orDash(call.to));
    m_sid->setText(call.callSid);
    m_sid->setToolTip(PlainText::toolTip(call.callSid));
}

void DetailsPane::showVoicemail(const CallRecord &call, bool sameCall)
{
    m_voicemailBox->setVisible(call.voicemail.has_value());
    if (!call.voicemail) {
        m_audioLoader->cancel();
        m_player->clear();
        m_loadedAudioKey.clear();
        return;
    }
    const Voicemail &voicemail = *call.voicemail;
    const bool downloaded = voicemail.downloadState == DownloadState::Downloaded;
    const bool heard = m_handling->isHeardByViewer();
    m_heardButton->setText(heard ? tr("Mark as unheard") : tr("Mark as heard"));
    m_heardButton->setToolTip(tr("Heard by you or not, for the team to see (Ctrl+H)"));
    m_saveButton->setEnabled(downloaded && m_player->callSid() == call.callSid &&
                             !m_player->audio().isEmpty());
    m_fetchButton->setVisible(!downloaded);
    m_fetchButton->setEnabled(m_fetchingSid != call.callSid);
    QString state =
        downloaded
            ? (heard
                   ? tr("%1 · heard").arg(CallFormat::duration(voicemail.durationS))
                   : tr("%1 · not heard by you yet").arg(CallFormat::duration(voicemail.durationS)))
            : CallFormat::voicemailState(voicemail);
    m_voicemailState->setText(state);
    const std::optional<Transcription> transcription = call.voicemailTranscription();
    if (!transcription)
        m_transcription->clear();
    else if (transcription->status == QLatin1String("completed"))
        m_transcription->setText(QStringLiteral("“%1”").arg(transcription->text));
    else
        m_transcription->setText(tr("The transcription failed."));
    m_transcription->setVisible(transcription.has_value());

    if (!downloaded) {
        m_audioLoader->cancel();
        m_loadedAudioKey.clear();
        m_player->showUnavailable(call.callSid, CallFormat::voicemailState(voicemail));
        return;
    }
    // Reload the audio only when it is another recording: a call updated while its
    // voicemail plays must not stop it.
    const QString key = call.callSid + QLatin1Char('/') + voicemail.sha256;
    if (sameCall && key == m_loadedAudioKey)
        return;
    m_loadedAudioKey = key;
    if (!m_log->database()) {
        m_player->showUnavailable(call.callSid, tr("The audio cannot be read from the call log."));
        m_loadedAudioKey.clear();
        return;
    }
    // Read on a thread: a recording of tens of megabytes must not freeze the window.
    m_player->showUnavailable(call.callSid, tr("Loading the recording…"));
    m_playWhenLoaded = false;
    m_audioLoader->load(m_log->connection(), call.callSid);
}

void DetailsPane::onAudioLoaded(const QString &callSid, const QByteArray &audio,
                                const QString &contentType)
{
    if (!m_call || m_call->callSid != callSid || !m_call->voicemail)
        return;
    m_player->setVoicemail(callSid, audio, contentType, m_call->voicemail->durationS);
    m_saveButton->setEnabled(m_player->callSid() == callSid && !m_player->audio().isEmpty());
    if (std::exchange(m_playWhenLoaded, false))
        m_player->play();
}

void DetailsPane::showRoute(const CallRecord &call)
{
    m_route->clear();
    m_routeBox->setVisible(!call.route.isEmpty());
    const bool screened = call.isScreened();
    QList<QTreeWidgetItem *> items;
    for (const RouteLeg &leg : call.route)
        items.append(new QTreeWidgetItem(
            {orDash(leg.name), orDash(leg.number), CallFormat::legResult(leg.result(screened))}));
    m_route->addTopLevelItems(items);
    m_route->resizeColumnToContents(0);
    m_route->resizeColumnToContents(1);
}

void DetailsPane::showTimeline(const CallRecord &call)
{
    m_timeline->clear();
    if (!m_log->reader())
        return;
    const QList<CallEvent> events = m_log->reader()->timeline(call.callSid);
    // The team's marks, tags and notes among the webhooks, in the order they happened.
    QList<std::pair<QDateTime, QTreeWidgetItem *>> items;
    for (const CallEvent &event : events) {
        QString what = webhookKindToString(event.kind);
        const QString digits = event.params.value(QStringLiteral("Digits"));
        if (!digits.isEmpty())
            what += tr(" (pressed %1)").arg(digits);
        const QString dial = event.params.value(QStringLiteral("DialCallStatus"));
        if (!dial.isEmpty())
            what += QStringLiteral(" (%1)").arg(dial);
        if (event.kind == WebhookKind::Screen || event.kind == WebhookKind::ScreenResult ||
            event.kind == WebhookKind::LegStatus) // which member's leg
            what += QStringLiteral(" · %1").arg(event.params.value(QStringLiteral("To")).left(32));
        auto *item = new QTreeWidgetItem(
            {event.receivedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")), what,
             event.callStatus});
        item->setToolTip(0, PlainText::toolTip(CallFormat::fullTime(event.receivedAt)));
        items.append({event.receivedAt, item});
    }
    for (const HandlingPanel::TimelineEntry &entry : m_handling->timelineEntries()) {
        auto *item =
            new QTreeWidgetItem({entry.at.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")),
                                 entry.what, entry.detail});
        item->setToolTip(0, PlainText::toolTip(CallFormat::fullTime(entry.at)));
        item->setToolTip(2, PlainText::toolTip(entry.detail));
        items.append({entry.at, item});
    }
    std::stable_sort(items.begin(), items.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    for (const auto &entry : std::as_const(items))
        m_timeline->addTopLevelItem(entry.second);
    m_timeline->resizeColumnToContents(0);
    m_timeline->resizeColumnToContents(1);
}

void DetailsPane::togglePlayback()
{
    if (!m_call || !m_call->voicemail || m_loadedAudioKey.isEmpty())
        return;
    if (m_player->callSid() == m_call->callSid && !m_player->audio().isEmpty())
        m_player->togglePlayback();
    else
        m_playWhenLoaded = !m_playWhenLoaded; // still being read: play (or not) once it is
}

void DetailsPane::onPlaybackStarted(const QString &callSid)
{
    // Playing it is hearing it, for every desktop watching the log.
    if (m_call && m_call->callSid == callSid && m_call->voicemail && !m_handling->isHeardByViewer())
        setHeard(true);
}

void DetailsPane::setViewer(const QString &name)
{
    m_handling->setViewer(name);
    if (m_call) {
        m_handling->setCall(m_call);
        showVoicemail(*m_call, true);
    }
}

void DetailsPane::setTagsInUse(const QStringList &tags)
{
    m_handling->setTagsInUse(tags);
}

bool DetailsPane::setHeard(bool heard)
{
    if (!m_call || !m_call->voicemail)
        return false;
    const QString callSid = m_call->callSid;
    if (!m_handling->setHeard(heard))
        return false;
    showVoicemail(*m_call, true);
    Q_EMIT heardChanged(callSid, heard);
    return true;
}

bool DetailsPane::toggleHeard()
{
    if (!m_call || !m_call->voicemail)
        return false;
    return setHeard(!m_handling->isHeardByViewer());
}

bool DetailsPane::toggleDone()
{
    return m_call && m_handling->toggleDone();
}

bool DetailsPane::saveAudio(const QString &fileName, QString *error)
{
    if (!m_call)
        return false;
    // What the player loaded: the call log is not read again on this thread.
    const QByteArray audio =
        m_player->callSid() == m_call->callSid ? m_player->audio() : QByteArray();
    QSaveFile file(fileName);
    if (audio.isEmpty() || !file.open(QIODevice::WriteOnly) || file.write(audio) != audio.size() ||
        !file.commit()) {
        if (error)
            *error = audio.isEmpty() ? tr("The audio of this voicemail is not loaded.")
                                     : file.errorString();
        return false;
    }
    return true;
}

void DetailsPane::saveAudioInteractively()
{
    if (!m_call || !m_call->voicemail)
        return;
    const QString suggested =
        QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) +
        QStringLiteral("/voicemail-%1-%2.%3")
            .arg(digitsOf(m_call->from),
                 m_call->startedAt.toLocalTime().toString(QStringLiteral("yyyyMMdd-HHmm")),
                 extensionFor(m_player->contentType()));
    const QString fileName = QFileDialog::getSaveFileName(
        this, tr("Save voicemail audio"), suggested, tr("Audio (*.wav *.mp3);;All files (*)"));
    if (fileName.isEmpty())
        return;
    QString error;
    if (!saveAudio(fileName, &error))
        PlainText::warn(this, tr("Save audio"), tr("Could not save the audio: %1").arg(error));
}

void DetailsPane::focusDetails()
{
    // The play button when there is a voicemail to play (Space plays it there too).
    if (m_call && m_call->voicemail && m_player->focusProxy()->isVisibleTo(this))
        m_player->setFocus(Qt::OtherFocusReason);
    else
        m_content->setFocus(Qt::OtherFocusReason);
}

void DetailsPane::setFetching(const QString &callSid, bool fetching, const QString &error)
{
    m_fetchingSid = fetching ? callSid : QString();
    if (!m_call || m_call->callSid != callSid)
        return;
    m_fetchButton->setEnabled(!fetching);
    m_fetchButton->setText(fetching ? tr("Fetching…") : tr("Fetch from Twilio"));
    if (!error.isEmpty())
        m_voicemailState->setText(error);
}

} // namespace Switchboard
