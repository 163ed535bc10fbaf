#pragma once

#include "CallScript.h"

#include <functional>
#include <optional>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <twilio/FormData.h>
#include <twilio/TwimlDocument.h>

namespace Switchboard {

// A recording the caller left at a <Record>, or an empty one (seconds == 0) when they said
// nothing.
struct WalkRecording
{
    QString sid;
    QString url; // RecordingUrl, without extension
    int seconds = 0;
    qint64 startedAtMs = 0; // on the call's simulated clock
    QUrl statusCallback;    // empty: none requested
    QStringList callbackEvents;

    bool wantsEvent(const QString &event) const { return callbackEvents.contains(event); }
};

// What Twilio must do next for the call.
struct WalkStep
{
    enum class Kind
    {
        Request, // request `url` with `params` and, unless the caller hung up, follow its TwiML
        Notify,  // nothing to request, but `recording` must be announced; then call next() again
        Hangup,  // the call is over
        Failure, // the TwiML cannot be executed; Twilio would say "an application error..."
    };

    Kind kind = Kind::Hangup;
    QString purpose;           // "gather action", "dial action", "record action", "redirect"
    QUrl url;                  // absolute, resolved against the document's URL
    FormData params;           // the verb's parameters; the call's own are added by the sender
    bool callerHungUp = false; // Twilio still requests the action but ignores its TwiML
    std::optional<WalkRecording> recording;
    QString finalStatus = QStringLiteral("completed"); // for Hangup
    QString error;                                     // for Failure
};

// Executes TwiML the way Twilio does, verb by verb, with the caller and the far end following
// a CallScript. No I/O: SimulatedCall makes the requests and feeds the answers back, so the
// walking logic can be tested alone.
class TwimlWalker final
{
    Q_DISABLE_COPY_MOVE(TwimlWalker)

public:
    using Narrator = std::function<void(const QString &line)>;
    // Creates the recording (e.g. in the media server) and returns its RecordingUrl.
    using RecordingPublisher = std::function<QString(const QString &sid, int seconds)>;

    explicit TwimlWalker(const CallScript &script);

    void setNarrator(Narrator narrator) { m_narrate = std::move(narrator); }
    void setRecordingPublisher(RecordingPublisher publisher)
    {
        m_publishRecording = std::move(publisher);
    }

    void load(const TwimlDocument &document, const QUrl &documentUrl);
    WalkStep next();

    qint64 elapsedMs() const { return m_elapsedMs; }
    void advance(qint64 ms) { m_elapsedMs += ms; }

    // What happened, for the report.
    const QStringList &keysPressed() const { return m_keysPressed; }
    const QString &dialStatus() const { return m_dialStatus; }
    int dialSeconds() const { return m_dialSeconds; }
    const QList<WalkRecording> &recordings() const { return m_recordings; }
    bool callerHungUp() const { return m_callerGone; }

private:
    WalkStep gather(const TwimlVerb &verb);
    WalkStep dial(const TwimlVerb &verb);
    WalkStep record(const TwimlVerb &verb);
    void playPrompt(const TwimlVerb &verb, const QString &indent);
    QUrl actionUrl(const TwimlVerb &verb) const;
    void narrate(const QString &line) const;

    CallScript m_script;
    Narrator m_narrate;
    RecordingPublisher m_publishRecording;
    QList<TwimlVerb> m_verbs;
    QUrl m_documentUrl;
    qsizetype m_nextVerb = 0;
    bool m_loaded = false;
    qint64 m_elapsedMs = 0;
    bool m_callerGone = false;
    bool m_reachedMenu = false;

    QStringList m_keysPressed;
    QString m_dialStatus;
    int m_dialSeconds = 0;
    QList<WalkRecording> m_recordings;
};

} // namespace Switchboard
