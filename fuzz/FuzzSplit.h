#pragma once

#include <QByteArray>
#include <QList>

namespace Switchboard::Fuzz {

// Splits a fuzz input into at most `count` fields at '|': the last field keeps any further
// separators. A plain text separator keeps the seed corpus readable and editable by hand.
inline QList<QByteArray> splitFields(const QByteArray &input, int count)
{
    QList<QByteArray> fields;
    qsizetype start = 0;
    while (fields.size() < count - 1) {
        const qsizetype bar = input.indexOf('|', start);
        if (bar < 0)
            break;
        fields.append(input.mid(start, bar - start));
        start = bar + 1;
    }
    fields.append(input.mid(start));
    while (fields.size() < count)
        fields.append(QByteArray());
    return fields;
}

} // namespace Switchboard::Fuzz
