#pragma once

#include "LegReport.h"
#include "LegScript.h"
#include "TwimlWalker.h"

#include <memory>
#include <optional>
#include <QStringList>
#include <QUrl>
#include <vector>

namespace Switchboard {

// The member legs of one <Dial>, played as Twilio rings them all at once: legs that are busy
// or fail end first, then the legs that answer do so in <Number> order, each following its
// whisper (<Number url>) until it hangs up or its TwiML ends, which bridges it to the caller.
// The first leg bridged wins; the legs still ringing are canceled; without a winner, the
// ringing ones end no-answer at the timeout, and the Dial is still "completed" when a leg
// answered (and hung up at its whisper), as Twilio reports it. Each leg's final status goes to
// its statusCallback. No I/O: TwimlWalker hands out the requests and feeds the answers back.
class DialLegs final
{
    Q_DISABLE_COPY_MOVE(DialLegs)

public:
    // One <Number> (or <Client>, <Sip>, or the Dial's own text) and the member behind it.
    struct Member
    {
        QString number;
        QString name;
        LegScript script;
        QUrl url;            // the whisper; empty: answering bridges at once
        QUrl statusCallback; // empty: no status callback
        bool wantsFinalStatus = false;
    };

    struct Timing
    {
        qint64 startMs = 0; // the caller's clock when the Dial starts
        int timeoutSeconds = 30;
        int talkSeconds = 20;       // the conversation once bridged (capped by timeLimit)
        bool callerHangsUp = false; // the caller gives up while the legs ring
    };

    struct Outcome
    {
        QString dialStatus; // DialCallStatus
        QString dialSid;    // DialCallSid: the bridged leg's, else the first leg's
        int dialSeconds = 0;
        bool bridged = false;
        qint64 endMs = 0; // the caller's clock when the Dial ends
    };

    DialLegs(const QList<Member> &members, const QString &callerId, const Timing &timing,
             const TwimlWalker::Narrator &narrate);
    ~DialLegs();

    // The next leg request or status callback, or nothing once every leg has ended.
    std::optional<WalkStep> next();
    bool awaitsTwiml() const { return m_awaiting >= 0; }
    void load(const TwimlDocument &document, const QUrl &documentUrl);
    void failRequest(const QString &error);

    Outcome outcome() const;
    QList<LegReport> results() const;
    const QStringList &errors() const { return m_errors; }

private:
    enum class Phase
    {
        Early,     // busy and failed legs end
        Answering, // answering legs in order, until one is bridged
        Settling,  // the others end: canceled, or no-answer at the timeout
        Done,
    };

    struct Leg
    {
        Member member;
        QString sid;
        std::unique_ptr<TwimlWalker> whisper;
        bool ended = false;
        bool bridged = false;
        int requests = 0;
        qint64 answeredMs = -1; // from the Dial's start; -1: never answered
        qint64 endedMs = 0;
        QString status;
        QString result;
    };

    std::optional<WalkStep> advance();
    std::optional<WalkStep> walkWhisper(int index);
    std::optional<WalkStep> answer(int index);
    void end(int index, const QString &status, const QString &result, qint64 atMs);
    std::optional<WalkStep> legRequest(int index, const QString &purpose, const QUrl &url,
                                       const FormData &params);
    LegCall call(int index, const QString &status) const;
    QString label(int index) const;
    void narrate(const QString &line) const;

    std::vector<Leg> m_legs;
    QString m_callerId;
    Timing m_timing;
    TwimlWalker::Narrator m_narrate;
    Phase m_phase = Phase::Early;
    int m_cursor = 0;
    int m_awaiting = -1; // the leg whose TwiML request is out
    int m_winner = -1;
    qint64 m_bridgeMs = 0;
    QList<WalkStep> m_outbox; // status callbacks due
    QStringList m_errors;
};

} // namespace Switchboard
