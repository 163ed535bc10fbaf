#include "HandlingFormat.h"

#include "CallFormat.h"

#include <QCoreApplication>

namespace Switchboard::HandlingFormat {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("HandlingFormat", text);
}

} // namespace

QString heardBy(const CallHandling &handling)
{
    const QStringList names = handling.heardByNames();
    if (!names.isEmpty())
        return tr("Heard by %1").arg(names.join(QStringLiteral(", ")));
    return handling.heard.isEmpty() ? QString() : tr("Heard");
}

QString done(const CallHandling &handling)
{
    if (!handling.done)
        return {};
    return tr("Done by %1 · %2").arg(handling.done->by, CallFormat::feedTime(handling.done->at));
}

QString summary(const CallHandling &handling)
{
    QStringList parts;
    if (handling.done)
        parts.append(QStringLiteral("✓ ") + handling.done->by);
    if (!handling.tags.isEmpty())
        parts.append(handling.tags.join(QStringLiteral(", ")));
    if (handling.noteCount == 1)
        parts.append(tr("1 note"));
    else if (handling.noteCount > 1)
        parts.append(tr("%1 notes").arg(handling.noteCount));
    return parts.join(QStringLiteral(" · "));
}

} // namespace Switchboard::HandlingFormat
