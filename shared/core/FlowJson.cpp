#include "FlowJson.h"

#include "Logging.h"

#include <cmath>
#include <QJsonArray>

namespace Switchboard::FlowJson {
namespace {

constexpr qsizetype kQuotedLength = 40; // enough to recognise a value, not to flood a terminal

const char *typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return "null";
    case QJsonValue::Bool:
        return "a boolean";
    case QJsonValue::Double:
        return "a number";
    case QJsonValue::String:
        return "a string";
    case QJsonValue::Array:
        return "an array";
    case QJsonValue::Object:
        return "an object";
    case QJsonValue::Undefined:
        break;
    }
    return "nothing";
}

} // namespace

QString shown(const QString &text)
{
    return escapeControlCharacters(
        text.size() > kQuotedLength ? text.left(kQuotedLength) + QStringLiteral("…") : text);
}

QString quoted(const QString &text)
{
    return QLatin1Char('"') + shown(text) + QLatin1Char('"');
}

QString element(const QString &path, qsizetype index)
{
    return path + QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
}

QString member(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : path + QLatin1Char('.') + key;
}

QString wrongType(const QString &path, const char *expected, const QJsonValue &value)
{
    return QStringLiteral("%1: expected %2, found %3")
        .arg(path, QLatin1String(expected), QLatin1String(typeName(value)));
}

QString unknownKey(const QJsonObject &object, const QStringList &known, const QString &path)
{
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (!known.contains(it.key()))
            return QStringLiteral("%1: unknown key (known: %2)")
                .arg(member(path, shown(it.key())), known.join(QStringLiteral(", ")));
    }
    return {};
}

std::optional<QString> text(const QJsonValue &value, const QString &path, qsizetype maxLength,
                            bool allowEmpty, QString *error)
{
    if (!value.isString()) {
        *error = wrongType(path, "a string", value);
        return std::nullopt;
    }
    const QString text = value.toString();
    if (text.size() > maxLength) {
        *error = QStringLiteral("%1: %2 characters, at most %3 are allowed")
                     .arg(path)
                     .arg(text.size())
                     .arg(maxLength);
        return std::nullopt;
    }
    if (!allowEmpty && text.trimmed().isEmpty()) {
        *error = QStringLiteral("%1: must not be empty").arg(path);
        return std::nullopt;
    }
    if (escapeControlCharacters(text) != text) {
        *error = QStringLiteral("%1: %2 holds control characters").arg(path, quoted(text));
        return std::nullopt;
    }
    return text;
}

std::optional<QJsonArray> array(const QJsonValue &value, const QString &path, qsizetype maxItems,
                                QString *error)
{
    if (!value.isArray()) {
        *error = wrongType(path, "an array", value);
        return std::nullopt;
    }
    const QJsonArray items = value.toArray();
    if (items.size() > maxItems) {
        *error = QStringLiteral("%1: %2 entries, at most %3 are allowed")
                     .arg(path)
                     .arg(items.size())
                     .arg(maxItems);
        return std::nullopt;
    }
    return items;
}

std::optional<int> wholeNumber(const QJsonValue &value, const QString &path, int minimum,
                               int maximum, QString *error)
{
    if (!value.isDouble()) {
        *error = wrongType(path, "a number", value);
        return std::nullopt;
    }
    const double number = value.toDouble();
    if (std::trunc(number) != number || number < minimum || number > maximum) {
        *error = QStringLiteral("%1: %2 is not a whole number from %3 to %4")
                     .arg(path, QString::number(number, 'g', 12))
                     .arg(minimum)
                     .arg(maximum);
        return std::nullopt;
    }
    return int(number);
}

std::optional<bool> boolean(const QJsonValue &value, const QString &path, QString *error)
{
    if (!value.isBool()) {
        *error = wrongType(path, "true or false", value);
        return std::nullopt;
    }
    return value.toBool();
}

} // namespace Switchboard::FlowJson
