#include "CallMix.h"

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

int between(QRandomGenerator &random, int low, int high)
{
    return int(random.bounded(low, high + 1));
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

std::optional<Outcome> callMixOutcome(const QString &branch)
{
    for (const auto &known : kBranches) {
        if (branch == QLatin1String(known.name))
            return known.outcome;
    }
    return std::nullopt;
}

CallScript randomCallScript(QRandomGenerator &random, const CallScript &base)
{
    int total = 0;
    for (const auto &branch : kBranches)
        total += branch.weight;
    int pick = between(random, 0, total - 1);
    QLatin1String name(kBranches.back().name);
    for (const auto &branch : kBranches) {
        if (pick < branch.weight) {
            name = QLatin1String(branch.name);
            break;
        }
        pick -= branch.weight;
    }

    CallScript script = base;
    script.branch = name;
    script.presses.clear();
    script.hangupInMenu = false;
    script.farEnd = FarEnd{};
    script.voicemailSeconds = between(random, 3, 45);
    script.hangupAfterMessage = random.bounded(3) == 0; // many callers just hang up

    if (name == QLatin1String("answered")) {
        script.presses = {QStringLiteral("1")};
        script.farEnd.talkSeconds = between(random, 15, 420);
    } else if (name == QLatin1String("unanswered-then-voicemail")) {
        script.presses = {QStringLiteral("1")};
        const int kind = int(random.bounded(10));
        script.farEnd.kind = kind < 7   ? FarEnd::Kind::NoAnswer
                             : kind < 9 ? FarEnd::Kind::Busy
                                        : FarEnd::Kind::Failed;
    } else if (name == QLatin1String("voicemail")) {
        script.presses = {QStringLiteral("2")};
    } else if (name == QLatin1String("invalid-key-then-voicemail")) {
        script.presses = {QString::number(between(random, 3, 9)), QStringLiteral("2")};
    } else if (name == QLatin1String("silence")) {
        script.voicemailSeconds = 0; // silent throughout, even if offered voicemail
    } else {
        script.hangupInMenu = true;
    }
    return script;
}

} // namespace Switchboard
