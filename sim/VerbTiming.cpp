#include "VerbTiming.h"

#include <QRegularExpression>
#include <twilio/TwimlDocument.h>

namespace Switchboard {

int VerbTiming::seconds(const TwimlVerb &verb, const char *attribute, int fallback)
{
    bool ok = false;
    const int value = verb.attribute(QLatin1String(attribute)).toInt(&ok);
    return ok && value >= 0 ? value : fallback;
}

int VerbTiming::loops(const TwimlVerb &verb)
{
    const int count = seconds(verb, "loop", 1);
    return count == 0 ? 3 : count;
}

qint64 VerbTiming::sayMs(const TwimlVerb &say)
{
    static const QRegularExpression whitespace(QStringLiteral("\\s+"));
    const qsizetype words = say.text.split(whitespace, Qt::SkipEmptyParts).size();
    return qMax<qint64>(500, words * 375) * loops(say);
}

qint64 VerbTiming::playMs(const TwimlVerb &play)
{
    const QString digits = play.attribute(QStringLiteral("digits"));
    if (!digits.isEmpty())
        return qint64(digits.size()) * 500;
    return qint64(3000) * loops(play);
}

qint64 VerbTiming::pauseMs(const TwimlVerb &pause)
{
    return qint64(seconds(pause, "length", 1)) * 1000;
}

} // namespace Switchboard
