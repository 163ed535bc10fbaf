#include "CallMix.h"

#include <array>
#include <QRandomGenerator>

namespace Switchboard {
namespace {

struct Branch
{
    const char *name;
    int weight;
};

// Weights in percent, roughly what a small office sees.
constexpr std::array<Branch, 6> kBranches{{
    {"answered", 38},
    {"unanswered-then-voicemail", 16},
    {"voicemail", 24},
    {"invalid-key-then-voicemail", 7},
    {"silence", 5},
    {"hangup-in-menu", 10},
}};

int between(QRandomGenerator &random, int low, int high)
{
    return int(random.bounded(low, high + 1));
}

} // namespace

QStringList callMixBranches()
{
    QStringList names;
    for (const auto &branch : kBranches)
        names.append(QLatin1String(branch.name));
    return names;
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
