#pragma once

#include "LegScript.h"

#include <optional>
#include <QString>
#include <QStringList>

namespace Switchboard {

// What the staff phone does when <Dial> rings it.
struct FarEnd
{
    enum class Kind
    {
        Talk,     // answers and talks for talkSeconds, then hangs up
        NoAnswer, // rings until the Dial timeout
        Busy,
        Failed,
        Canceled, // the caller gives up while it rings
    };

    Kind kind = Kind::Talk;
    int talkSeconds = 20;

    // "talk:SECONDS", "talk", "no-answer", "busy", "failed", "canceled".
    static std::optional<FarEnd> parse(const QString &text);
    QString toString() const;
    // How <Dial> reports this far end in its action's DialCallStatus.
    QString dialCallStatus() const;
};

// What Twilio's transcription of a voicemail reports (--transcription, --transcription-fails).
struct TranscriptionScript
{
    enum class Kind
    {
        None, // no transcription callback is sent
        Completed,
        Failed,
    };

    Kind kind = Kind::None;
    QString text;
};

// Everything the simulated caller and the far end will do, decided before the call starts.
struct CallScript
{
    QString branch = QStringLiteral("scripted"); // a name for reports, e.g. the --mix branch
    QStringList presses; // one entry per <Gather>, in order; "-" means silence at that Gather
    FarEnd farEnd;
    int voicemailSeconds = 8;        // 0: the caller stays silent at the beep
    bool hangupInMenu = false;       // the caller hangs up at the first <Gather>
    bool hangupAfterMessage = false; // end the voicemail by hanging up rather than pressing a key
    QList<LegScript> legs; // --legs: entry k for the k-th distinct number dialled; empty: farEnd
    TranscriptionScript transcription;
};

// Who is calling whom: the caller-ID parameters Twilio adds to every request.
struct CallParty
{
    QString from = QStringLiteral("+14155550142");
    QString to = QStringLiteral("+15005550006");
    QString callerName;
    QString fromCity = QStringLiteral("SAN FRANCISCO");
    QString fromState = QStringLiteral("CA");
    QString fromZip = QStringLiteral("94107");
    QString fromCountry = QStringLiteral("US");
    QString toCity = QStringLiteral("OAKLAND");
    QString toState = QStringLiteral("CA");
    QString toZip = QStringLiteral("94612");
    QString toCountry = QStringLiteral("US");
};

} // namespace Switchboard
