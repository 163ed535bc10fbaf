#include "Logging.h"

#include <algorithm>

Q_LOGGING_CATEGORY(lcDatabase, "switchboard.database")
Q_LOGGING_CATEGORY(lcWebhook, "switchboard.webhook")
Q_LOGGING_CATEGORY(lcRecording, "switchboard.recording")

namespace Switchboard {
namespace {

QtMessageHandler g_writer = nullptr; // Qt's handler, or the one installed before ours

bool isControl(QChar c)
{
    const char16_t u = c.unicode();
    return u < 0x20 || (u >= 0x7f && u <= 0x9f) || u == 0x2028 || u == 0x2029;
}

void writeEscaped(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_writer(type, context, escapeControlCharacters(message));
}

} // namespace

QString escapeControlCharacters(const QString &text)
{
    if (std::none_of(text.cbegin(), text.cend(), isControl))
        return text;
    QString escaped;
    escaped.reserve(text.size() + 16);
    for (const QChar c : text) {
        if (!isControl(c))
            escaped += c;
        else if (c == u'\n')
            escaped += QLatin1String("\\n");
        else if (c == u'\r')
            escaped += QLatin1String("\\r");
        else if (c == u'\t')
            escaped += QLatin1String("\\t");
        else if (c.unicode() < 0x100)
            escaped += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            escaped += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
    }
    return escaped;
}

void escapeControlCharactersInLog()
{
    g_writer = qInstallMessageHandler(writeEscaped);
}

} // namespace Switchboard
