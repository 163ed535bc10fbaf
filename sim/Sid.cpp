#include "Sid.h"

#include <QByteArray>
#include <QRandomGenerator>

namespace Switchboard {

QString randomSid(QLatin1String prefix)
{
    quint32 words[4];
    QRandomGenerator::global()->fillRange(words);
    const QByteArray bytes(reinterpret_cast<const char *>(words), sizeof(words));
    return prefix + QString::fromLatin1(bytes.toHex());
}

} // namespace Switchboard
