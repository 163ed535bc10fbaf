#include "MenuKeys.h"

namespace Switchboard {

MenuChoice menuChoiceForDigits(const QString &digits)
{
    if (digits == QLatin1String("1"))
        return MenuChoice::Forward;
    if (digits == QLatin1String("2"))
        return MenuChoice::Voicemail;
    return MenuChoice::None;
}

} // namespace Switchboard
