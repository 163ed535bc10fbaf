#include "FormData.h"

#include <cctype>
#include <QUrl>
#include <QUtf8StringView>

namespace Switchboard {

FormData::FormData(std::initializer_list<Item> items)
    : m_items(items)
{}

FormData FormData::decode(const QByteArray &body)
{
    // Percent-decoded to bytes first, then read as UTF-8: QUrlQuery's FullyDecoded turns a
    // percent-encoded noncharacter (U+FFFF, U+7FFFF...) into U+FFFD while the same character
    // sent raw survives, so a value would not match what Twilio signed.
    FormData form;
    for (const QByteArray &pair : body.split('&')) {
        if (pair.isEmpty())
            continue; // "a=1&&b=2"
        const qsizetype equals = pair.indexOf('=');
        const auto decoded = [](QByteArray bytes) {
            bytes.replace('+', ' '); // in a form body '+' is a space; a literal plus is %2B
            return QString::fromUtf8(QByteArray::fromPercentEncoding(bytes));
        };
        form.m_items.append({decoded(pair.left(equals < 0 ? pair.size() : equals)),
                             equals < 0 ? QString() : decoded(pair.mid(equals + 1))});
    }
    return form;
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
    QByteArray spaced = body;
    spaced.replace('+', ' ');
    // '&' and '=' are ASCII, so the whole body decodes to valid UTF-8 exactly when every
    // name and value does.
    const QByteArray bytes = QByteArray::fromPercentEncoding(spaced);
    if (!QUtf8StringView(bytes).isValidUtf8()) {
        *error = QStringLiteral("a parameter is not valid UTF-8");
        return std::nullopt;
    }
    for (const char c : bytes) {
        if (uchar(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            *error = QStringLiteral("a parameter holds a control character (0x%1)")
                         .arg(int(uchar(c)), 2, 16, QLatin1Char('0'));
            return std::nullopt;
        }
    }
    return decode(body);
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
