#include "DialOutcome.h"

namespace Switchboard {

bool dialWasAnswered(const QString &dialCallStatus)
{
    return dialCallStatus == QLatin1String("completed") ||
           dialCallStatus == QLatin1String("answered");
}

} // namespace Switchboard
