#include "RequestSignature.h"

#include <algorithm>
#include <optional>
#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QUrl>
#include <vector>

namespace Switchboard {
namespace {

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

int defaultPort(const QString &scheme)
{
    if (scheme == QLatin1String("https"))
        return 443;
    if (scheme == QLatin1String("http"))
        return 80;
    return -1;
}

// The same URL with its scheme's default port removed if it has it, added if it has none;
// nothing for another port.
std::optional<QString> otherDefaultPortForm(const QString &url)
{
    QUrl parsed(url, QUrl::StrictMode);
    const int port = defaultPort(parsed.scheme());
    if (!parsed.isValid() || port < 0)
        return std::nullopt;
    if (parsed.port() == port)
        parsed.setPort(-1);
    else if (parsed.port() == -1)
        parsed.setPort(port);
    else
        return std::nullopt;
    return parsed.toString(QUrl::FullyEncoded);
}

} // namespace

namespace {

// The parameters as Twilio signs them: each name and value, sorted by the bytes of the names,
// then of the values (repeated names).
QByteArray sortedParameters(const FormData &params)
{
    std::vector<std::pair<QByteArray, QByteArray>> items;
    items.reserve(params.items().size());
    qsizetype size = 0;
    for (const auto &[name, value] : params.items()) {
        items.emplace_back(name.toUtf8(), value.toUtf8());
        size += items.back().first.size() + items.back().second.size();
    }
    std::sort(items.begin(), items.end());
    QByteArray bytes;
    bytes.reserve(size);
    for (const auto &[name, value] : items)
        bytes.append(name).append(value);
    return bytes;
}

QByteArray sign(const QByteArray &authToken, const QByteArray &payload)
{
    return QMessageAuthenticationCode::hash(payload, authToken, QCryptographicHash::Sha1)
        .toBase64();
}

} // namespace

QByteArray RequestSignature::payload(const QString &url, const FormData &params)
{
    return url.toUtf8() + sortedParameters(params);
}

QByteArray RequestSignature::compute(const QByteArray &authToken, const QString &url,
                                     const FormData &params)
{
    return sign(authToken, payload(url, params));
}

bool RequestSignature::isValid(const QByteArray &authToken, const QString &url,
                               const FormData &params, const QByteArray &signature)
{
    if (authToken.isEmpty() || signature.isEmpty())
        return false;
    const QByteArray parameters = sortedParameters(params); // the same for either form
    // The URL as received first, the other form only when that fails: which form matched
    // tells nothing about the token, and a forged request costs both either way.
    if (constantTimeEquals(sign(authToken, url.toUtf8() + parameters), signature))
        return true;
    const std::optional<QString> other = otherDefaultPortForm(url);
    return other && constantTimeEquals(sign(authToken, other->toUtf8() + parameters), signature);
}

} // namespace Switchboard
