#include "CallScript.h"

namespace Switchboard {

std::optional<FarEnd> FarEnd::parse(const QString &text)
{
    const QString value = text.trimmed().toLower();
    FarEnd farEnd;
    if (value == QLatin1String("talk"))
        return farEnd;
    if (value.startsWith(QLatin1String("talk:"))) {
        bool ok = false;
        farEnd.talkSeconds = value.mid(5).toInt(&ok);
        if (!ok || farEnd.talkSeconds < 0)
            return std::nullopt;
        return farEnd;
    }
    if (value == QLatin1String("no-answer"))
        farEnd.kind = Kind::NoAnswer;
    else if (value == QLatin1String("busy"))
        farEnd.kind = Kind::Busy;
    else if (value == QLatin1String("failed"))
        farEnd.kind = Kind::Failed;
    else if (value == QLatin1String("canceled") || value == QLatin1String("cancelled"))
        farEnd.kind = Kind::Canceled;
    else
        return std::nullopt;
    return farEnd;
}

QString FarEnd::toString() const
{
    switch (kind) {
    case Kind::Talk:
        return QStringLiteral("talk:%1").arg(talkSeconds);
    case Kind::NoAnswer:
        return QStringLiteral("no-answer");
    case Kind::Busy:
        return QStringLiteral("busy");
    case Kind::Failed:
        return QStringLiteral("failed");
    case Kind::Canceled:
        return QStringLiteral("canceled");
    }
    return {};
}

QString FarEnd::dialCallStatus() const
{
    return kind == Kind::Talk ? QStringLiteral("completed") : toString();
}

} // namespace Switchboard
