#include "CallResult.h"

#include <QJsonArray>

namespace Switchboard {

QJsonObject CallResult::toJson() const
{
    QJsonArray legList;
    for (const LegReport &leg : legs)
        legList.append(leg.toJson());
    QJsonArray statuses, requests;
    for (const HttpExchange &exchange : exchanges) {
        statuses.append(exchange.status);
        requests.append(QJsonObject{{QStringLiteral("purpose"), exchange.purpose},
                                    {QStringLiteral("url"), exchange.url},
                                    {QStringLiteral("status"), exchange.status}});
    }
    QJsonObject json{
        {QStringLiteral("call"), index},
        {QStringLiteral("call_sid"), callSid},
        {QStringLiteral("branch"), branch},
        {QStringLiteral("keys"), QJsonArray::fromStringList(keys)},
        {QStringLiteral("dial"), dialStatus.isEmpty()
                                     ? QJsonValue()
                                     : QJsonObject{{QStringLiteral("status"), dialStatus},
                                                   {QStringLiteral("seconds"), dialSeconds}}},
        {QStringLiteral("recording"),
         recordingSid.isEmpty() ? QJsonValue()
                                : QJsonObject{{QStringLiteral("sid"), recordingSid},
                                              {QStringLiteral("seconds"), recordingSeconds}}},
        {QStringLiteral("legs"), legList},
        {QStringLiteral("transcription"),
         transcriptionStatus.isEmpty() ? QJsonValue() : QJsonValue(transcriptionStatus)},
        {QStringLiteral("http_statuses"), statuses},
        {QStringLiteral("requests"), requests},
        {QStringLiteral("final_status"), finalStatus},
        {QStringLiteral("duration"), durationSeconds},
        {QStringLiteral("ok"), ok()},
        {QStringLiteral("errors"), QJsonArray::fromStringList(errors)},
    };
    return json;
}

QString CallResult::summary() const
{
    QStringList parts;
    parts << QStringLiteral("call %1 %2 [%3]").arg(index).arg(callSid, branch);
    parts << QStringLiteral("keys %1").arg(keys.isEmpty() ? QStringLiteral("none")
                                                          : keys.join(QLatin1Char(',')));
    if (!dialStatus.isEmpty())
        parts << QStringLiteral("dial %1 (%2 s)").arg(dialStatus).arg(dialSeconds);
    if (!legs.isEmpty()) {
        QStringList legList;
        for (const LegReport &leg : legs)
            legList.append(leg.summary());
        parts << QStringLiteral("legs ") + legList.join(QStringLiteral(" / "));
    }
    if (!recordingSid.isEmpty())
        parts << QStringLiteral("recording %1 (%2 s)").arg(recordingSid).arg(recordingSeconds);
    if (!transcriptionStatus.isEmpty())
        parts << QStringLiteral("transcription ") + transcriptionStatus;
    parts << QStringLiteral("%1 after %2 s").arg(finalStatus).arg(durationSeconds);
    parts << (ok() ? QStringLiteral("OK")
                   : QStringLiteral("FAILED: ") + errors.join(QStringLiteral("; ")));
    return parts.join(QStringLiteral(", "));
}

} // namespace Switchboard
