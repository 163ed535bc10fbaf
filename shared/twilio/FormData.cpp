#include "FormData.h"

#include <algorithm>
#include <cctype>
#include <QUrl>
#include <QUtf8StringView>

namespace Switchboard {

FormData::FormData(std::initializer_list<Item> items)
    : m_items(items)
{}

namespace {

// A name or value as sent: '+' is a space (a literal plus is %2B), then percent-decoded to
// bytes, read as UTF-8 afterwards. QUrlQuery's FullyDecoded would turn a percent-encoded
// noncharacter (U+FFFF...) into U+FFFD while the same character sent raw survives, so a value
// would not match what Twilio signed. Most of a webhook's names and values hold neither '+'
// nor '%': those are read as they are, without a decoded copy.
QByteArray decodedBytes(QByteArrayView sent)
{
    if (!sent.contains('%') && !sent.contains('+'))
        return QByteArray::fromRawData(sent.data(), sent.size());
    QByteArray bytes = sent.toByteArray();
    bytes.replace('+', ' ');
    return QByteArray::fromPercentEncoding(bytes);
}

// What decodeStrict() refuses in a decoded name or value; empty when it is fine.
QString problemIn(QByteArrayView bytes)
{
    if (!QUtf8StringView(bytes).isValidUtf8())
        return QStringLiteral("a parameter is not valid UTF-8");
    for (const char c : bytes) {
        if (uchar(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return QStringLiteral("a parameter holds a control character (0x%1)")
                .arg(int(uchar(c)), 2, 16, QLatin1Char('0'));
    }
    return {};
}

// Every name Twilio sends is ASCII letters and digits, a letter first. Its signature runs names
// and values together without separators: were any other character let through, a request
// signed for /twilio/recording-status could be replayed to /twilio/recording with an added
// "-status" parameter (a leading digit could likewise take the digits off a signed
// "?attempt=2").
bool isTwilioName(QByteArrayView name)
{
    if (name.isEmpty() || !isalpha(uchar(name.front())))
        return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return uchar(c) < 0x80 && isalnum(uchar(c)); });
}

// One pass over the body; with `error`, checking each name and value as it goes.
std::optional<FormData> parse(const QByteArray &body, QString *error)
{
    FormData form;
    const QByteArrayView rest(body);
    for (qsizetype start = 0; start < rest.size();) {
        qsizetype end = rest.indexOf('&', start);
        if (end < 0)
            end = rest.size();
        const QByteArrayView pair = rest.sliced(start, end - start);
        start = end + 1;
        if (pair.isEmpty())
            continue; // "a=1&&b=2"
        const qsizetype equals = pair.indexOf('=');
        const QByteArray name = decodedBytes(pair.first(equals < 0 ? pair.size() : equals));
        const QByteArray value = equals < 0 ? QByteArray() : decodedBytes(pair.sliced(equals + 1));
        if (error) {
            if (!isTwilioName(name)) {
                *error = QStringLiteral("a parameter name is not ASCII letters and digits");
                return std::nullopt;
            }
            *error = problemIn(name);
            if (error->isEmpty())
                *error = problemIn(value);
            if (!error->isEmpty())
                return std::nullopt;
        }
        form.add(QString::fromUtf8(name), equals < 0 ? QString() : QString::fromUtf8(value));
    }
    return form;
}

} // namespace

FormData FormData::decode(const QByteArray &body)
{
    return *parse(body, nullptr);
}

std::optional<FormData> FormData::decodeStrict(const QByteArray &body, QString *error)
{
    for (qsizetype i = body.indexOf('%'); i >= 0; i = body.indexOf('%', i + 1)) {
        if (i + 2 >= body.size() || !isxdigit(uchar(body[i + 1])) ||
            !isxdigit(uchar(body[i + 2]))) {
            *error = QStringLiteral("malformed percent-encoding at byte %1").arg(i);
            return std::nullopt;
        }
    }
    return parse(body, error);
}

QByteArray FormData::encode() const
{
    QByteArray body;
    for (const auto &[name, value] : m_items) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    return body;
}

void FormData::add(const QString &name, const QString &value)
{
    m_items.append({name, value});
}

void FormData::set(const QString &name, const QString &value)
{
    for (auto &item : m_items) {
        if (item.first == name) {
            item.second = value;
            return;
        }
    }
    add(name, value);
}

QString FormData::value(const QString &name) const
{
    for (const auto &item : m_items) {
        if (item.first == name)
            return item.second;
    }
    return {};
}

bool FormData::contains(const QString &name) const
{
    for (const auto &item : m_items) {
        if (item.first == name)
            return true;
    }
    return false;
}

} // namespace Switchboard
