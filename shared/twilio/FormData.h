#pragma once

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
