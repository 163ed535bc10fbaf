#pragma once

#include "core/CallRecord.h"

#include <optional>
#include <QWidget>

class QAction;
class QFormLayout;
class QLabel;
class QPushButton;
class QTreeWidget;

namespace Switchboard {

class CallLog;
class HandlingPanel;
class VoicemailAudioLoader;
class VoicemailPlayer;

// Everything about the selected call: its fields, its voicemail (player, heard/unheard, save,
// fetch), what the team did with it (HandlingPanel) and its timeline, one line per webhook the
// service received and per mark, tag and note.
class DetailsPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DetailsPane)

public:
    explicit DetailsPane(CallLog *log, QWidget *parent = nullptr);

    // Shows a call, or the hint to pick one. Called again when the call changes in the log:
    // a voicemail that is playing keeps playing.
    void setCall(const std::optional<CallRecord> &call);
    std::optional<CallRecord> call() const { return m_call; }

    VoicemailPlayer *player() const { return m_player; }
    HandlingPanel *handlingPanel() const { return m_handling; }
    // Whose "heard" the pane shows and whose name its marks carry.
    void setViewer(const QString &name);
    void setTagsInUse(const QStringList &tags);
    void togglePlayback();
    // Heard by this desktop's user (the viewer).
    bool setHeard(bool heard);
    bool toggleHeard();
    bool toggleDone();
    // Ctrl+H and Ctrl+D, anywhere in the window, for the window's menu to show.
    QAction *heardAction() const { return m_heardAction; }
    QAction *doneAction() const { return m_doneAction; }
    bool saveAudio(const QString &fileName, QString *error = nullptr);
    void focusDetails();
    // Puts `bar` (e.g. the call back's button) under the call's outcome.
    void addActionBar(QWidget *bar);
    // The "Fetch from Twilio" button's state, driven by the window's VoicemailFetcher.
    void setFetching(const QString &callSid, bool fetching, const QString &error = {});

Q_SIGNALS:
    void fetchRequested(const QString &callSid, const QString &recordingUrl);
    void heardChanged(const QString &callSid, bool heard);

private:
    QLabel *addField(QFormLayout *form, const QString &caption, const QString &name);
    void showFields(const CallRecord &call);
    void showVoicemail(const CallRecord &call, bool sameCall);
    void showRoute(const CallRecord &call);
    void showTimeline(const CallRecord &call);
    void saveAudioInteractively();
    void onPlaybackStarted(const QString &callSid);
    void onAudioLoaded(const QString &callSid, const QByteArray &audio, const QString &contentType);

    CallLog *m_log;
    VoicemailAudioLoader *m_audioLoader;
    std::optional<CallRecord> m_call;
    QString m_loadedAudioKey; // call and audio checksum in the player, or being loaded into it
    QString m_fetchingSid;
    bool m_playWhenLoaded = false; // Space pressed while the recording was being read

    QLabel *m_placeholder;
    QWidget *m_content;
    QLabel *m_title;
    QLabel *m_subtitle;
    QLabel *m_outcome;
    QLabel *m_started;
    QLabel *m_answered;
    QLabel *m_ended;
    QLabel *m_status;
    QLabel *m_duration;
    QLabel *m_talk;
    QLabel *m_menu;
    QLabel *m_forwarded;
    QLabel *m_dialStatus;
    QLabel *m_answeredBy;
    QLabel *m_reason;
    QLabel *m_to;
    QLabel *m_sid;
    QWidget *m_voicemailBox;
    QLabel *m_voicemailState;
    QLabel *m_transcription;
    QWidget *m_routeBox;
    QTreeWidget *m_route;
    VoicemailPlayer *m_player;
    QPushButton *m_heardButton;
    QAction *m_heardAction;
    QAction *m_doneAction;
    HandlingPanel *m_handling;
    QPushButton *m_saveButton;
    QPushButton *m_fetchButton;
    QTreeWidget *m_timeline;
};

} // namespace Switchboard
