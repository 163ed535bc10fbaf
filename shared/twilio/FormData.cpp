#include "FormData.h"

#include <QUrl>
#include <QUrlQuery>
#include <QUtf8StringView>

#include <cctype>

namespace Switchboard {

FormData::FormData(std::initializer_list<Item> items)
    : m_items(items)
{
}

FormData FormData::decode(const QByteArray &body)
{
    // In a form body '+' is a space; QUrlQuery keeps it as '+', so translate before decoding.
    // A literal plus arrives as %2B and survives.
    QByteArray spaced = body;
    spaced.replace('+', ' ');
    const QUrlQuery query(QString::fromUtf8(spaced));

    FormData form;
    const auto items = query.queryItems(QUrl::FullyDecoded);
    form.m_items.reserve(items.size());
    for (const auto &item : items)
        form.m_items.append(item);
    return form;
}

std::optional<FormData> FormData::decodeStrict(const QByteArray &body, QString *error)
{
    for (qsizetype i = body.indexOf('%'); i >= 0; i = body.indexOf('%', i + 1)) {
        if (i + 2 >= body.size() || !isxdigit(uchar(body[i + 1])) || !isxdigit(uchar(body[i + 2]))) {
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
            *error = QStringLiteral("a parameter holds a control character (0x%1)").arg(int(uchar(c)), 2, 16, QLatin1Char('0'));
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
