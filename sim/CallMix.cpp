#include "CallMix.h"

#include "twilio/MenuKeys.h"

#include <array>
#include <iterator>
#include <QRandomGenerator>

namespace Switchboard {
namespace {

struct Branch
{
    const char *name;
    int weight;
    Outcome outcome; // kept next to the branch so a new branch says what it must log
};

// Weights in percent, roughly what a small office sees. A silent caller is offered voicemail
// after the menu's last repeat but leaves nothing: abandoned, like a hang-up in the menu.
constexpr std::array<Branch, 6> kBranches{{
    {"answered", 38, Outcome::Answered},
    {"unanswered-then-voicemail", 16, Outcome::Voicemail},
    {"voicemail", 24, Outcome::Voicemail},
    {"invalid-key-then-voicemail", 7, Outcome::Voicemail},
    {"silence", 5, Outcome::Abandoned},
    {"hangup-in-menu", 10, Outcome::Abandoned},
}};

// The same day for a team: a forwarded call is taken by the member who accepts at the
// whisper, or, when nobody does, goes to voicemail.
constexpr std::array<Branch, 6> kTeamBranches{{
    {"member-accepts", 38, Outcome::Answered},
    {"no-member-accepts-then-voicemail", 16, Outcome::Voicemail},
    {"voicemail", 24, Outcome::Voicemail},
    {"invalid-key-then-voicemail", 7, Outcome::Voicemail},
    {"silence", 5, Outcome::Abandoned},
    {"hangup-in-menu", 10, Outcome::Abandoned},
}};

int between(QRandomGenerator &random, int low, int high)
{
    return int(random.bounded(low, high + 1));
}

template<std::size_t N>
QLatin1String pickBranch(QRandomGenerator &random, const std::array<Branch, N> &branches)
{
    int total = 0;
    for (const auto &branch : branches)
        total += branch.weight;
    int pick = between(random, 0, total - 1);
    for (const auto &branch : branches) {
        if (pick < branch.weight)
            return QLatin1String(branch.name);
        pick -= branch.weight;
    }
    return QLatin1String(branches.back().name);
}

// How a member who does not take the call lets it go.
LegScript::Behaviour refusal(QRandomGenerator &random)
{
    const int kind = int(random.bounded(10));
    return kind < 3   ? LegScript::Behaviour::Decline
           : kind < 6 ? LegScript::Behaviour::Voicemail
           : kind < 9 ? LegScript::Behaviour::NoAnswer
                      : LegScript::Behaviour::Busy;
}

// The script of a branch both mixes have: the caller's part only.
CallScript callerScript(QRandomGenerator &random, const CallScript &base, QLatin1String name)
{
    CallScript script = base;
    script.branch = name;
    script.presses.clear();
    script.hangupInMenu = false;
    script.farEnd = FarEnd{};
    script.legs.clear();
    script.voicemailSeconds = between(random, 3, 45);
    script.hangupAfterMessage = random.bounded(3) == 0; // many callers just hang up

    if (name == QLatin1String("voicemail")) {
        script.presses = {kVoicemailKey};
    } else if (name == QLatin1String("invalid-key-then-voicemail")) {
        script.presses = {QString::number(between(random, 3, 9)), kVoicemailKey};
    } else if (name == QLatin1String("silence")) {
        script.voicemailSeconds = 0; // silent throughout, even if offered voicemail
    } else if (name == QLatin1String("hangup-in-menu")) {
        script.hangupInMenu = true;
    } else {
        script.presses = {kForwardKey};
    }
    return script;
}

} // namespace

CallParty randomCaller(QRandomGenerator &random, const CallParty &base)
{
    struct Place
    {
        const char *areaCode, *city, *state, *zip;
    };
    static const Place places[] = {
        {"415", "SAN FRANCISCO", "CA", "94107"}, {"212", "NEW YORK", "NY", "10001"},
        {"312", "CHICAGO", "IL", "60601"},       {"617", "BOSTON", "MA", "02108"},
        {"206", "SEATTLE", "WA", "98101"},       {"512", "AUSTIN", "TX", "78701"},
        {"303", "DENVER", "CO", "80202"},        {"305", "MIAMI", "FL", "33101"},
    };
    // Caller ID names as carriers deliver them; many calls come without one.
    static const char *names[] = {"",
                                  "",
                                  "",
                                  "WIRELESS CALLER",
                                  "J MORALES",
                                  "PRIYA NAIR",
                                  "OKAFOR CHIDI",
                                  "L BERNARD",
                                  "ACME LOGISTICS",
                                  "T NGUYEN"};
    const Place &place = places[random.bounded(int(std::size(places)))];
    CallParty party = base;
    party.from = QStringLiteral("+1") + QLatin1String(place.areaCode) + QStringLiteral("555") +
                 QStringLiteral("%1").arg(random.bounded(10000), 4, 10, QLatin1Char('0'));
    party.callerName = QLatin1String(names[random.bounded(int(std::size(names)))]);
    party.fromCity = QLatin1String(place.city);
    party.fromState = QLatin1String(place.state);
    party.fromZip = QLatin1String(place.zip);
    party.fromCountry = QStringLiteral("US");
    return party;
}

QStringList callMixBranches()
{
    QStringList names;
    for (const auto &branch : kBranches)
        names.append(QLatin1String(branch.name));
    return names;
}

QStringList teamCallMixBranches()
{
    QStringList names;
    for (const auto &branch : kTeamBranches)
        names.append(QLatin1String(branch.name));
    return names;
}

std::optional<Outcome> callMixOutcome(const QString &branch)
{
    for (const auto *branches : {&kBranches, &kTeamBranches}) {
        for (const auto &known : *branches) {
            if (branch == QLatin1String(known.name))
                return known.outcome;
        }
    }
    return std::nullopt;
}

CallScript randomCallScript(QRandomGenerator &random, const CallScript &base)
{
    const QLatin1String name = pickBranch(random, kBranches);
    CallScript script = callerScript(random, base, name);
    if (name == QLatin1String("answered")) {
        script.farEnd.talkSeconds = between(random, 15, 420);
    } else if (name == QLatin1String("unanswered-then-voicemail")) {
        const int kind = int(random.bounded(10));
        script.farEnd.kind = kind < 7   ? FarEnd::Kind::NoAnswer
                             : kind < 9 ? FarEnd::Kind::Busy
                                        : FarEnd::Kind::Failed;
    }
    return script;
}

CallScript randomTeamCallScript(QRandomGenerator &random, const CallScript &base, int members)
{
    const QLatin1String name = pickBranch(random, kTeamBranches);
    CallScript script = callerScript(random, base, name);
    if (name == QLatin1String("member-accepts")) {
        script.farEnd.talkSeconds = between(random, 15, 420);
        // Mostly the first member rung takes it; otherwise one further down the list.
        const int accepting =
            members > 1 && random.bounded(10) >= 6 ? between(random, 1, members - 1) : 0;
        for (int member = 0; member < members; ++member) {
            LegScript leg;
            leg.behaviour = member == accepting ? LegScript::Behaviour::Accept : refusal(random);
            script.legs.append(leg);
        }
    } else if (name == QLatin1String("no-member-accepts-then-voicemail")) {
        for (int member = 0; member < members; ++member) {
            LegScript leg;
            leg.behaviour = refusal(random);
            script.legs.append(leg);
        }
    }
    // Twilio transcribes what the caller said; now and then it cannot.
    if (random.bounded(10) == 0) {
        script.transcription.kind = TranscriptionScript::Kind::Failed;
    } else {
        script.transcription.kind = TranscriptionScript::Kind::Completed;
        script.transcription.text = QStringLiteral("Hi, this is a message about order %1, "
                                                   "please call me back.")
                                        .arg(random.bounded(100000));
    }
    return script;
}

} // namespace Switchboard
