#include "CallBatch.h"

#include "CallRows.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>

namespace Switchboard {
namespace {

QVariant optionalColumn(const std::optional<int> &value)
{
    return value ? QVariant(*value) : QVariant();
}

QVariant timeColumn(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch()) : QVariant();
}

// Text, never NULL: Qt binds a null QString as NULL, and these columns are NOT NULL.
QVariant textColumn(const QString &text)
{
    return text.isNull() ? QVariant(QStringLiteral("")) : QVariant(text);
}

QVariant textOrNull(const QString &text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
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
    select.bindValue(0, json(m_digests));
    select.bindValue(1, json(m_callSids));
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
    Rows rows;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const QString &callSid : m_changed) {
        const CallRecord &call = *m_calls.constFind(callSid);
        const auto readRevision = m_readRevisions.constFind(callSid);
        const std::optional<AnsweredBy> answeredBy = call.answeredBy();
        rows.calls.append(
            Row{textColumn(call.callSid),
                textColumn(call.accountSid),
                textColumn(call.from),
                textColumn(call.to),
                textColumn(call.callerName),
                textColumn(call.fromCity),
                textColumn(call.fromState),
                textColumn(call.fromCountry),
                timeColumn(call.startedAt),
                timeColumn(call.answeredAt),
                timeColumn(call.endedAt),
                textColumn(callStatusToString(call.status)),
                optionalColumn(call.durationS),
                textOrNull(menuChoiceToString(call.menuChoice)),
                textColumn(call.forwardedTo),
                textColumn(call.dialStatus),
                optionalColumn(call.talkDurationS),
                textColumn(outcomeToString(call.outcome())),
                readRevision == m_readRevisions.cend() ? QVariant() : QVariant(*readRevision),
                textColumn(answeredBy ? answeredBy->name : QString()),
                textColumn(answeredBy ? answeredBy->number : QString()),
                textColumn(callReasonToString(call.reason())),
                textColumn(routeToJson(call.route)),
                textColumn(call.transcription.recordingSid),
                textColumn(call.transcription.text),
                textColumn(call.transcription.status),
                textColumn(callDirectionToString(call.direction)),
                textColumn(call.callBackOf),
                textColumn(call.calledBackBy)});
        if (call.voicemail) {
            const Voicemail &voicemail = *call.voicemail;
            rows.voicemails.append(Row{textColumn(call.callSid), textColumn(voicemail.recordingSid),
                                       textColumn(voicemail.recordingUrl),
                                       textColumn(voicemail.recordingStatus), voicemail.durationS,
                                       now});
        } else if (m_hadVoicemail.contains(callSid)) {
            rows.voicemailsGone.append(callSid);
        }
    }
    return rows;
}

QList<CallBatch::Row> CallBatch::newEventRows() const
{
    QList<Row> rows;
    rows.reserve(m_added.size());
    for (const CallWriter::Event *event : m_added) {
        const Webhook &webhook = event->webhook;
        rows.append(Row{textColumn(CallRecord::callSidOf(webhook)),
                        webhook.receivedAt.toMSecsSinceEpoch(),
                        textColumn(webhookKindToString(webhook.kind)),
                        textColumn(webhook.params.value(QStringLiteral("CallStatus"))),
                        textColumn(event->digest), textColumn(event->params)});
    }
    return rows;
}

QString CallBatch::json(const QList<Row> &rows)
{
    QJsonArray array;
    for (const Row &row : rows)
        array.append(QJsonArray::fromVariantList(row));
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QString CallBatch::json(const QStringList &strings)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(strings)).toJson(QJsonDocument::Compact));
}

QString CallBatch::changedCalls() const
{
    return json(m_changed);
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
