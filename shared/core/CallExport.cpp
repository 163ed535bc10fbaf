#include "CallExport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace Switchboard {
namespace {

QJsonValue isoTime(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODate)) : QJsonValue();
}

QJsonValue optionalSeconds(const std::optional<int> &seconds)
{
    return seconds ? QJsonValue(*seconds) : QJsonValue();
}

QJsonValue optionalText(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

QString csvTime(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : QString();
}

QString csvSeconds(const std::optional<int> &seconds)
{
    return seconds ? QString::number(*seconds) : QString();
}

QJsonValue answeredByJson(const std::optional<AnsweredBy> &answeredBy)
{
    if (!answeredBy)
        return QJsonValue();
    return QJsonObject{{QStringLiteral("name"), optionalText(answeredBy->name)},
                       {QStringLiteral("number"), answeredBy->number}};
}

QJsonArray routeJson(const CallRecord &call)
{
    const bool screened = call.isScreened();
    QJsonArray legs;
    for (const RouteLeg &leg : call.route)
        legs.append(
            QJsonObject{{QStringLiteral("name"), optionalText(leg.name)},
                        {QStringLiteral("number"), leg.number},
                        {QStringLiteral("result"), legResultToString(leg.result(screened))}});
    return legs;
}

// "Alice Martin (+15550100201): declined; Bob Chen (+15550100202): accepted"
QString routeText(const CallRecord &call)
{
    const bool screened = call.isScreened();
    QStringList legs;
    for (const RouteLeg &leg : call.route) {
        const QString who =
            leg.name.isEmpty() ? leg.number : QStringLiteral("%1 (%2)").arg(leg.name, leg.number);
        legs.append(who + QStringLiteral(": ") + legResultToString(leg.result(screened)));
    }
    return legs.join(QStringLiteral("; "));
}

QJsonValue handlingJson(const CallHandling &handling)
{
    QJsonArray heard;
    for (const HeardMark &mark : handling.heard)
        heard.append(QJsonObject{{QStringLiteral("by"), optionalText(mark.by)},
                                 {QStringLiteral("at"), isoTime(mark.at)}});
    QJsonValue done;
    if (handling.done)
        done = QJsonObject{{QStringLiteral("by"), handling.done->by},
                           {QStringLiteral("at"), isoTime(handling.done->at)},
                           {QStringLiteral("note"), optionalText(handling.done->note)}};
    QJsonArray tags;
    for (const TagMark &mark : handling.tagMarks)
        tags.append(QJsonObject{{QStringLiteral("tag"), mark.tag},
                                {QStringLiteral("by"), mark.by},
                                {QStringLiteral("at"), isoTime(mark.at)}});
    QJsonArray notes;
    for (const CallNote &note : handling.notes)
        notes.append(QJsonObject{{QStringLiteral("author"), note.author},
                                 {QStringLiteral("at"), isoTime(note.at)},
                                 {QStringLiteral("text"), note.text}});
    return QJsonObject{{QStringLiteral("heard"), heard},
                       {QStringLiteral("done"), done},
                       {QStringLiteral("tags"), tags},
                       {QStringLiteral("notes"), notes}};
}

QJsonValue lastCallBackJson(const CallRecord &call)
{
    if (!call.lastCallBack)
        return QJsonValue();
    const CallBackSummary &callBack = *call.lastCallBack;
    return QJsonObject{{QStringLiteral("call_sid"), callBack.callSid},
                       {QStringLiteral("by"), callBack.by},
                       {QStringLiteral("started_at"), isoTime(callBack.startedAt)},
                       {QStringLiteral("outcome"), outcomeToString(callBack.outcome)}};
}

// "Alice 2026-12-03T10:42:00Z; Bob 2026-12-03T11:02:00Z" (a mark by nobody in particular,
// from before names were kept, has no name).
QString heardText(const CallHandling &handling)
{
    QStringList marks;
    for (const HeardMark &mark : handling.heard)
        marks.append((mark.by.isEmpty() ? QString() : mark.by + QLatin1Char(' ')) +
                     csvTime(mark.at));
    return marks.join(QStringLiteral("; "));
}

// One note a paragraph: "Alice 2026-12-03T10:42:00Z: the text".
QString notesText(const CallHandling &handling)
{
    QStringList notes;
    for (const CallNote &note : handling.notes)
        notes.append(QStringLiteral("%1 %2: %3").arg(note.author, csvTime(note.at), note.text));
    return notes.join(QStringLiteral("\n\n"));
}

// What a spreadsheet would evaluate: a formula, or the start of one. Plain numbers (a phone
// number's +, a negative figure) are left as they are.
bool looksLikeFormula(const QString &field)
{
    static const QRegularExpression number(QStringLiteral("^[+-]?[0-9]+(\\.[0-9]+)?$"));
    if (field.isEmpty())
        return false;
    const QChar first = field.front();
    const bool trigger = first == QLatin1Char('=') || first == QLatin1Char('+') ||
                         first == QLatin1Char('-') || first == QLatin1Char('@') ||
                         first == QLatin1Char('\t') || first == QLatin1Char('\r');
    return trigger && !number.match(field).hasMatch();
}

} // namespace

CallExport::CallExport(QIODevice *output, Format format)
    : m_output(output)
    , m_format(format)
{}

std::optional<CallExport::Format> CallExport::formatFromString(const QString &text)
{
    if (text == QLatin1String("json"))
        return Format::Json;
    if (text == QLatin1String("csv"))
        return Format::Csv;
    return std::nullopt;
}

void CallExport::begin()
{
    if (m_format == Format::Json)
        m_output->write("[");
    else
        m_output->write(csvLine(csvHeader()));
}

void CallExport::write(const CallRecord &call, const CallHandling &handling)
{
    if (m_format == Format::Csv) {
        m_output->write(csvLine(csvFields(call, handling)));
        return;
    }
    m_output->write(m_first ? "\n" : ",\n");
    m_output->write(QJsonDocument(toJson(call, handling)).toJson(QJsonDocument::Compact));
    m_first = false;
}

void CallExport::end()
{
    if (m_format == Format::Json)
        m_output->write("\n]\n");
}

QJsonObject CallExport::toJson(const CallRecord &call, const CallHandling &handling)
{
    QJsonValue voicemail;
    QJsonValue transcription;
    if (const auto text = call.voicemailTranscription())
        transcription = QJsonObject{{QStringLiteral("text"), text->text},
                                    {QStringLiteral("status"), text->status}};
    if (call.voicemail) {
        const Voicemail &v = *call.voicemail;
        voicemail = QJsonObject{
            {QStringLiteral("recording_sid"), v.recordingSid},
            {QStringLiteral("duration_s"), v.durationS},
            {QStringLiteral("download_state"), downloadStateToString(v.downloadState)},
            {QStringLiteral("bytes"), v.bytes},
            {QStringLiteral("sha256"), optionalText(v.sha256)},
            {QStringLiteral("transcription"), transcription},
            {QStringLiteral("heard"), v.isHeard()},
        };
    }
    return QJsonObject{
        {QStringLiteral("call_sid"), call.callSid},
        {QStringLiteral("from"), call.from},
        {QStringLiteral("to"), call.to},
        {QStringLiteral("caller_name"), optionalText(call.callerName)},
        {QStringLiteral("from_city"), optionalText(call.fromCity)},
        {QStringLiteral("from_country"), optionalText(call.fromCountry)},
        {QStringLiteral("started_at"), isoTime(call.startedAt)},
        {QStringLiteral("answered_at"), isoTime(call.answeredAt)},
        {QStringLiteral("ended_at"), isoTime(call.endedAt)},
        {QStringLiteral("status"), callStatusToString(call.status)},
        {QStringLiteral("duration_s"), optionalSeconds(call.durationS)},
        {QStringLiteral("menu_choice"), optionalText(menuChoiceToString(call.menuChoice))},
        {QStringLiteral("forwarded_to"), optionalText(call.forwardedTo)},
        {QStringLiteral("dial_status"), optionalText(call.dialStatus)},
        {QStringLiteral("talk_duration_s"), optionalSeconds(call.talkDurationS)},
        {QStringLiteral("outcome"), outcomeToString(call.outcome())},
        {QStringLiteral("answered_by"), answeredByJson(call.answeredBy())},
        {QStringLiteral("reason"), optionalText(callReasonToString(call.reason()))},
        {QStringLiteral("route"), routeJson(call)},
        {QStringLiteral("voicemail"), voicemail},
        {QStringLiteral("direction"), callDirectionToString(call.direction)},
        {QStringLiteral("call_back_of"), optionalText(call.callBackOf)},
        {QStringLiteral("called_back_by"), optionalText(call.calledBackBy)},
        {QStringLiteral("last_call_back"), lastCallBackJson(call)},
        {QStringLiteral("handling"), handlingJson(handling)},
    };
}

QStringList CallExport::csvHeader()
{
    return {QStringLiteral("call_sid"),
            QStringLiteral("from"),
            QStringLiteral("to"),
            QStringLiteral("caller_name"),
            QStringLiteral("from_city"),
            QStringLiteral("from_country"),
            QStringLiteral("started_at"),
            QStringLiteral("answered_at"),
            QStringLiteral("ended_at"),
            QStringLiteral("status"),
            QStringLiteral("duration_s"),
            QStringLiteral("menu_choice"),
            QStringLiteral("forwarded_to"),
            QStringLiteral("dial_status"),
            QStringLiteral("talk_duration_s"),
            QStringLiteral("outcome"),
            QStringLiteral("voicemail_sid"),
            QStringLiteral("voicemail_duration_s"),
            QStringLiteral("voicemail_download"),
            QStringLiteral("voicemail_sha256"),
            QStringLiteral("answered_by_name"),
            QStringLiteral("answered_by_number"),
            QStringLiteral("reason"),
            QStringLiteral("route"),
            QStringLiteral("transcription_status"),
            QStringLiteral("transcription"),
            QStringLiteral("direction"),
            QStringLiteral("call_back_of"),
            QStringLiteral("called_back_by"),
            QStringLiteral("last_call_back_sid"),
            QStringLiteral("last_call_back_by"),
            QStringLiteral("last_call_back_at"),
            QStringLiteral("last_call_back_outcome"),
            QStringLiteral("heard_by"),
            QStringLiteral("done_by"),
            QStringLiteral("done_at"),
            QStringLiteral("done_note"),
            QStringLiteral("tags"),
            QStringLiteral("notes")};
}

QStringList CallExport::csvFields(const CallRecord &call, const CallHandling &handling)
{
    const std::optional<Voicemail> &v = call.voicemail;
    const std::optional<AnsweredBy> answeredBy = call.answeredBy();
    const std::optional<Transcription> transcription = call.voicemailTranscription();
    return {call.callSid,
            call.from,
            call.to,
            call.callerName,
            call.fromCity,
            call.fromCountry,
            csvTime(call.startedAt),
            csvTime(call.answeredAt),
            csvTime(call.endedAt),
            callStatusToString(call.status),
            csvSeconds(call.durationS),
            menuChoiceToString(call.menuChoice),
            call.forwardedTo,
            call.dialStatus,
            csvSeconds(call.talkDurationS),
            outcomeToString(call.outcome()),
            v ? v->recordingSid : QString(),
            v ? QString::number(v->durationS) : QString(),
            v ? downloadStateToString(v->downloadState) : QString(),
            v ? v->sha256 : QString(),
            answeredBy ? answeredBy->name : QString(),
            answeredBy ? answeredBy->number : QString(),
            callReasonToString(call.reason()),
            routeText(call),
            transcription ? transcription->status : QString(),
            transcription ? transcription->text : QString(),
            callDirectionToString(call.direction),
            call.callBackOf,
            call.calledBackBy,
            call.lastCallBack ? call.lastCallBack->callSid : QString(),
            call.lastCallBack ? call.lastCallBack->by : QString(),
            call.lastCallBack ? csvTime(call.lastCallBack->startedAt) : QString(),
            call.lastCallBack ? outcomeToString(call.lastCallBack->outcome) : QString(),
            heardText(handling),
            handling.done ? handling.done->by : QString(),
            handling.done ? csvTime(handling.done->at) : QString(),
            handling.done ? handling.done->note : QString(),
            handling.tags.join(QStringLiteral("; ")),
            notesText(handling)};
}

QString CallExport::spreadsheetText(const QString &field)
{
    return looksLikeFormula(field) ? QLatin1Char('\'') + field : field;
}

QByteArray CallExport::csvLine(const QStringList &fields)
{
    // RFC 4180: quote a field holding a comma, quote or line break; double its quotes.
    QStringList quoted;
    quoted.reserve(fields.size());
    for (const QString &text : fields) {
        QString field = spreadsheetText(text);
        if (field.contains(QLatin1Char(',')) || field.contains(QLatin1Char('"')) ||
            field.contains(QLatin1Char('\n')) || field.contains(QLatin1Char('\r'))) {
            field.replace(QLatin1String("\""), QLatin1String("\"\""));
            field = QLatin1Char('"') + field + QLatin1Char('"');
        }
        quoted.append(field);
    }
    return quoted.join(QLatin1Char(',')).toUtf8() + "\r\n";
}

} // namespace Switchboard
