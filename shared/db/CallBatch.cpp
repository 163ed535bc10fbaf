#include "CallBatch.h"

#include "CallRows.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>

namespace Switchboard {
namespace {

QString jsonText(const QJsonArray &array)
{
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QString jsonText(const QStringList &strings)
{
    return jsonText(QJsonArray::fromStringList(strings));
}

QJsonValue optionalJson(const std::optional<int> &value)
{
    return value ? QJsonValue(*value) : QJsonValue();
}

QJsonValue timeJson(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toMSecsSinceEpoch()) : QJsonValue();
}

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

} // namespace

CallBatch::CallBatch(const QList<CallWriter::Event> &events)
    : m_events(events)
{
    for (const CallWriter::Event &event : events) {
        m_callSids.append(CallRecord::callSidOf(event.webhook));
        m_digests.append(event.digest);
    }
    m_callSids.removeDuplicates();
}

bool CallBatch::readCalls(QSqlQuery &select, QString *error)
{
    select.bindValue(0, jsonText(m_digests));
    select.bindValue(1, jsonText(m_callSids));
    if (!select.exec()) {
        *error = select.lastError().text();
        return false;
    }
    const int knownDigests = CallRows::columnCount();
    while (select.next()) {
        CallRecord call = CallRows::fromQuery(select);
        for (const QString &digest :
             select.value(knownDigests).toString().split(QLatin1Char(','), Qt::SkipEmptyParts))
            m_knownDigests.insert(digest);
        m_readRevisions.insert(call.callSid, call.revision);
        if (call.voicemail)
            m_hadVoicemail.insert(call.callSid);
        m_calls.insert(call.callSid, std::move(call));
    }
    select.finish();
    return true;
}

void CallBatch::fold()
{
    // A webhook new to the timeline folds into its call's row, in the order they came.
    for (const CallWriter::Event &event : m_events) {
        if (m_knownDigests.contains(event.digest)) {
            m_outcomes.append(CallWriter::Result::Duplicate);
            continue;
        }
        m_knownDigests.insert(event.digest); // a webhook retried within the batch
        const QString callSid = CallRecord::callSidOf(event.webhook);
        m_calls[callSid].apply(event.webhook);
        m_added.append(&event);
        m_changed.append(callSid);
        m_outcomes.append(CallWriter::Result::Recorded);
    }
    m_changed.removeDuplicates();
}

CallBatch::Rows CallBatch::rows() const
{
    QJsonArray callRows;
    QJsonArray eventRows;
    QJsonArray voicemailRows;
    QStringList voicemailsGone;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const QString &callSid : m_changed) {
        const CallRecord &call = *m_calls.constFind(callSid);
        const auto readRevision = m_readRevisions.constFind(callSid);
        const std::optional<AnsweredBy> answeredBy = call.answeredBy();
        callRows.append(QJsonArray{
            call.callSid,
            call.accountSid,
            call.from,
            call.to,
            call.callerName,
            call.fromCity,
            call.fromState,
            call.fromCountry,
            timeJson(call.startedAt),
            timeJson(call.answeredAt),
            timeJson(call.endedAt),
            callStatusToString(call.status),
            optionalJson(call.durationS),
            textOrNull(menuChoiceToString(call.menuChoice)),
            call.forwardedTo,
            call.dialStatus,
            optionalJson(call.talkDurationS),
            outcomeToString(call.outcome()),
            readRevision == m_readRevisions.cend() ? QJsonValue() : QJsonValue(*readRevision),
            answeredBy ? answeredBy->name : QString(),
            answeredBy ? answeredBy->number : QString(),
            callReasonToString(call.reason()),
            routeToJson(call.route),
            call.transcription.recordingSid,
            call.transcription.text,
            call.transcription.status,
            callDirectionToString(call.direction),
            call.callBackOf,
            call.calledBackBy});
        if (call.voicemail) {
            const Voicemail &voicemail = *call.voicemail;
            voicemailRows.append(QJsonArray{call.callSid, voicemail.recordingSid,
                                            voicemail.recordingUrl, voicemail.recordingStatus,
                                            voicemail.durationS, now});
        } else if (m_hadVoicemail.contains(callSid)) {
            voicemailsGone.append(callSid);
        }
    }
    for (const CallWriter::Event *event : m_added) {
        const Webhook &webhook = event->webhook;
        eventRows.append(QJsonArray{
            CallRecord::callSidOf(webhook), webhook.receivedAt.toMSecsSinceEpoch(),
            webhookKindToString(webhook.kind), webhook.params.value(QStringLiteral("CallStatus")),
            event->digest, event->params});
    }
    return {jsonText(callRows),      jsonText(eventRows),       jsonText(voicemailsGone),
            jsonText(voicemailRows), !voicemailsGone.isEmpty(), !voicemailRows.isEmpty()};
}

QString CallBatch::changedCalls() const
{
    return jsonText(m_changed);
}

QList<CallWriter::Result> CallBatch::resultsIfWritten(const QSet<QString> &written) const
{
    QList<CallWriter::Result> results = m_outcomes;
    for (qsizetype i = 0; i < m_events.size(); ++i) {
        const QString callSid = CallRecord::callSidOf(m_events.at(i).webhook);
        if (m_changed.contains(callSid) && !written.contains(callSid))
            results[i] = CallWriter::Result::Deferred;
    }
    return results;
}

} // namespace Switchboard
