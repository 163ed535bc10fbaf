#include "FlowDefinition.h"

#include "FlowJson.h"
#include "twilio/Identifiers.h"

#include <algorithm>
#include <QJsonArray>
#include <QJsonParseError>

namespace Switchboard {
namespace {

const QString kGreeting = QStringLiteral("greeting");
const QString kMembers = QStringLiteral("members");
const QString kRing = QStringLiteral("ring");
const QString kRingTimeout = QStringLiteral("ring_timeout_s");
const QString kScreening = QStringLiteral("screening");
const QString kHours = QStringLiteral("hours");
const QString kAfterHoursGreeting = QStringLiteral("after_hours_greeting");
const QString kBlocked = QStringLiteral("blocked");
const QString kTranscribe = QStringLiteral("transcribe");
const QString kName = QStringLiteral("name");
const QString kNumber = QStringLiteral("number");
const QString kActive = QStringLiteral("active");
const QString kSimultaneous = QStringLiteral("simultaneous");
const QString kSequential = QStringLiteral("sequential");

std::optional<QString> phoneNumber(const QJsonValue &value, const QString &path, QString *error)
{
    // 16 characters is the longest E.164 number; a longer one is refused as not E.164.
    const auto number = FlowJson::text(value, path, 64, true, error);
    if (!number)
        return std::nullopt;
    if (!isE164(*number)) {
        *error = QStringLiteral("%1: %2 is not an E.164 number such as +14155550100")
                     .arg(path, FlowJson::quoted(*number));
        return std::nullopt;
    }
    return number;
}

std::optional<FlowMember> readMember(const QJsonValue &value, const QString &path, QString *error)
{
    if (!value.isObject()) {
        *error = FlowJson::wrongType(path, "an object", value);
        return std::nullopt;
    }
    const QJsonObject object = value.toObject();
    *error = FlowJson::unknownKey(object, {kName, kNumber, kActive}, path);
    if (!error->isEmpty())
        return std::nullopt;
    for (const QString &required : {kName, kNumber}) {
        if (!object.contains(required)) {
            *error = QStringLiteral("%1: missing").arg(FlowJson::member(path, required));
            return std::nullopt;
        }
    }
    FlowMember member;
    const auto name = FlowJson::text(object.value(kName), FlowJson::member(path, kName),
                                     FlowDefinition::kMaxNameLength, false, error);
    if (!name)
        return std::nullopt;
    member.name = *name;
    const auto number = phoneNumber(object.value(kNumber), FlowJson::member(path, kNumber), error);
    if (!number)
        return std::nullopt;
    member.number = *number;
    if (object.contains(kActive)) {
        const auto active =
            FlowJson::boolean(object.value(kActive), FlowJson::member(path, kActive), error);
        if (!active)
            return std::nullopt;
        member.active = *active;
    }
    return member;
}

std::optional<QList<FlowMember>> readMembers(const QJsonValue &value, QString *error)
{
    const auto items = FlowJson::array(value, kMembers, FlowDefinition::kMaxMembers, error);
    if (!items)
        return std::nullopt;
    QList<FlowMember> members;
    for (qsizetype i = 0; i < items->size(); ++i) {
        const QString path = FlowJson::element(kMembers, i);
        const auto member = readMember(items->at(i), path, error);
        if (!member)
            return std::nullopt;
        const auto same = std::find_if(members.cbegin(), members.cend(), [&](const FlowMember &m) {
            return m.number == member->number;
        });
        if (same != members.cend()) {
            *error = QStringLiteral("%1: %2 is already the number of %3")
                         .arg(FlowJson::member(path, kNumber), member->number,
                              FlowJson::element(kMembers, same - members.cbegin()));
            return std::nullopt;
        }
        members.append(*member);
    }
    return members;
}

std::optional<QStringList> readBlocked(const QJsonValue &value, QString *error)
{
    const auto items = FlowJson::array(value, kBlocked, FlowDefinition::kMaxBlocked, error);
    if (!items)
        return std::nullopt;
    QStringList blocked;
    for (qsizetype i = 0; i < items->size(); ++i) {
        const QString path = FlowJson::element(kBlocked, i);
        const auto number = phoneNumber(items->at(i), path, error);
        if (!number)
            return std::nullopt;
        const qsizetype earlier = blocked.indexOf(*number);
        if (earlier >= 0) {
            *error = QStringLiteral("%1: %2 is already %3")
                         .arg(path, *number, FlowJson::element(kBlocked, earlier));
            return std::nullopt;
        }
        blocked.append(*number);
    }
    return blocked;
}

} // namespace

QString FlowDefinition::defaultGreeting()
{
    return QStringLiteral(
        "Thank you for calling. To speak to someone, press 1. To leave a message, press 2.");
}

QString FlowDefinition::defaultAfterHoursGreeting()
{
    return QStringLiteral("We are closed right now. Please leave a message after the beep.");
}

std::optional<FlowDefinition> FlowDefinition::fromJson(const QByteArray &json, QString *error)
{
    if (json.size() > kMaxJsonBytes) {
        *error = QStringLiteral("the flow: %1 bytes of JSON, at most %2 are allowed")
                     .arg(json.size())
                     .arg(kMaxJsonBytes);
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("the flow: not JSON (%1 at byte %2)")
                     .arg(parseError.errorString())
                     .arg(parseError.offset);
        return std::nullopt;
    }
    if (!document.isObject()) {
        *error = QStringLiteral("the flow: expected an object, found %1")
                     .arg(document.isArray() ? QStringLiteral("an array")
                                             : QStringLiteral("a single value"));
        return std::nullopt;
    }
    return fromJsonObject(document.object(), error);
}

std::optional<FlowDefinition> FlowDefinition::fromJsonObject(const QJsonObject &object,
                                                             QString *error)
{
    *error = FlowJson::unknownKey(object,
                                  {kGreeting, kMembers, kRing, kRingTimeout, kScreening, kHours,
                                   kAfterHoursGreeting, kBlocked, kTranscribe},
                                  QString());
    if (!error->isEmpty())
        return std::nullopt;

    FlowDefinition flow;
    if (object.contains(kGreeting)) {
        const auto greeting =
            FlowJson::text(object.value(kGreeting), kGreeting, kMaxGreetingLength, false, error);
        if (!greeting)
            return std::nullopt;
        flow.greeting = *greeting;
    }

    // Today's single staff phone has no default: a flow names who takes its calls.
    if (!object.contains(kMembers)) {
        *error = QStringLiteral("members: missing (e.g. [{\"name\": \"Alice\", \"number\": "
                                "\"+14155550100\"}])");
        return std::nullopt;
    }
    const auto members = readMembers(object.value(kMembers), error);
    if (!members)
        return std::nullopt;
    flow.members = *members;
    if (flow.activeMembers().isEmpty()) {
        *error = QStringLiteral("members: no member is active; at least one must be");
        return std::nullopt;
    }

    if (object.contains(kRing)) {
        const auto ring = FlowJson::text(object.value(kRing), kRing, 32, false, error);
        if (!ring)
            return std::nullopt;
        if (*ring == kSimultaneous) {
            flow.ring = Ring::Simultaneous;
        } else if (*ring == kSequential) {
            flow.ring = Ring::Sequential;
        } else {
            *error = QStringLiteral("ring: %1 is not \"simultaneous\" or \"sequential\"")
                         .arg(FlowJson::quoted(*ring));
            return std::nullopt;
        }
    }
    if (flow.ring == Ring::Simultaneous && flow.activeMembers().size() > kMaxRingingAtOnce) {
        *error = QStringLiteral("members: %1 active members would ring at once; Twilio dials at "
                                "most %2 (make some inactive, or set \"ring\": \"sequential\")")
                     .arg(flow.activeMembers().size())
                     .arg(kMaxRingingAtOnce);
        return std::nullopt;
    }

    if (object.contains(kRingTimeout)) {
        const auto timeout = FlowJson::wholeNumber(object.value(kRingTimeout), kRingTimeout,
                                                   kMinRingTimeoutS, kMaxRingTimeoutS, error);
        if (!timeout)
            return std::nullopt;
        flow.ringTimeoutS = *timeout;
    }
    if (object.contains(kScreening)) {
        const auto screening = FlowJson::boolean(object.value(kScreening), kScreening, error);
        if (!screening)
            return std::nullopt;
        flow.screening = *screening;
    }
    if (object.contains(kHours)) {
        auto hours = BusinessHours::fromJson(object.value(kHours), kHours, error);
        if (!hours)
            return std::nullopt;
        flow.hours = std::move(*hours);
    }
    if (object.contains(kAfterHoursGreeting)) {
        const auto greeting = FlowJson::text(object.value(kAfterHoursGreeting), kAfterHoursGreeting,
                                             kMaxGreetingLength, false, error);
        if (!greeting)
            return std::nullopt;
        flow.afterHoursGreeting = *greeting;
    }
    if (object.contains(kBlocked)) {
        const auto blocked = readBlocked(object.value(kBlocked), error);
        if (!blocked)
            return std::nullopt;
        flow.blocked = *blocked;
    }
    if (object.contains(kTranscribe)) {
        const auto transcribe = FlowJson::boolean(object.value(kTranscribe), kTranscribe, error);
        if (!transcribe)
            return std::nullopt;
        flow.transcribe = *transcribe;
    }
    error->clear();
    return flow;
}

QJsonObject FlowDefinition::toJsonObject() const
{
    QJsonArray memberArray;
    for (const FlowMember &member : members) {
        QJsonObject entry{{kName, member.name}, {kNumber, member.number}};
        if (!member.active) // as in the example: "active" is written when it is false
            entry.insert(kActive, false);
        memberArray.append(entry);
    }
    QJsonObject object{
        {kGreeting, greeting},
        {kMembers, memberArray},
        {kRing, ring == Ring::Simultaneous ? kSimultaneous : kSequential},
        {kRingTimeout, ringTimeoutS},
        {kScreening, screening},
        {kAfterHoursGreeting, afterHoursGreeting},
        {kBlocked, QJsonArray::fromStringList(blocked)},
        {kTranscribe, transcribe},
    };
    if (hours)
        object.insert(kHours, hours->toJson());
    return object;
}

QByteArray FlowDefinition::toJson(QJsonDocument::JsonFormat format) const
{
    return QJsonDocument(toJsonObject()).toJson(format);
}

QList<FlowMember> FlowDefinition::activeMembers() const
{
    QList<FlowMember> active;
    std::copy_if(members.cbegin(), members.cend(), std::back_inserter(active),
                 [](const FlowMember &member) { return member.active; });
    return active;
}

bool FlowDefinition::operator==(const FlowDefinition &other) const
{
    return greeting == other.greeting && members == other.members && ring == other.ring &&
           ringTimeoutS == other.ringTimeoutS && screening == other.screening &&
           hours == other.hours && afterHoursGreeting == other.afterHoursGreeting &&
           blocked == other.blocked && transcribe == other.transcribe;
}

} // namespace Switchboard
