#include "CallRows.h"

#include <QVariant>

namespace Switchboard::CallRows {
namespace {

enum Column
{
    CallSid,
    AccountSid,
    From,
    To,
    CallerName,
    FromCity,
    FromState,
    FromCountry,
    StartedAt,
    AnsweredAt,
    EndedAt,
    Status,
    DurationS,
    MenuChoiceColumn,
    ForwardedTo,
    DialStatus,
    TalkDurationS,
    Revision,
    RecordingSid,
    RecordingUrl,
    RecordingStatus,
    VoicemailDurationS,
    DownloadStateColumn,
    DownloadAttempts,
    LastError,
    Bytes,
    Sha256,
    HeardAt,
    Reason,
    Route,
    TranscriptionRecordingSid,
    TranscriptionText,
    TranscriptionStatus,
    Direction,
    CallBackOf,
    CalledBackBy,
    LastCallBackSid,
    LastCallBackBy,
    LastCallBackAt,
    LastCallBackOutcome,
    ColumnCount,
};

std::optional<int> optionalInt(const QVariant &value)
{
    return value.isNull() ? std::nullopt : std::optional<int>(value.toInt());
}

// A column of the call's latest call back. "<> ''" lets SQLite and PostgreSQL use the partial
// index calls_by_call_back; without it each row of the feed scans the whole table.
QString lastCallBack(const char *column)
{
    return QStringLiteral(", (SELECT b.%1 FROM calls b WHERE b.call_back_of = c.call_sid"
                          " AND b.call_back_of <> '' ORDER BY b.started_at DESC, b.call_sid DESC"
                          " LIMIT 1)")
        .arg(QLatin1String(column));
}

} // namespace

QString selectSql(const QString &extraColumns)
{
    const QString extra = extraColumns.isEmpty() ? QString() : QStringLiteral(", ") + extraColumns;
    return QStringLiteral(
               "SELECT c.call_sid, c.account_sid, c.from_number, c.to_number, c.caller_name, "
               "c.from_city,"
               " c.from_state, c.from_country, c.started_at, c.answered_at, c.ended_at, c.status,"
               " c.duration_s, c.menu_choice, c.forwarded_to, c.dial_status, c.talk_duration_s, "
               "c.revision,"
               " v.recording_sid, v.recording_url, v.recording_status, v.duration_s, "
               "v.download_state,"
               " v.download_attempts, v.last_error, v.bytes, v.sha256, v.heard_at, c.reason,"
               " c.route, c.transcription_recording_sid, c.transcription_text,"
               " c.transcription_status, c.direction, c.call_back_of, c.called_back_by") +
           lastCallBack("call_sid") + lastCallBack("called_back_by") + lastCallBack("started_at") +
           lastCallBack("outcome") + extra +
           QStringLiteral(" FROM calls c LEFT JOIN voicemails v ON v.call_sid = c.call_sid");
}

int columnCount()
{
    return ColumnCount;
}

CallRecord fromQuery(const QSqlQuery &query)
{
    CallRecord call;
    call.callSid = query.value(CallSid).toString();
    call.accountSid = query.value(AccountSid).toString();
    call.from = query.value(From).toString();
    call.to = query.value(To).toString();
    call.callerName = query.value(CallerName).toString();
    call.fromCity = query.value(FromCity).toString();
    call.fromState = query.value(FromState).toString();
    call.fromCountry = query.value(FromCountry).toString();
    call.startedAt = fromColumn(query.value(StartedAt));
    call.answeredAt = fromColumn(query.value(AnsweredAt));
    call.endedAt = fromColumn(query.value(EndedAt));
    call.status = callStatusFromString(query.value(Status).toString());
    call.durationS = optionalInt(query.value(DurationS));
    call.menuChoice = menuChoiceFromString(query.value(MenuChoiceColumn).toString());
    call.forwardedTo = query.value(ForwardedTo).toString();
    call.dialStatus = query.value(DialStatus).toString();
    call.talkDurationS = optionalInt(query.value(TalkDurationS));
    call.revision = query.value(Revision).toLongLong();
    if (!query.value(RecordingSid).isNull()) {
        Voicemail voicemail;
        voicemail.recordingSid = query.value(RecordingSid).toString();
        voicemail.recordingUrl = query.value(RecordingUrl).toString();
        voicemail.recordingStatus = query.value(RecordingStatus).toString();
        voicemail.durationS = query.value(VoicemailDurationS).toInt();
        voicemail.downloadState =
            downloadStateFromString(query.value(DownloadStateColumn).toString());
        voicemail.downloadAttempts = query.value(DownloadAttempts).toInt();
        voicemail.lastError = query.value(LastError).toString();
        voicemail.bytes = query.value(Bytes).toLongLong();
        voicemail.sha256 = query.value(Sha256).toString();
        voicemail.heardAt = fromColumn(query.value(HeardAt));
        call.voicemail = voicemail;
    }
    // What the service decided when the call came in; the other reasons follow from the rest.
    const CallReason reason = callReasonFromString(query.value(Reason).toString());
    if (reason == CallReason::AfterHours || reason == CallReason::Blocked)
        call.routingReason = reason;
    call.route = routeFromJson(query.value(Route).toString());
    const QString transcriptionStatus = query.value(TranscriptionStatus).toString();
    if (transcriptionStatus == QLatin1String("completed") ||
        transcriptionStatus == QLatin1String("failed")) {
        call.transcription.status = transcriptionStatus;
        call.transcription.recordingSid =
            query.value(TranscriptionRecordingSid).toString().left(kMaxRouteTextChars);
        call.transcription.text =
            query.value(TranscriptionText).toString().left(kMaxTranscriptionChars);
    }
    call.direction = callDirectionFromString(query.value(Direction).toString());
    if (call.direction == CallDirection::Outbound) {
        call.callBackOf = query.value(CallBackOf).toString().left(kMaxRouteTextChars);
        call.calledBackBy = query.value(CalledBackBy).toString().left(kMaxRouteTextChars);
    }
    if (!query.value(LastCallBackSid).isNull()) {
        CallBackSummary callBack;
        callBack.callSid = query.value(LastCallBackSid).toString().left(kMaxRouteTextChars);
        callBack.by = query.value(LastCallBackBy).toString().left(kMaxRouteTextChars);
        callBack.startedAt = fromColumn(query.value(LastCallBackAt));
        callBack.outcome = outcomeFromString(query.value(LastCallBackOutcome).toString());
        call.lastCallBack = callBack;
    }
    return call;
}

QVariant toColumn(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch())
                          : QVariant(QMetaType::fromType<qint64>());
}

QDateTime fromColumn(const QVariant &value)
{
    return value.isNull() ? QDateTime()
                          : QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

} // namespace Switchboard::CallRows
