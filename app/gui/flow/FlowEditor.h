#pragma once

#include "backend/LogConnection.h"
#include "db/FlowStore.h"

#include <optional>
#include <QDialog>
#include <QJsonObject>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFrame;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace Switchboard {

class BlocklistEditor;
class FlowRevisions;
class HoursEditor;
class MembersEditor;

// The Call Flow page: the call flow of the shared log, edited field by field. Save checks it
// with the flow's own reading (FlowDefinition::fromJson, what `flow set` checks a file with)
// and shows a refusal next to the field it names; a flow that passes is stored as a new
// revision by this desktop's user, only over the revision this page loaded. When another
// desktop saved in between, the page says who and when and offers to reload; it never
// overwrites their revision.
class FlowEditor final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FlowEditor)

public:
    FlowEditor(const LogConnection &connection, const QString &author, QWidget *parent = nullptr);
    ~FlowEditor() override;

    // Shows `parent`'s editor, opening one (that deletes itself when closed) if there is none.
    static FlowEditor *showFor(QWidget *parent, const LogConnection &connection,
                               const QString &author);

    // Reads the newest revision into the page, dropping what was edited.
    void reload();
    // The flow the page describes, when `flow set` would take it; otherwise shows why, next to
    // the field, and returns nothing.
    std::optional<FlowDefinition> checkedFlow();
    // Checks, then stores a new revision; the answer comes later (see isBusy()).
    bool save();

    bool isBusy() const;
    // The page differs from the revision it loaded or saved last.
    bool hasUnsavedChanges() const;
    // The revision the page was loaded from (0: none yet; -1: not loaded).
    qint64 loadedRevision() const { return m_loadedRevision; }

    MembersEditor *members() const { return m_members; }
    HoursEditor *hours() const { return m_hours; }
    BlocklistEditor *blocklist() const { return m_blocklist; }
    QTabWidget *tabs() const { return m_tabs; }

protected:
    // Closing with unsaved changes asks first.
    void done(int result) override;

Q_SIGNALS:
    void loaded(qint64 revision);
    void saved(qint64 revision);
    void conflicted(qint64 newestRevision);

private:
    // The flow as the page describes it, in the JSON `flow set` reads, unchecked.
    QJsonObject pageJson() const;
    void showFlow(const FlowDefinition &flow);
    void showRevision(const StoredFlow &stored);
    // Another desktop saved `newest` after this page loaded: saving is over until a reload.
    void showConflict(const StoredFlow &newest);
    void showNotice(const QString &text, bool offerReload);
    void showProblem(const QString &problem);
    void clearProblems();
    void setBusy(bool busy);

    FlowRevisions *m_revisions;
    QString m_author;
    qint64 m_loadedRevision = -1;
    bool m_conflicted = false;
    QJsonObject m_savedJson;       // the page as loaded or last saved
    QJsonObject m_savingJson;      // the page as it was when the save under way began
    qint64 m_conflictRevision = 0; // the newest revision saved elsewhere that the page reported

    QLabel *m_revisionLabel;
    QFrame *m_notice;
    QLabel *m_noticeText;
    QPushButton *m_reloadButton;
    QLabel *m_formError;
    QTabWidget *m_tabs;
    MembersEditor *m_members;
    QComboBox *m_ring;
    QSpinBox *m_ringTimeout;
    QCheckBox *m_screening;
    QLabel *m_ringError;
    HoursEditor *m_hours;
    QPlainTextEdit *m_greeting;
    QPlainTextEdit *m_afterHoursGreeting;
    QCheckBox *m_transcribe;
    QLabel *m_greetingsError;
    BlocklistEditor *m_blocklist;
    QDialogButtonBox *m_buttons;
    QPushButton *m_saveButton;
};

} // namespace Switchboard
