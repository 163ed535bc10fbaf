#pragma once

#include "CallRecord.h"

#include <QIODevice>
#include <QJsonObject>

namespace Switchboard {

// Writes calls as a JSON array or as CSV, one call at a time, so that a log of any size
// streams out in constant memory.
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
    void write(const CallRecord &call);
    void end();

    static QJsonObject toJson(const CallRecord &call);
    static QStringList csvHeader();
    static QStringList csvFields(const CallRecord &call);
    static QByteArray csvLine(const QStringList &fields);

private:
    QIODevice *m_output;
    Format m_format;
    bool m_first = true;
};

} // namespace Switchboard
