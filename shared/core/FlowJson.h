#pragma once

#include <optional>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace Switchboard::FlowJson {

// Helpers that read the call flow's JSON, where every value is hostile until checked. Each
// problem is one line that starts with the field's path ("members[1].number: ...").

// `text` as a message shows it: control characters escaped, cut short; quoted() adds quotes.
QString shown(const QString &text);
QString quoted(const QString &text);

// "members" + 1 -> "members[1]"; "hours" + "weekly" -> "hours.weekly".
QString element(const QString &path, qsizetype index);
QString member(const QString &path, const QString &key);

// "path: expected a string, found an array".
QString wrongType(const QString &path, const char *expected, const QJsonValue &value);

// The first key of `object` that is not `known`, as "path.key: unknown key", else empty.
QString unknownKey(const QJsonObject &object, const QStringList &known, const QString &path);

// A string of at most `maxLength` characters without control characters; `allowEmpty` or not.
std::optional<QString> text(const QJsonValue &value, const QString &path, qsizetype maxLength,
                            bool allowEmpty, QString *error);

// An array of at most `maxItems` elements.
std::optional<QJsonArray> array(const QJsonValue &value, const QString &path, qsizetype maxItems,
                                QString *error);

// A number with no fraction from `minimum` to `maximum`.
std::optional<int> wholeNumber(const QJsonValue &value, const QString &path, int minimum,
                               int maximum, QString *error);

std::optional<bool> boolean(const QJsonValue &value, const QString &path, QString *error);

} // namespace Switchboard::FlowJson
