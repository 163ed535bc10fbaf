#include "LegReport.h"

#include <QJsonArray>

namespace Switchboard {

QJsonObject LegReport::toJson() const
{
    return QJsonObject{
        {QStringLiteral("name"), name},
        {QStringLiteral("number"), number},
        {QStringLiteral("sid"), sid},
        {QStringLiteral("behaviour"), behaviour},
        {QStringLiteral("result"), result},
        {QStringLiteral("status"), status},
        {QStringLiteral("seconds"), seconds},
        {QStringLiteral("keys"), QJsonArray::fromStringList(keys)},
    };
}

QString LegReport::summary() const
{
    return QStringLiteral("%1 %2 (%3 %4 s)").arg(name, result, status).arg(seconds);
}

} // namespace Switchboard
