#include "LegScript.h"

#include "twilio/MenuKeys.h"

#include <QStringList>

namespace Switchboard {
namespace {

struct Named
{
    LegScript::Behaviour behaviour;
    const char *name;
};

constexpr Named kBehaviours[] = {
    {LegScript::Behaviour::Accept, "accept"},       {LegScript::Behaviour::Decline, "decline"},
    {LegScript::Behaviour::Voicemail, "voicemail"}, {LegScript::Behaviour::Busy, "busy"},
    {LegScript::Behaviour::NoAnswer, "no-answer"},  {LegScript::Behaviour::Failed, "failed"},
};

bool isPrintable(const QString &text)
{
    for (const QChar c : text) {
        if (!c.isPrint())
            return false;
    }
    return true;
}

} // namespace

QString LegScript::key() const
{
    switch (behaviour) {
    case Behaviour::Accept:
        return kAcceptKey;
    case Behaviour::Decline:
        return QStringLiteral("9");
    default:
        return QStringLiteral("-");
    }
}

QString LegScript::toString(Behaviour behaviour)
{
    for (const Named &named : kBehaviours) {
        if (named.behaviour == behaviour)
            return QLatin1String(named.name);
    }
    return {};
}

std::optional<LegScript::Behaviour> LegScript::behaviourFromString(const QString &text)
{
    for (const Named &named : kBehaviours) {
        if (text == QLatin1String(named.name))
            return named.behaviour;
    }
    return std::nullopt;
}

std::optional<QList<LegScript>> LegScript::parseList(const QString &text, QString *error)
{
    const QStringList entries = text.split(QLatin1Char(','));
    if (entries.size() > kMaxEntries) {
        *error = QStringLiteral("at most %1 legs").arg(kMaxEntries);
        return std::nullopt;
    }
    QList<LegScript> legs;
    for (const QString &entry : entries) {
        // The name may hold ':' itself; the behaviour follows the last one.
        const qsizetype colon = entry.lastIndexOf(QLatin1Char(':'));
        LegScript leg;
        leg.name = colon < 0 ? QString() : entry.left(colon).trimmed();
        const QString behaviour = entry.mid(colon + 1).trimmed().toLower();
        const auto parsed = behaviourFromString(behaviour);
        if (!parsed) {
            *error = QStringLiteral("\"%1\" is not NAME:BEHAVIOUR with a behaviour of accept, "
                                    "decline, voicemail, busy, no-answer or failed")
                         .arg(entry.trimmed().left(80));
            return std::nullopt;
        }
        if ((colon >= 0 && leg.name.isEmpty()) || leg.name.size() > kMaxNameLength ||
            !isPrintable(leg.name)) {
            *error = QStringLiteral("\"%1\": a leg's name is 1 to %2 printable characters")
                         .arg(entry.trimmed().left(80))
                         .arg(kMaxNameLength);
            return std::nullopt;
        }
        leg.behaviour = *parsed;
        legs.append(leg);
    }
    return legs;
}

} // namespace Switchboard
