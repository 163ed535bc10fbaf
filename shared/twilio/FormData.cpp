#include "FormData.h"

#include <QUrl>
#include <QUrlQuery>

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
