#pragma once

#include "CallRecord.h"
#include "db/CallAnnotations.h"

#include <QIODevice>
#include <QJsonObject>

namespace Switchboard {

// Writes calls as a JSON array or as CSV, one call at a time, so that a log of any size
// streams out in constant memory; with each call, what the team did with it (heard, done,
// tags, notes) and, on a caller's call, its latest call back.
class CallExport final
{
public:
    enum class Format
    {
        Json,
        Csv,
    };

    CallExport(QIODevice *output, Format format);
    Q_DISABLE_COPY_MOVE(CallExport)

    static std::optional<Format> formatFromString(const QString &text);

    void begin();
    void write(const CallRecord &call, const CallHandling &handling = {});
    void end();

    static QJsonObject toJson(const CallRecord &call, const CallHandling &handling = {});
    static QStringList csvHeader();
    static QStringList csvFields(const CallRecord &call, const CallHandling &handling = {});
    // A field a spreadsheet would read as a formula (=, +, -, @, a tab or a carriage return
    // first, and not a plain number) after a ' so that it stays text: the log holds text from
    // callers and from every desktop. Any other field as it is.
    static QString spreadsheetText(const QString &field);
    // One CSV record (RFC 4180) of the fields as spreadsheetText().
    static QByteArray csvLine(const QStringList &fields);

private:
    QIODevice *m_output;
    Format m_format;
    bool m_first = true;
};

} // namespace Switchboard
