#include "MenuKeys.h"

namespace Switchboard {

MenuChoice menuChoiceForDigits(const QString &digits)
{
    if (digits == kForwardKey)
        return MenuChoice::Forward;
    if (digits == kVoicemailKey)
        return MenuChoice::Voicemail;
    return MenuChoice::None;
}

bool screenAccepted(const QString &digits)
{
    return digits == kAcceptKey;
}

} // namespace Switchboard
