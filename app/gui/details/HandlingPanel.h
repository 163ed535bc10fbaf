#pragma once

#include "core/CallRecord.h"
#include "db/CallAnnotations.h"

#include <optional>
#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QStringListModel;

namespace Switchboard {

class CallLog;

// What the team did with the selected call, and what this user does with it: who heard its
// voicemail, done (with an optional note) or open, its tags (completed from the tags in use)
// and its notes. Every write goes to the shared log at once; the panel shows what the log then
// holds, as every other desktop on it does.
class HandlingPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HandlingPanel)

public:
    explicit HandlingPanel(CallLog *log, QWidget *parent = nullptr);

    // The name this user's marks carry.
    void setViewer(const QString &name);
    QString viewer() const { return m_viewer; }
    // Reads the call's handling from the log (nothing shown without a call).
    void setCall(const std::optional<CallRecord> &call);
    const CallHandling &handling() const { return m_handling; }
    bool isHeardByViewer() const { return m_handling.isHeardBy(m_viewer); }
    void setTagsInUse(const QStringList &tags);

    // Each writes to the log; false (and a message to the user) when it could not.
    bool setHeard(bool heard);
    bool markDone(const QString &note);
    bool reopen();
    bool toggleDone();
    bool addTag(const QString &tag);
    bool removeTag(const QString &tag);
    bool addNote(const QString &text);

    // The handling as lines of the call's timeline: when, what, who / detail.
    struct TimelineEntry
    {
        QDateTime at;
        QString what;
        QString detail;
    };
    QList<TimelineEntry> timelineEntries() const;

Q_SIGNALS:
    // This desktop wrote to the log.
    void written();

private:
    void show(const CallHandling &handling);
    bool wrote(bool ok, const QString &what);

    CallLog *m_log;
    QString m_viewer;
    std::optional<CallRecord> m_call;
    CallHandling m_handling;
    QLabel *m_heardBy;
    QLabel *m_doneState;
    QLineEdit *m_doneNote;
    QPushButton *m_doneButton;
    QListWidget *m_tags;
    QLineEdit *m_tagEdit;
    QPushButton *m_removeTag;
    QStringListModel *m_tagsInUse;
    QListWidget *m_notes;
    QPlainTextEdit *m_noteEdit;
    QPushButton *m_addNote;
};

} // namespace Switchboard
