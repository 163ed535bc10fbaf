#include "Identifiers.h"

namespace Switchboard {

bool isValidSid(const QString &sid, QLatin1String prefix)
{
    if (sid.size() != 34 || !sid.startsWith(prefix))
        return false;
    for (qsizetype i = 2; i < sid.size(); ++i) {
        const QChar c = sid.at(i);
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return false;
    }
    return true;
}

bool isE164(const QString &number)
{
    if (number.size() < 3 || number.size() > 16 || number.front() != u'+' || number.at(1) == u'0')
        return false;
    for (qsizetype i = 1; i < number.size(); ++i) {
        if (!number.at(i).isDigit() || number.at(i).unicode() > u'9')
            return false;
    }
    return true;
}

} // namespace Switchboard
