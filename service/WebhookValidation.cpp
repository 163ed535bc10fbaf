#include "WebhookValidation.h"

#include "twilio/CallBackRoute.h"
#include "twilio/Identifiers.h"
#include "twilio/RequestSignature.h"

#include <optional>
#include <QSet>
#include <QUrlQuery>

namespace Switchboard {
namespace {

constexpr qsizetype kMaxFieldLength = 4096;
constexpr int kMaxDurationS = 24 * 3600; // Twilio ends any call after four hours

QString durationProblem(const FormData &params, const char *name)
{
    const QString key = QLatin1String(name);
    if (!params.contains(key))
        return {};
    bool ok = false;
    const int seconds = params.value(key).toInt(&ok);
    if (!ok || seconds < 0 || seconds > kMaxDurationS)
        return QStringLiteral("%1 is not a duration in seconds").arg(key);
    return {};
}

bool isDigits(const QString &digits)
{
    if (digits == QLatin1String("hangup"))
        return true;
    for (const QChar c : digits) {
        if (!c.isDigit() && c != u'*' && c != u'#')
            return false;
    }
    return digits.size() <= 64;
}

// The one value of `name` in the query; empty when it is absent or repeated.
QString onlyValue(const QUrlQuery &query, const QString &name)
{
    const QStringList values = query.allQueryItemValues(name, QUrl::FullyDecoded);
    return values.size() == 1 ? values.first() : QString();
}

// The `member` of a query, as the service writes it: a number without sign or leading zero.
std::optional<int> memberIndex(const QUrlQuery &query)
{
    const QString text = onlyValue(query, QStringLiteral("member"));
    bool ok = text.size() <= 4;
    const int member = ok ? text.toInt(&ok) : -1;
    if (!ok || member < 0 || text != QString::number(member))
        return std::nullopt;
    return member;
}

QString memberProblem(const QUrlQuery &query, const FlowDefinition &flow)
{
    const std::optional<int> member = memberIndex(query);
    if (!member || *member >= flow.members.size())
        return QStringLiteral("member names no member of the call flow");
    return {};
}

} // namespace

QString routingProblem(const Webhook &webhook, const QUrl &requestUrl, const FlowDefinition &flow)
{
    const QUrlQuery query(requestUrl);
    switch (webhook.kind) {
    case WebhookKind::Screen:
    case WebhookKind::ScreenResult:
    case WebhookKind::LegStatus: {
        const QString call = onlyValue(query, QStringLiteral("call"));
        if (!isValidSid(call, QLatin1String("CA")))
            return QStringLiteral("call is not a call SID");
        if (webhook.params.value(QStringLiteral("ParentCallSid")) != call)
            return QStringLiteral("ParentCallSid is not the call the leg was dialled for");
        if (webhook.callSid() == call)
            return QStringLiteral("a member's leg cannot be the caller's call");
        return memberProblem(query, flow);
    }
    case WebhookKind::Dial:
        // A member beyond the flow is let through: a revision with fewer members may have come
        // in while the call rang, and the caller then leaves a message instead of hearing
        // Twilio's application error.
        if (query.hasQueryItem(QStringLiteral("member")) && !memberIndex(query))
            return QStringLiteral("member is not a member's index");
        return {};
    case WebhookKind::Transcription: {
        const QString transcription = webhook.params.value(QStringLiteral("TranscriptionSid"));
        if (!transcription.isEmpty() && !isValidSid(transcription, QLatin1String("TR")))
            return QStringLiteral("malformed TranscriptionSid");
        return {};
    }
    case WebhookKind::CallBack:
    case WebhookKind::CallBackDial:
    case WebhookKind::CallBackStatus: {
        const std::optional<CallBackRoute::Link> link = CallBackRoute::linkOf(requestUrl);
        if (!link)
            return QStringLiteral("answers is not one call SID, or by is not a name");
        if (link->answers == webhook.callSid())
            return QStringLiteral("a call back cannot answer itself");
        return {};
    }
    case WebhookKind::Voice:
    case WebhookKind::Menu:
    case WebhookKind::Recording:
    case WebhookKind::RecordingStatus:
    case WebhookKind::Status:
        return {};
    }
    Q_UNREACHABLE();
}

std::optional<WebhookRefusal> checkWebhook(Webhook &webhook, const QByteArray &body,
                                           const QByteArray &signature,
                                           const RecordingDownload::Options &account,
                                           const std::function<void(WebhookCheck)> &passed)
{
    const auto pass = [&passed](WebhookCheck check) {
        if (passed)
            passed(check);
    };
    QString problem;
    std::optional<FormData> params = FormData::decodeStrict(body, &problem);
    if (!params)
        return WebhookRefusal{400, problem};
    webhook.params = std::move(*params);
    webhook.body = body;
    pass(WebhookCheck::Form);
    if (!RequestSignature::isValid(account.authToken, webhook.url, webhook.params, signature))
        return WebhookRefusal{403, QStringLiteral("invalid X-Twilio-Signature")};
    pass(WebhookCheck::Signature);
    if (webhook.params.value(QStringLiteral("AccountSid")) != account.accountSid)
        return WebhookRefusal{403, QStringLiteral("unknown AccountSid")};
    pass(WebhookCheck::Account);
    problem = webhookProblem(webhook, account);
    if (!problem.isEmpty())
        return WebhookRefusal{400, problem};
    pass(WebhookCheck::Parameters);
    return std::nullopt;
}

QString webhookProblem(const Webhook &webhook, const RecordingDownload::Options &recordings)
{
    const FormData &params = webhook.params;
    QSet<QString> names;
    for (const auto &[name, value] : params.items()) {
        if (names.contains(name))
            return QStringLiteral("the parameter %1 appears twice").arg(name);
        names.insert(name);
        if (name.size() > 64 || value.size() > kMaxFieldLength)
            return QStringLiteral("the parameter %1 is too long").arg(name.left(64));
    }
    if (!isValidSid(webhook.callSid(), QLatin1String("CA")))
        return QStringLiteral("missing or malformed CallSid");
    if (params.contains(QStringLiteral("CallStatus")) &&
        !params.value(QStringLiteral("CallStatus")).isEmpty() &&
        callStatusFromString(params.value(QStringLiteral("CallStatus"))) == CallStatus::Unknown)
        return QStringLiteral("unknown CallStatus");
    if (!isDigits(params.value(QStringLiteral("Digits"))))
        return QStringLiteral("Digits holds something other than keys");
    for (const char *duration : {"CallDuration", "DialCallDuration", "RecordingDuration"}) {
        const QString problem = durationProblem(params, duration);
        if (!problem.isEmpty())
            return problem;
    }
    // An absent or failed recording comes with these empty.
    const QString recordingSid = params.value(QStringLiteral("RecordingSid"));
    const QString recordingUrl = params.value(QStringLiteral("RecordingUrl"));
    if (!recordingSid.isEmpty() && !isValidSid(recordingSid, QLatin1String("RE")))
        return QStringLiteral("malformed RecordingSid");
    if (!recordingUrl.isEmpty()) {
        const QString refusal =
            RecordingDownload::refusal(QUrl(recordingUrl, QUrl::StrictMode), recordings);
        if (!refusal.isEmpty())
            return refusal;
        if (recordingSid.isEmpty() || !recordingUrl.endsWith(recordingSid))
            return QStringLiteral("the RecordingUrl is not the recording RecordingSid names");
    }
    return {};
}

} // namespace Switchboard
