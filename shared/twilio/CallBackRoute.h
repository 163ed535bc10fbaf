#pragma once

#include "twilio/Webhook.h"

#include <optional>
#include <QByteArray>
#include <QString>
#include <QUrl>

namespace Switchboard::CallBackRoute {

inline constexpr qsizetype kMaxByChars = 100;
inline constexpr int kRingCallerS = 30;

// What a call back's signed URLs say: the call it answers, and who called back. Twilio signs
// the URL the desktop gave it with the auth token, so these are as trusted as the token.
struct Link
{
    QString answers; // the CallSid of the call being called back
    QString by;      // the staff member's display name
};

// The URL of a call back's webhook under the service's public URL.
QString url(const QUrl &publicUrl, WebhookKind kind, const Link &link);

// The link of a request's query; nothing when `answers` is not one call SID, or `by` is
// repeated, longer than kMaxByChars or holds control characters.
std::optional<Link> linkOf(const QUrl &requestUrl);

// The staff member picked up: dial the caller, showing the company's number as caller ID.
QByteArray dialCaller(const QUrl &publicUrl, const Link &link, const QString &callerNumber,
                      const QString &companyNumber);

// The call answered cannot be called back (no such call, no number to dial): say so, hang up.
QByteArray cannotCallBack();

// The <Dial> to the caller ended: nothing more to do.
QByteArray hangUp();

} // namespace Switchboard::CallBackRoute
