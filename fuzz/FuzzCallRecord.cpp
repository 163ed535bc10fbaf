// A sequence of webhooks, one a line ("kind seconds body", e.g. "status 95 CallSid=CA1&..."),
// folded into a CallRecord and exported: status never goes backwards, applying every webhook
// twice changes nothing, the JSON export parses back and every CSV record has the header's
// field count.

#include "core/CallExport.h"
#include "FuzzCheck.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Switchboard;

namespace {

// CallStatus.cpp's order, restated: the fuzzer checks the record against the documented rule,
// not against the code that implements it.
int rank(CallStatus status)
{
    switch (status) {
    case CallStatus::Unknown:
        return 0;
    case CallStatus::Queued:
        return 1;
    case CallStatus::Initiated:
        return 2;
    case CallStatus::Ringing:
        return 3;
    case CallStatus::InProgress:
        return 4;
    default:
        return 5;
    }
}

Webhook webhookFromLine(const QByteArray &line, const QDateTime &base)
{
    const QList<QByteArray> words = line.split(' ');
    Webhook webhook;
    const std::optional<WebhookKind> kind =
        webhookKindFromString(QString::fromUtf8(words.value(0)));
    // Unknown words still pick a kind, so that mutated lines keep exercising apply().
    webhook.kind =
        kind.value_or(WebhookKind(uint(qHash(words.value(0))) % (int(WebhookKind::Status) + 1)));
    // Arrival times within about a day either side: callbacks come late and out of order.
    webhook.receivedAt = base.addSecs(words.value(1).toInt() % 100000);
    webhook.url =
        QStringLiteral("https://ivr.example.com/twilio/") + webhookKindToString(webhook.kind);
    webhook.params = FormData::decode(line.mid(words.value(0).size() + words.value(1).size() + 2));
    webhook.forwardTo = QStringLiteral("+14155550199");
    return webhook;
}

// RFC 4180: records end in CRLF, fields are split at commas, a quoted field may hold anything
// with its quotes doubled. Returns nothing when the text is not valid RFC 4180.
std::optional<QList<QStringList>> readCsv(const QString &text)
{
    QList<QStringList> records;
    QStringList record;
    QString field;
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (i < n) {
        if (text.at(i) == QLatin1Char('"')) {
            ++i;
            for (;;) {
                if (i >= n)
                    return std::nullopt; // unterminated quote
                if (text.at(i) == QLatin1Char('"')) {
                    if (i + 1 < n && text.at(i + 1) == QLatin1Char('"')) {
                        field += QLatin1Char('"');
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text.at(i++);
            }
        } else {
            while (i < n && text.at(i) != QLatin1Char(',') && text.at(i) != QLatin1Char('\r') &&
                   text.at(i) != QLatin1Char('\n')) {
                if (text.at(i) == QLatin1Char('"'))
                    return std::nullopt; // a quote inside an unquoted field
                field += text.at(i++);
            }
        }
        if (i < n && text.at(i) == QLatin1Char(',')) {
            record.append(field);
            field.clear();
            ++i;
        } else if (i + 1 < n && text.at(i) == QLatin1Char('\r') &&
                   text.at(i + 1) == QLatin1Char('\n')) {
            record.append(field);
            field.clear();
            records.append(record);
            record.clear();
            i += 2;
        } else {
            return std::nullopt; // a bare CR or LF, or text after a closing quote
        }
    }
    if (!record.isEmpty() || !field.isEmpty())
        return std::nullopt; // the last record lacks its CRLF
    return records;
}

QByteArray exported(CallExport::Format format, const QList<CallRecord> &calls)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    CallExport exporter(&buffer, format);
    exporter.begin();
    for (const CallRecord &call : calls)
        exporter.write(call);
    exporter.end();
    return bytes;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const QDateTime base(QDate(2024, 3, 1), QTime(9, 30), Qt::UTC);

    CallRecord once;
    CallRecord twice;
    QList<CallRecord> snapshots;
    // A real call has a handful of webhooks; more lines only slow the run down.
    const QList<QByteArray> lines = input.split('\n').mid(0, 32);
    for (const QByteArray &line : lines) {
        const Webhook webhook = webhookFromLine(line, base);
        const CallStatus before = once.status;
        once.apply(webhook);
        Fuzz::require(rank(once.status) >= rank(before), "status never goes backwards");
        Fuzz::require(rank(before) < 5 || once.status == before, "the first final status wins");
        twice.apply(webhook);
        twice.apply(webhook); // Twilio retries webhooks
        snapshots.append(once);
    }
    Fuzz::require(!once.durationS || *once.durationS >= 0, "a call's duration is not negative");
    Fuzz::require(!once.talkDurationS || *once.talkDurationS >= 0, "talk time is not negative");

    const QByteArray json = exported(CallExport::Format::Json, snapshots);
    Fuzz::require(CallExport::toJson(once) == CallExport::toJson(twice),
                  "applying each webhook twice is the same as once");

    QJsonParseError error;
    const QJsonDocument parsed = QJsonDocument::fromJson(json, &error);
    Fuzz::require(error.error == QJsonParseError::NoError && parsed.isArray(), "JSON parses back");
    const QJsonArray array = parsed.array();
    Fuzz::require(array.size() == snapshots.size(), "one JSON object per call");
    for (qsizetype i = 0; i < snapshots.size(); ++i) {
        // Compared as text: parsing turns integers into doubles, which print the same.
        const QByteArray back = QJsonDocument(array.at(i).toObject()).toJson();
        Fuzz::require(back == QJsonDocument(CallExport::toJson(snapshots.at(i))).toJson(),
                      "JSON keeps every value");
    }

    const QByteArray csv = exported(CallExport::Format::Csv, snapshots);
    const std::optional<QList<QStringList>> records = readCsv(QString::fromUtf8(csv));
    Fuzz::require(records.has_value(), "CSV is valid RFC 4180");
    Fuzz::require(records->size() == snapshots.size() + 1, "a header and one record per call");
    Fuzz::require(records->first() == CallExport::csvHeader(), "the header comes back");
    for (qsizetype i = 0; i < snapshots.size(); ++i) {
        Fuzz::require(records->at(i + 1).size() == CallExport::csvHeader().size(),
                      "every CSV record has the header's field count");
        QStringList expected;
        for (const QString &field : CallExport::csvFields(snapshots.at(i)))
            expected.append(CallExport::spreadsheetText(field));
        Fuzz::require(records->at(i + 1) == expected, "CSV keeps every value");
    }
    return 0;
}
