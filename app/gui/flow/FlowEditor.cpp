#include "FlowEditor.h"

#include "backend/FlowRevisions.h"
#include "BlocklistEditor.h"
#include "FieldError.h"
#include "gui/common/AccessibleNames.h"
#include "HoursEditor.h"
#include "MembersEditor.h"

#include <algorithm>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

namespace Switchboard {
namespace {

QString ringName(FlowDefinition::Ring ring)
{
    return ring == FlowDefinition::Ring::Simultaneous ? QStringLiteral("simultaneous")
                                                      : QStringLiteral("sequential");
}

QString momentText(const QDateTime &utc)
{
    return utc.isValid() ? QLocale().toString(utc.toLocalTime(), QLocale::ShortFormat)
                         : FlowEditor::tr("an unknown time");
}

} // namespace

FlowEditor::FlowEditor(const LogConnection &connection, const QString &author, QWidget *parent)
    : QDialog(parent)
    , m_revisions(new FlowRevisions(this))
    , m_author(author)
{
    setObjectName(QStringLiteral("flowEditor"));
    setWindowTitle(tr("Call Flow"));
    resize(760, 640);
    m_revisions->setConnection(connection);

    m_revisionLabel = new QLabel(this);
    m_revisionLabel->setObjectName(QStringLiteral("flowRevision"));
    m_revisionLabel->setTextFormat(Qt::PlainText); // the author is whatever the log holds
    m_revisionLabel->setWordWrap(true);

    m_notice = new QFrame(this);
    m_notice->setObjectName(QStringLiteral("flowNotice"));
    m_notice->setFrameShape(QFrame::StyledPanel);
    m_notice->setStyleSheet(QStringLiteral(
        "#flowNotice { background: #fff4e5; border: 1px solid #f0c36d; border-radius: 4px; }"));
    m_noticeText = new QLabel(m_notice);
    m_noticeText->setObjectName(QStringLiteral("flowNoticeText"));
    m_noticeText->setTextFormat(Qt::PlainText);
    m_noticeText->setWordWrap(true);
    m_reloadButton = new QPushButton(tr("&Reload"), m_notice);
    m_reloadButton->setObjectName(QStringLiteral("flowReloadButton"));
    connect(m_reloadButton, &QPushButton::clicked, this, &FlowEditor::reload);
    auto *noticeLayout = new QHBoxLayout(m_notice);
    noticeLayout->addWidget(m_noticeText, 1);
    noticeLayout->addWidget(m_reloadButton);
    m_notice->hide();

    m_formError = FieldError::create(QStringLiteral("flowError"), this);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("flowTabs"));
    m_members = new MembersEditor(m_tabs);
    m_tabs->addTab(m_members, tr("&Members"));

    auto *ringing = new QWidget(m_tabs);
    ringing->setObjectName(QStringLiteral("ringingPage"));
    m_ring = new QComboBox(ringing);
    m_ring->setObjectName(QStringLiteral("ringMode"));
    AccessibleNames::nameComboBox(m_ring, tr("Ring mode"));
    m_ring->addItem(tr("All active members at once"), ringName(FlowDefinition::Ring::Simultaneous));
    m_ring->addItem(tr("One after the other, in the list's order"),
                    ringName(FlowDefinition::Ring::Sequential));
    m_ringTimeout = new QSpinBox(ringing);
    m_ringTimeout->setObjectName(QStringLiteral("ringTimeout"));
    m_ringTimeout->setAccessibleName(tr("Ring timeout in seconds"));
    m_ringTimeout->setRange(FlowDefinition::kMinRingTimeoutS, FlowDefinition::kMaxRingTimeoutS);
    m_ringTimeout->setSuffix(tr(" s"));
    m_screening = new QCheckBox(tr("&Screen calls: the member hears who is calling and presses 1 "
                                   "to take the call"),
                                ringing);
    m_screening->setObjectName(QStringLiteral("screening"));
    m_ringError = FieldError::create(QStringLiteral("ringError"), ringing);
    auto *ringForm = new QFormLayout(ringing);
    ringForm->addRow(tr("&Ring:"), m_ring);
    ringForm->addRow(tr("Ring each for:"), m_ringTimeout);
    ringForm->addRow(m_screening);
    ringForm->addRow(m_ringError);
    m_tabs->addTab(ringing, tr("R&inging"));

    m_hours = new HoursEditor(m_tabs);
    m_tabs->addTab(m_hours, tr("&Hours"));

    auto *greetings = new QWidget(m_tabs);
    greetings->setObjectName(QStringLiteral("greetingsPage"));
    m_greeting = new QPlainTextEdit(greetings);
    m_greeting->setObjectName(QStringLiteral("greeting"));
    m_greeting->setAccessibleName(tr("Greeting"));
    m_greeting->setTabChangesFocus(true);
    m_afterHoursGreeting = new QPlainTextEdit(greetings);
    m_afterHoursGreeting->setObjectName(QStringLiteral("afterHoursGreeting"));
    m_afterHoursGreeting->setAccessibleName(tr("After-hours greeting"));
    m_afterHoursGreeting->setTabChangesFocus(true);
    m_transcribe = new QCheckBox(tr("&Transcribe voicemails"), greetings);
    m_transcribe->setObjectName(QStringLiteral("transcribe"));
    m_greetingsError = FieldError::create(QStringLiteral("greetingsError"), greetings);
    auto *greetingsLayout = new QVBoxLayout(greetings);
    greetingsLayout->addWidget(new QLabel(tr("What callers hear first (press 1 to talk to "
                                             "someone, 2 to leave a message):"),
                                          greetings));
    greetingsLayout->addWidget(m_greeting, 1);
    greetingsLayout->addWidget(
        new QLabel(tr("What callers hear outside the opening hours, before the beep:"), greetings));
    greetingsLayout->addWidget(m_afterHoursGreeting, 1);
    greetingsLayout->addWidget(m_transcribe);
    greetingsLayout->addWidget(m_greetingsError);
    m_tabs->addTab(greetings, tr("&Greetings"));

    m_blocklist = new BlocklistEditor(m_tabs);
    m_tabs->addTab(m_blocklist, tr("&Blocklist"));

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Close, this);
    m_saveButton = m_buttons->button(QDialogButtonBox::Save);
    m_saveButton->setObjectName(QStringLiteral("flowSaveButton"));
    connect(m_saveButton, &QPushButton::clicked, this, &FlowEditor::save);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_revisionLabel);
    layout->addWidget(m_notice);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_formError);
    layout->addWidget(m_buttons);

    connect(m_revisions, &FlowRevisions::loaded, this, [this](const StoredFlow &newest) {
        m_conflicted = false;
        m_conflictRevision = 0;
        m_loadedRevision = newest.revision;
        setBusy(false);
        m_notice->hide();
        clearProblems();
        showFlow(newest.flow.value_or(FlowDefinition()));
        m_savedJson = pageJson();
        showRevision(newest);
        if (newest.revision > 0 && !newest.flow)
            showNotice(tr("%1. Saving stores a good revision over it.").arg(newest.problem), false);
        Q_EMIT loaded(newest.revision);
    });
    connect(m_revisions, &FlowRevisions::saved, this, [this](const StoredFlow &revision) {
        m_loadedRevision = revision.revision;
        m_savedJson = m_savingJson;
        setBusy(false);
        m_notice->hide();
        showRevision(revision);
        Q_EMIT saved(revision.revision);
    });
    connect(m_revisions, &FlowRevisions::conflicted, this, [this](const StoredFlow &newest) {
        setBusy(false);
        showConflict(newest);
    });
    // Told as soon as it happens, not only when saving: whoever edits knows before typing more.
    connect(m_revisions, &FlowRevisions::changedElsewhere, this, [this](const StoredFlow &newest) {
        // Not this page's own save, one it has loaded, nor one it has reported already.
        if (!isBusy() && m_loadedRevision >= 0 &&
            newest.revision > std::max(m_loadedRevision, m_conflictRevision))
            showConflict(newest);
    });
    connect(m_revisions, &FlowRevisions::failed, this, [this](const QString &message) {
        setBusy(false);
        // Before the first load there is nothing to save: reloading is the way on.
        showNotice(message, m_loadedRevision < 0);
    });

    reload();
    m_revisions->watch();
}

FlowEditor::~FlowEditor() = default;

FlowEditor *FlowEditor::showFor(QWidget *parent, const LogConnection &connection,
                                const QString &author)
{
    FlowEditor *editor = parent->findChild<FlowEditor *>(QString(), Qt::FindDirectChildrenOnly);
    if (!editor) {
        editor = new FlowEditor(connection, author, parent);
        editor->setAttribute(Qt::WA_DeleteOnClose);
    }
    editor->show();
    editor->raise();
    editor->activateWindow();
    return editor;
}

bool FlowEditor::isBusy() const
{
    return m_revisions->isBusy();
}

void FlowEditor::setBusy(bool busy)
{
    m_tabs->setEnabled(!busy && m_loadedRevision >= 0);
    m_saveButton->setEnabled(!busy && m_loadedRevision >= 0 && !m_conflicted);
    m_reloadButton->setEnabled(!busy);
}

void FlowEditor::reload()
{
    m_revisionLabel->setText(tr("Loading the call flow…"));
    setBusy(true);
    m_revisions->load();
}

void FlowEditor::showFlow(const FlowDefinition &flow)
{
    m_members->setMembers(flow.members);
    m_ring->setCurrentIndex(m_ring->findData(ringName(flow.ring)));
    m_ringTimeout->setValue(flow.ringTimeoutS);
    m_screening->setChecked(flow.screening);
    m_hours->setHours(flow.hours);
    m_greeting->setPlainText(flow.greeting);
    m_afterHoursGreeting->setPlainText(flow.afterHoursGreeting);
    m_transcribe->setChecked(flow.transcribe);
    m_blocklist->setNumbers(flow.blocked);
}

void FlowEditor::showRevision(const StoredFlow &stored)
{
    if (stored.revision == 0) {
        m_revisionLabel->setText(
            tr("The call log holds no call flow yet: saving creates its first revision."));
        return;
    }
    m_revisionLabel->setText(
        tr("Revision %1, last changed by %2 on %3.")
            .arg(QString::number(stored.revision), stored.author, momentText(stored.createdAt)));
}

void FlowEditor::showConflict(const StoredFlow &newest)
{
    m_conflicted = true;
    m_conflictRevision = std::max(m_conflictRevision, newest.revision);
    setBusy(false);
    showNotice(tr("%1 saved revision %2 of the call flow on %3, after this page loaded revision "
                  "%4. Changes made here cannot be saved over it, so as not to overwrite theirs: "
                  "reload to see their version, then make your changes again.")
                   .arg(newest.author, QString::number(newest.revision),
                        momentText(newest.createdAt), QString::number(m_loadedRevision)),
               true);
    Q_EMIT conflicted(newest.revision);
}

void FlowEditor::showNotice(const QString &text, bool offerReload)
{
    m_noticeText->setText(text);
    m_reloadButton->setVisible(offerReload);
    m_notice->show();
}

QJsonObject FlowEditor::pageJson() const
{
    // A line break in a greeting is a pause, said as a space: the flow's texts are one line.
    const auto spoken = [](const QPlainTextEdit *edit) {
        return edit->toPlainText().replace(QLatin1Char('\n'), QLatin1Char(' '));
    };
    QJsonObject object{
        {QStringLiteral("greeting"), spoken(m_greeting)},
        {QStringLiteral("members"), m_members->toJson()},
        {QStringLiteral("ring"), m_ring->currentData().toString()},
        {QStringLiteral("ring_timeout_s"), m_ringTimeout->value()},
        {QStringLiteral("screening"), m_screening->isChecked()},
        {QStringLiteral("after_hours_greeting"), spoken(m_afterHoursGreeting)},
        {QStringLiteral("blocked"), m_blocklist->toJson()},
        {QStringLiteral("transcribe"), m_transcribe->isChecked()},
    };
    if (const auto hours = m_hours->toJson())
        object.insert(QStringLiteral("hours"), *hours);
    return object;
}

bool FlowEditor::hasUnsavedChanges() const
{
    return m_loadedRevision >= 0 && pageJson() != m_savedJson;
}

std::optional<FlowDefinition> FlowEditor::checkedFlow()
{
    clearProblems();
    const QJsonObject object = pageJson();
    // The very reading `flow set` gives a file: the page has no rules of its own.
    QString problem;
    auto flow =
        FlowDefinition::fromJson(QJsonDocument(object).toJson(QJsonDocument::Compact), &problem);
    if (!flow)
        showProblem(problem);
    return flow;
}

void FlowEditor::showProblem(const QString &problem)
{
    const QString path = FieldError::pathOf(problem);
    const QString key = FieldError::topKeyOf(path);
    if (key == QLatin1String("members")) {
        m_tabs->setCurrentWidget(m_members);
        m_members->showError(path, problem);
    } else if (key == QLatin1String("hours")) {
        m_tabs->setCurrentWidget(m_hours);
        m_hours->showError(path, problem);
    } else if (key == QLatin1String("blocked")) {
        m_tabs->setCurrentWidget(m_blocklist);
        m_blocklist->showError(path, problem);
    } else if (key == QLatin1String("ring") || key == QLatin1String("ring_timeout_s") ||
               key == QLatin1String("screening")) {
        m_tabs->setCurrentWidget(m_ring->parentWidget());
        FieldError::show(m_ringError, problem);
        (key == QLatin1String("screening") ? static_cast<QWidget *>(m_screening) : m_ring)
            ->setFocus(Qt::OtherFocusReason);
    } else if (key == QLatin1String("greeting") || key == QLatin1String("after_hours_greeting") ||
               key == QLatin1String("transcribe")) {
        m_tabs->setCurrentWidget(m_greeting->parentWidget());
        FieldError::show(m_greetingsError, problem);
        (key == QLatin1String("after_hours_greeting") ? m_afterHoursGreeting : m_greeting)
            ->setFocus(Qt::OtherFocusReason);
    } else {
        FieldError::show(m_formError, problem);
    }
}

void FlowEditor::clearProblems()
{
    m_members->clearError();
    m_hours->clearError();
    m_blocklist->clearError();
    FieldError::clear(m_ringError);
    FieldError::clear(m_greetingsError);
    FieldError::clear(m_formError);
}

bool FlowEditor::save()
{
    if (isBusy() || m_loadedRevision < 0 || m_conflicted)
        return false;
    const auto flow = checkedFlow();
    if (!flow)
        return false;
    setBusy(true);
    m_savingJson = pageJson();
    m_revisions->save(*flow, m_loadedRevision, m_author);
    return true;
}

void FlowEditor::done(int result)
{
    if (hasUnsavedChanges()) {
        QMessageBox question(QMessageBox::Warning, tr("Call Flow"),
                             tr("Discard your changes to the call flow? They have not been saved."),
                             QMessageBox::Discard | QMessageBox::Cancel, this);
        question.setObjectName(QStringLiteral("discardChangesQuestion"));
        question.setDefaultButton(QMessageBox::Cancel);
        if (question.exec() != QMessageBox::Discard)
            return;
    }
    QDialog::done(result);
}

} // namespace Switchboard
