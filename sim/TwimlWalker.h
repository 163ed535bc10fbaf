#pragma once

#include "CallScript.h"
#include "LegCall.h"
#include "LegReport.h"

#include <functional>
#include <memory>
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
    QUrl transcribeCallback; // empty: no transcription requested (transcribe="true" and a URL)

    bool wantsEvent(const QString &event) const { return callbackEvents.contains(event); }
};

// What Twilio must do next for the call.
struct WalkStep
{
    enum class Kind
    {
        Request,  // request `url` with `params` and, unless the caller hung up, follow its TwiML
        Notify,   // nothing to request, but `recording` must be announced; then call next() again
        Hangup,   // the call is over
        Failure,  // the TwiML cannot be executed; Twilio would say "an application error..."
        Callback, // a member leg's status callback: request `url`, only the HTTP status matters
    };

    Kind kind = Kind::Hangup;
    QString purpose;           // "gather action", "dial action", "record action", "redirect"
    QUrl url;                  // absolute, resolved against the document's URL
    FormData params;           // the verb's parameters; the call's own are added by the sender
    bool callerHungUp = false; // Twilio still requests the action but ignores its TwiML
    std::optional<WalkRecording> recording;
    QString finalStatus = QStringLiteral("completed"); // for Hangup
    QString error;                                     // for Failure
    std::optional<LegCall> leg; // set: the request is made on a member's leg of a <Dial>
    bool endOfDocument = false; // Hangup because the verbs ran out (on a whisper: the bridge)
};

class DialLegs;

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

    // Where the TwiML runs: the caller's call, or a member's leg answering a <Number url>
    // (the whisper), where only prompts, <Gather>, <Redirect> and <Hangup> are allowed and
    // the end of the document bridges the member to the caller.
    enum class Mode
    {
        Call,
        Whisper,
    };

    explicit TwimlWalker(const CallScript &script, Mode mode = Mode::Call);
    ~TwimlWalker();

    void setNarrator(Narrator narrator) { m_narrate = std::move(narrator); }
    void setRecordingPublisher(RecordingPublisher publisher)
    {
        m_publishRecording = std::move(publisher);
    }

    // During a <Dial>, the document is the answer to the leg request next() returned last.
    void load(const TwimlDocument &document, const QUrl &documentUrl);
    // That leg request got no TwiML (HTTP error, invalid document): the leg hangs up.
    void failLegRequest(const QString &error);
    WalkStep next();

    qint64 elapsedMs() const { return m_elapsedMs; }
    void advance(qint64 ms) { m_elapsedMs += ms; }

    // What happened, for the report.
    const QStringList &keysPressed() const { return m_keysPressed; }
    const QString &dialStatus() const { return m_dialStatus; }
    int dialSeconds() const { return m_dialSeconds; }
    const QList<WalkRecording> &recordings() const { return m_recordings; }
    bool callerHungUp() const { return m_callerGone; }
    const QList<LegReport> &legs() const { return m_legResults; }
    // What went wrong on members' legs; the call itself went on, as on Twilio.
    QStringList legErrors() const;

    static constexpr int kMaxNumbersPerDial = 10; // Twilio dials at most ten at once
    static constexpr int kMaxLegRequests = 10;    // TwiML requests on one leg: beyond, a loop

private:
    WalkStep gather(const TwimlVerb &verb);
    WalkStep dial(const TwimlVerb &verb);
    WalkStep continueDial();
    LegScript legScript(const QString &number, int position, bool *callerHangsUp);
    WalkStep record(const TwimlVerb &verb);
    void playPrompt(const TwimlVerb &verb, const QString &indent);
    QUrl actionUrl(const TwimlVerb &verb) const;
    void narrate(const QString &line) const;
    QString listener() const; // who hears the TwiML: the caller, or the member on a leg

    CallScript m_script;
    Mode m_mode;
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

    std::unique_ptr<DialLegs> m_dial; // the <Dial> whose legs are being played
    TwimlVerb m_dialVerb;
    qint64 m_dialStartMs = 0;
    QStringList m_dialledNumbers; // distinct, in the order first dialled: --legs entry k
    QList<LegReport> m_legResults;
    QStringList m_legErrors;
};

} // namespace Switchboard
