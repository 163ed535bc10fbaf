#include "CallRoute.h"

#include "twilio/MenuKeys.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Switchboard {
namespace {

QJsonValue timeJson(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toMSecsSinceEpoch()) : QJsonValue();
}

QDateTime timeFromJson(const QJsonValue &value)
{
    return value.isDouble() ? QDateTime::fromMSecsSinceEpoch(qint64(value.toDouble()), Qt::UTC)
                            : QDateTime();
}

// A string field within the bounds, or nothing.
std::optional<QString> boundedText(const QJsonObject &object, const char *key)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return QString();
    if (!value.isString() || value.toString().size() > kMaxRouteTextChars)
        return std::nullopt;
    return value.toString();
}

} // namespace

LegResult RouteLeg::result(bool callScreened) const
{
    if (digits) {
        if (screenAccepted(*digits))
            return LegResult::Accepted;
        return digits->isEmpty() ? LegResult::Voicemail : LegResult::Declined;
    }
    switch (callStatusFromString(finalStatus)) {
    case CallStatus::Completed:
        // Without screening, a leg that talked is the one that took the call. Under screening
        // only a key says so: a leg that heard the whisper and hung up pressed nothing.
        if (callScreened)
            return screened ? LegResult::Voicemail : LegResult::NoAnswer;
        return durationS > 0 ? LegResult::Accepted : LegResult::NoAnswer;
    case CallStatus::Busy:
        return LegResult::Busy;
    case CallStatus::NoAnswer:
        return LegResult::NoAnswer;
    case CallStatus::Failed:
        return LegResult::Failed;
    case CallStatus::Canceled:
        return LegResult::Canceled;
    default:
        return LegResult::Ringing;
    }
}

QString routeToJson(const QList<RouteLeg> &route)
{
    if (route.isEmpty())
        return {};
    QJsonArray legs;
    for (const RouteLeg &leg : route) {
        QJsonObject object{
            {QStringLiteral("sid"), leg.callSid},
            {QStringLiteral("name"), leg.name},
            {QStringLiteral("number"), leg.number},
            {QStringLiteral("at"), timeJson(leg.firstAt)},
            {QStringLiteral("screened"), leg.screened},
            {QStringLiteral("status"), leg.finalStatus},
            {QStringLiteral("duration_s"), leg.durationS},
        };
        if (leg.digits) {
            object.insert(QStringLiteral("digits"), *leg.digits);
            object.insert(QStringLiteral("digits_at"), timeJson(leg.digitsAt));
        }
        legs.append(object);
    }
    return QString::fromUtf8(QJsonDocument(legs).toJson(QJsonDocument::Compact));
}

QList<RouteLeg> routeFromJson(const QString &json)
{
    QList<RouteLeg> route;
    if (json.isEmpty() || json.size() > kMaxRouteJsonChars)
        return route;
    const QJsonDocument document = QJsonDocument::fromJson(json.toUtf8());
    for (const QJsonValue value : document.array()) {
        if (route.size() == kMaxRouteLegs)
            break;
        const QJsonObject object = value.toObject();
        const auto sid = boundedText(object, "sid");
        const auto name = boundedText(object, "name");
        const auto number = boundedText(object, "number");
        const auto status = boundedText(object, "status");
        if (!sid || sid->isEmpty() || !name || !number || !status)
            continue;
        RouteLeg leg;
        leg.callSid = *sid;
        leg.name = *name;
        leg.number = *number;
        leg.firstAt = timeFromJson(object.value(QStringLiteral("at")));
        leg.screened = object.value(QStringLiteral("screened")).toBool();
        leg.finalStatus = *status;
        leg.durationS = qMax(0, object.value(QStringLiteral("duration_s")).toInt());
        if (object.contains(QStringLiteral("digits"))) {
            const auto digits = boundedText(object, "digits");
            if (!digits)
                continue;
            leg.digits = *digits;
            leg.digitsAt = timeFromJson(object.value(QStringLiteral("digits_at")));
        }
        route.append(leg);
    }
    return route;
}

} // namespace Switchboard
