#include "DefaultLocation.h"

#include <QStandardPaths>

namespace Switchboard {

QString defaultDatabasePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/switchboard/calls.db");
}

QString defaultDatabaseUrl()
{
    return QStringLiteral("sqlite:") + defaultDatabasePath();
}

} // namespace Switchboard
