#include "CallBackRoute.h"

#include "twilio/Identifiers.h"
#include "twilio/TwimlWriter.h"
#include "twilio/WebhookRoutes.h"

#include <QUrlQuery>

namespace Switchboard::CallBackRoute {
namespace {

const QString kAnswers = QStringLiteral("answers");
const QString kBy = QStringLiteral("by");

// Every byte but the unreserved ones escaped: the query reads back the same from QUrl,
// Twilio and the service, so the signature over it holds.
QString escaped(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

bool isPlainLine(const QString &text)
{
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format ||
            c == QChar::LineSeparator || c == QChar::ParagraphSeparator)
            return false;
    }
    return true;
}

} // namespace

QString url(const QUrl &publicUrl, WebhookKind kind, const Link &link)
{
    QString base = publicUrl.toString(QUrl::FullyEncoded);
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    QString result = base + webhookPath(kind) + QLatin1Char('?') + kAnswers + QLatin1Char('=') +
                     escaped(link.answers);
    if (!link.by.isEmpty())
        result += QLatin1Char('&') + kBy + QLatin1Char('=') + escaped(link.by.left(kMaxByChars));
    return result;
}

std::optional<Link> linkOf(const QUrl &requestUrl)
{
    const QUrlQuery query(requestUrl);
    const QStringList answers = query.allQueryItemValues(kAnswers, QUrl::FullyDecoded);
    const QStringList by = query.allQueryItemValues(kBy, QUrl::FullyDecoded);
    if (answers.size() != 1 || !isValidSid(answers.first(), QLatin1String("CA")))
        return std::nullopt;
    if (by.size() > 1 ||
        (by.size() == 1 && (by.first().size() > kMaxByChars || !isPlainLine(by.first()))))
        return std::nullopt;
    return Link{answers.first(), by.value(0).trimmed()};
}

QByteArray dialCaller(const QUrl &publicUrl, const Link &link, const QString &callerNumber,
                      const QString &companyNumber)
{
    TwimlWriter twiml;
    twiml.begin(QStringLiteral("Dial"),
                {{QStringLiteral("callerId"), companyNumber},
                 {QStringLiteral("timeout"), QString::number(kRingCallerS)},
                 {QStringLiteral("action"), url(publicUrl, WebhookKind::CallBackDial, link)},
                 {QStringLiteral("method"), QStringLiteral("POST")}});
    twiml.element(QStringLiteral("Number"), {}, callerNumber);
    twiml.end();
    return twiml.finish();
}

QByteArray cannotCallBack()
{
    TwimlWriter twiml;
    twiml.say(QStringLiteral("This call back cannot be connected."), QStringLiteral("Polly.Joanna"),
              QStringLiteral("en-US"));
    twiml.hangup();
    return twiml.finish();
}

QByteArray hangUp()
{
    TwimlWriter twiml;
    twiml.hangup();
    return twiml.finish();
}

} // namespace Switchboard::CallBackRoute
