#pragma once

#include <optional>
#include <QList>
#include <QString>

namespace Switchboard {

// What one member's phone does when a <Dial> rings it (--legs "Alice:decline,Bob:accept").
struct LegScript
{
    enum class Behaviour
    {
        Accept,    // answers and presses 1 at every whisper <Gather>
        Decline,   // answers and presses 9
        Voicemail, // a personal voicemail picks up: answers, presses nothing
        Busy,
        NoAnswer, // rings until the <Dial> timeout
        Failed,   // the call to the member cannot be placed
    };

    QString name; // for reports only; matching is by order
    Behaviour behaviour = Behaviour::Accept;

    bool answers() const
    {
        return behaviour == Behaviour::Accept || behaviour == Behaviour::Decline ||
               behaviour == Behaviour::Voicemail;
    }
    // The key pressed at a whisper <Gather>, or "-" for none.
    QString key() const;

    static QString toString(Behaviour behaviour);
    static std::optional<Behaviour> behaviourFromString(const QString &text);

    // "Alice:decline,Bob:accept" or "decline,accept"; at most kMaxEntries entries. On failure
    // returns nothing and says why in `error`.
    static std::optional<QList<LegScript>> parseList(const QString &text, QString *error);
    static constexpr int kMaxEntries = 100;
    static constexpr int kMaxNameLength = 64;
};

} // namespace Switchboard
