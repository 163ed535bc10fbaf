#pragma once

#include <optional>
#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace Switchboard {

// The parameters of an application/x-www-form-urlencoded body, in the order they were sent.
// Repeated names are kept: Twilio's signature covers every value.
class FormData final
{
public:
    using Item = QPair<QString, QString>;

    FormData() = default;
    FormData(std::initializer_list<Item> items);

    static FormData decode(const QByteArray &body);
    // Like decode(), but refuses what Twilio never sends: a malformed percent escape, invalid
    // UTF-8, a control character other than tab and line breaks, or a name other than ASCII
    // letters and digits starting with a letter.
    static std::optional<FormData> decodeStrict(const QByteArray &body, QString *error);
    QByteArray encode() const;

    void add(const QString &name, const QString &value);
    void set(const QString &name, const QString &value);
    QString value(const QString &name) const;
    bool contains(const QString &name) const;
    const QList<Item> &items() const { return m_items; }
    bool isEmpty() const { return m_items.isEmpty(); }

private:
    QList<Item> m_items;
};

} // namespace Switchboard
