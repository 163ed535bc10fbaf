#include "HandlingPanel.h"

#include "backend/CallFormat.h"
#include "backend/CallLog.h"
#include "backend/DisplayName.h"
#include "backend/HandlingFormat.h"
#include "gui/common/PlainText.h"

#include <QCompleter>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStringListModel>
#include <QVBoxLayout>

namespace Switchboard {
namespace {

QLabel *plainLabel(const QString &name, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setTextFormat(Qt::PlainText); // names and notes other desktops wrote
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

// Ctrl+Enter in the note field adds the note; Enter alone starts a new line.
class NoteKeys final : public QObject
{
public:
    NoteKeys(QPushButton *button, QObject *parent)
        : QObject(parent)
        , m_button(button)
    {}

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::KeyPress) {
            const auto *key = static_cast<QKeyEvent *>(event);
            if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) &&
                key->modifiers().testFlag(Qt::ControlModifier)) {
                m_button->click();
                return true;
            }
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QPushButton *m_button;
};

} // namespace

HandlingPanel::HandlingPanel(CallLog *log, QWidget *parent)
    : QWidget(parent)
    , m_log(log)
    , m_viewer(defaultDisplayName()) // until the window says whose settings apply
    , m_tagsInUse(new QStringListModel(this))
{
    setObjectName(QStringLiteral("handlingPanel"));
    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(6);

    m_heardBy = plainLabel(QStringLiteral("heardBy"), this);
    column->addWidget(m_heardBy);

    m_doneState = plainLabel(QStringLiteral("doneState"), this);
    column->addWidget(m_doneState);
    auto *doneRow = new QHBoxLayout;
    m_doneNote = new QLineEdit(this);
    m_doneNote->setObjectName(QStringLiteral("doneNote"));
    m_doneNote->setPlaceholderText(tr("Note (optional)"));
    m_doneNote->setAccessibleName(tr("Note when marking done"));
    m_doneNote->setMaxLength(CallAnnotations::kMaxNoteChars);
    m_doneButton = new QPushButton(this);
    m_doneButton->setObjectName(QStringLiteral("doneButton"));
    m_doneButton->setToolTip(tr("Mark the call done or open again (Ctrl+D)"));
    doneRow->addWidget(m_doneNote, 1);
    doneRow->addWidget(m_doneButton);
    column->addLayout(doneRow);

    m_tags = new QListWidget(this);
    m_tags->setObjectName(QStringLiteral("tags"));
    m_tags->setAccessibleName(tr("Tags"));
    m_tags->setFlow(QListView::LeftToRight);
    m_tags->setWrapping(true);
    m_tags->setSpacing(2);
    m_tags->setMaximumHeight(56);
    column->addWidget(m_tags);
    auto *tagRow = new QHBoxLayout;
    m_tagEdit = new QLineEdit(this);
    m_tagEdit->setObjectName(QStringLiteral("tagEdit"));
    m_tagEdit->setPlaceholderText(tr("Add a tag"));
    m_tagEdit->setAccessibleName(tr("Add a tag"));
    m_tagEdit->setMaxLength(CallAnnotations::kMaxTagChars);
    auto *completer = new QCompleter(m_tagsInUse, m_tagEdit);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    m_tagEdit->setCompleter(completer);
    m_removeTag = new QPushButton(tr("Remove tag"), this);
    m_removeTag->setObjectName(QStringLiteral("removeTagButton"));
    tagRow->addWidget(m_tagEdit, 1);
    tagRow->addWidget(m_removeTag);
    column->addLayout(tagRow);

    m_notes = new QListWidget(this);
    m_notes->setObjectName(QStringLiteral("notes"));
    m_notes->setAccessibleName(tr("Notes"));
    m_notes->setWordWrap(true);
    m_notes->setSelectionMode(QAbstractItemView::NoSelection);
    m_notes->setMinimumHeight(60);
    column->addWidget(m_notes);
    m_noteEdit = new QPlainTextEdit(this);
    m_noteEdit->setObjectName(QStringLiteral("noteEdit"));
    m_noteEdit->setAccessibleName(tr("New note"));
    m_noteEdit->setPlaceholderText(tr("Add a note for the team (Ctrl+Enter)"));
    m_noteEdit->setTabChangesFocus(true);
    m_noteEdit->setMaximumHeight(64);
    column->addWidget(m_noteEdit);
    m_addNote = new QPushButton(tr("Add note"), this);
    m_addNote->setObjectName(QStringLiteral("addNoteButton"));
    auto *noteRow = new QHBoxLayout;
    noteRow->addStretch(1);
    noteRow->addWidget(m_addNote);
    column->addLayout(noteRow);
    m_noteEdit->installEventFilter(new NoteKeys(m_addNote, this));

    connect(m_doneButton, &QPushButton::clicked, this, &HandlingPanel::toggleDone);
    connect(m_tagEdit, &QLineEdit::returnPressed, this, [this] {
        if (addTag(m_tagEdit->text()))
            m_tagEdit->clear();
    });
    connect(m_removeTag, &QPushButton::clicked, this, [this] {
        const QListWidgetItem *item = m_tags->currentItem();
        if (item)
            removeTag(item->text());
    });
    connect(m_addNote, &QPushButton::clicked, this, [this] {
        if (addNote(m_noteEdit->toPlainText()))
            m_noteEdit->clear();
    });
    show(m_handling);
}

void HandlingPanel::setViewer(const QString &name)
{
    m_viewer = CallAnnotations::normalisedName(name);
}

void HandlingPanel::setTagsInUse(const QStringList &tags)
{
    if (m_tagsInUse->stringList() != tags)
        m_tagsInUse->setStringList(tags);
}

void HandlingPanel::setCall(const std::optional<CallRecord> &call)
{
    m_call = call;
    CallHandling handling;
    CallAnnotations *annotations = m_log->annotations();
    if (call && annotations) {
        const auto read = annotations->read(call->callSid);
        if (read)
            handling = *read;
        else
            m_log->reportFailure(annotations->lastError());
    }
    m_handling = handling;
    show(m_handling);
}

void HandlingPanel::show(const CallHandling &handling)
{
    const bool hasVoicemail = m_call && m_call->voicemail;
    const QString heard = HandlingFormat::heardBy(handling);
    m_heardBy->setText(heard.isEmpty() ? tr("Nobody has heard the voicemail yet.") : heard);
    m_heardBy->setVisible(hasVoicemail);
    if (handling.done) {
        m_doneState->setText(
            handling.done->note.isEmpty()
                ? HandlingFormat::done(handling)
                : tr("%1 — %2").arg(HandlingFormat::done(handling), handling.done->note));
        m_doneState->setToolTip(PlainText::toolTip(CallFormat::fullTime(handling.done->at)));
    } else {
        m_doneState->setText(tr("Open: nobody has marked it done."));
        m_doneState->setToolTip({});
    }
    m_doneButton->setText(handling.done ? tr("Reopen") : tr("Mark done"));
    m_doneNote->setVisible(!handling.done);

    m_tags->clear();
    m_tags->addItems(handling.tags); // items show plain text
    m_tags->setVisible(!handling.tags.isEmpty());
    m_removeTag->setEnabled(!handling.tags.isEmpty());

    m_notes->clear();
    for (const CallNote &note : handling.notes) {
        auto *item = new QListWidgetItem(
            tr("%1 · %2\n%3").arg(note.author, CallFormat::feedTime(note.at), note.text));
        item->setToolTip(PlainText::toolTip(CallFormat::fullTime(note.at)));
        m_notes->addItem(item);
    }
    m_notes->setVisible(!handling.notes.isEmpty());
    setEnabled(m_call.has_value());
}

bool HandlingPanel::wrote(bool ok, const QString &what)
{
    CallAnnotations *annotations = m_log->annotations();
    if (!ok) {
        PlainText::warn(
            this, tr("Call"),
            tr("Could not %1: %2")
                .arg(what, annotations ? annotations->lastError() : m_log->errorMessage()));
        return false;
    }
    // Shown at once; the feed and the other desktops follow through the log.
    setCall(m_call);
    Q_EMIT written();
    m_log->notifyLocalWrite();
    return true;
}

bool HandlingPanel::setHeard(bool heard)
{
    CallAnnotations *annotations = m_log->annotations();
    if (!m_call || !m_call->voicemail || !annotations)
        return false;
    return wrote(annotations->setHeard(m_call->callSid, m_viewer, heard), tr("mark the voicemail"));
}

bool HandlingPanel::markDone(const QString &note)
{
    CallAnnotations *annotations = m_log->annotations();
    if (!m_call || !annotations)
        return false;
    if (!wrote(annotations->markDone(m_call->callSid, m_viewer, note), tr("mark the call done")))
        return false;
    m_doneNote->clear();
    return true;
}

bool HandlingPanel::reopen()
{
    CallAnnotations *annotations = m_log->annotations();
    if (!m_call || !annotations)
        return false;
    return wrote(annotations->reopen(m_call->callSid), tr("reopen the call"));
}

bool HandlingPanel::toggleDone()
{
    return m_handling.done ? reopen() : markDone(m_doneNote->text());
}

bool HandlingPanel::addTag(const QString &tag)
{
    CallAnnotations *annotations = m_log->annotations();
    if (!m_call || !annotations || CallAnnotations::normalisedTag(tag).isEmpty())
        return false;
    return wrote(annotations->addTag(m_call->callSid, tag, m_viewer), tr("tag the call"));
}

bool HandlingPanel::removeTag(const QString &tag)
{
    CallAnnotations *annotations = m_log->annotations();
    if (!m_call || !annotations)
        return false;
    return wrote(annotations->removeTag(m_call->callSid, tag), tr("remove the tag"));
}

bool HandlingPanel::addNote(const QString &text)
{
    CallAnnotations *annotations = m_log->annotations();
    if (!m_call || !annotations || CallAnnotations::normalisedNote(text).isEmpty())
        return false;
    return wrote(annotations->addNote(m_call->callSid, m_viewer, text), tr("add the note"));
}

QList<HandlingPanel::TimelineEntry> HandlingPanel::timelineEntries() const
{
    QList<TimelineEntry> entries;
    for (const HeardMark &mark : m_handling.heard)
        entries.append({mark.at, tr("heard"), mark.by});
    if (m_handling.done) {
        QString detail = m_handling.done->by;
        if (!m_handling.done->note.isEmpty())
            detail += QStringLiteral(" · ") + m_handling.done->note;
        entries.append({m_handling.done->at, tr("done"), detail});
    }
    for (const TagMark &tag : m_handling.tagMarks)
        entries.append({tag.at, tr("tagged %1").arg(tag.tag), tag.by});
    for (const CallNote &note : m_handling.notes)
        entries.append(
            {note.at, tr("note"), QStringLiteral("%1 · %2").arg(note.author, note.text)});
    return entries;
}

} // namespace Switchboard
