#pragma once

#include <QLoggingCategory>
#include <QString>

Q_DECLARE_LOGGING_CATEGORY(lcDatabase)
Q_DECLARE_LOGGING_CATEGORY(lcWebhook)
Q_DECLARE_LOGGING_CATEGORY(lcRecording)

namespace Switchboard {

// `text` with its control characters (C0, DEL, C1, the Unicode line and paragraph separators)
// written as escapes (\n, \x1b, \u2028): one line, whatever it holds.
QString escapeControlCharacters(const QString &text);

// From here on every message is escaped before Qt writes it: a log line holds one message, so
// request data in it (a CallSid with %0A, sent before any check) cannot forge another line, nor
// the <N> priority prefix journald reads at the start of one.
void escapeControlCharactersInLog();

} // namespace Switchboard
