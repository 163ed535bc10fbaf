#pragma once

#include "BusinessHours.h"

#include <optional>
#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace Switchboard {

// Someone who can take the calls.
struct FlowMember
{
    QString name;
    QString number; // E.164
    bool active = true;

    bool operator==(const FlowMember &other) const
    {
        return name == other.name && number == other.number && active == other.active;
    }
};

// The call flow every instance shares (issue #19): who is rung and how, when the team is open,
// who is refused. Its JSON form is what `flow set` reads, `flow show` prints and the database
// stores; fromJson() is the only way in, for a file and for a row read back alike.
struct FlowDefinition
{
    enum class Ring
    {
        Simultaneous,
        Sequential,
    };

    // Bounds on what a flow may hold: the JSON, each text, each list.
    static constexpr qsizetype kMaxJsonBytes = 256 * 1024;
    static constexpr qsizetype kMaxGreetingLength = 1000;
    static constexpr qsizetype kMaxNameLength = 100;
    static constexpr qsizetype kMaxMembers = 50;
    static constexpr qsizetype kMaxBlocked = 1000;
    // Twilio dials at most ten <Number>s in one <Dial>.
    static constexpr qsizetype kMaxRingingAtOnce = 10;
    // The range of --ring-timeout, so that every setup of today becomes a flow.
    static constexpr int kMinRingTimeoutS = 1;
    static constexpr int kMaxRingTimeoutS = 600;

    // The defaults are today's (service/ServiceConfig.h); TestFlowDefinition holds them equal.
    static QString defaultGreeting();
    static QString defaultAfterHoursGreeting();

    QString greeting = defaultGreeting();
    QList<FlowMember> members;
    Ring ring = Ring::Simultaneous;
    int ringTimeoutS = 20;
    bool screening = false;
    std::optional<BusinessHours> hours; // none: always open
    QString afterHoursGreeting = defaultAfterHoursGreeting();
    QStringList blocked;
    bool transcribe = false;

    // On bad input returns nothing and sets `error` to one line that names the field, e.g.
    // `members[1].number: "555-0100" is not an E.164 number such as +14155550100`.
    static std::optional<FlowDefinition> fromJson(const QByteArray &json, QString *error);
    static std::optional<FlowDefinition> fromJsonObject(const QJsonObject &object, QString *error);
    QJsonObject toJsonObject() const;
    QByteArray toJson(QJsonDocument::JsonFormat format = QJsonDocument::Indented) const;

    QList<FlowMember> activeMembers() const;
    bool isOpen(const QDateTime &moment) const { return !hours || hours->isOpen(moment); }

    bool operator==(const FlowDefinition &other) const;
    bool operator!=(const FlowDefinition &other) const { return !(*this == other); }
};

} // namespace Switchboard
