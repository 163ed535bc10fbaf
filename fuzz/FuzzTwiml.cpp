// Arbitrary text and attribute values written with TwimlWriter and parsed back with
// TwimlDocument ("say|voice|language|redirect|action|more says..."): the document must be
// well-formed, keep its structure (no XML injection through text) and give the same text back.
// Fields are UTF-8 in which "\uXXXX" stands for any UTF-16 unit, so that unpaired surrogates,
// which a QString can hold but UTF-8 cannot, reach the writer too. XML 1.0 cannot carry most C0
// controls, U+FFFE/U+FFFF or unpaired surrogates: TwimlWriter drops them, so the expected text
// is the input without those.

#include "FuzzCheck.h"
#include "FuzzSplit.h"
#include "twilio/TwimlDocument.h"
#include "twilio/TwimlWriter.h"

#include <cstddef>
#include <cstdint>

using namespace Switchboard;

namespace {

QString fieldText(const QByteArray &utf8)
{
    const QString text = QString::fromUtf8(utf8);
    QString units;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) == QLatin1Char('\\') && i + 6 <= text.size() &&
            text.at(i + 1) == QLatin1Char('u')) {
            bool ok = false;
            const ushort unit = QStringView(text).mid(i + 2, 4).toUShort(&ok, 16);
            if (ok) {
                units += QChar(unit);
                i += 5;
                continue;
            }
        }
        units += text.at(i);
    }
    return units;
}

// The XML 1.0 "Char" production, written out independently of TwimlWriter's own filter.
QString xmlCharsOnly(const QString &text)
{
    QString kept;
    const QList<uint> codePoints = text.toUcs4(); // a lone surrogate becomes U+FFFD here...
    qsizetype unit = 0;
    for (const uint c : codePoints) {
        // ...so look at the UTF-16 unit it came from to drop it instead.
        const bool loneSurrogate = text.at(unit).isSurrogate() && c < 0x10000;
        unit += c >= 0x10000 ? 2 : 1;
        if (loneSurrogate)
            continue;
        if (!(c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
              (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF)))
            continue;
        // Appended by hand: QString::fromUcs4 would take a U+FEFF for a byte order mark.
        if (c >= 0x10000) {
            kept += QChar(QChar::highSurrogate(c));
            kept += QChar(QChar::lowSurrogate(c));
        } else {
            kept += QChar(char16_t(c));
        }
    }
    return kept;
}

// What a reader reports for character data: XML parsers turn CR LF and lone CR into LF.
QString expectedText(const QString &text)
{
    QString expected = xmlCharsOnly(text);
    expected.replace(QLatin1String("\r\n"), QLatin1String("\n"));
    expected.replace(QLatin1Char('\r'), QLatin1Char('\n'));
    return expected.trimmed(); // TwimlDocument trims verb text
}

QString attributeOrNull(const TwimlVerb &verb, const QString &name)
{
    return verb.attributes.contains(name) ? verb.attributes.value(name) : QString();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> fields =
        Fuzz::splitFields(QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)), 6);
    const QString say = fieldText(fields.at(0));
    const QString voice = fieldText(fields.at(1));
    const QString language = fieldText(fields.at(2));
    const QString redirect = fieldText(fields.at(3));
    const QString action = fieldText(fields.at(4));
    const QList<QByteArray> more = fields.at(5).split('|');

    TwimlWriter writer;
    writer.say(say, voice, language);
    writer.begin(QStringLiteral("Gather"), {{QStringLiteral("action"), action},
                                            {QStringLiteral("numDigits"), QStringLiteral("1")}});
    for (const QByteArray &text : more)
        writer.say(fieldText(text), voice, {});
    writer.end();
    writer.redirect(redirect);
    const QByteArray xml = writer.finish();

    const TwimlDocument document = TwimlDocument::parse(xml);
    Fuzz::require(document.isValid(), "TwimlWriter writes a well-formed <Response>");
    Fuzz::require(document.verbs.size() == 3, "three verbs: Say, Gather, Redirect");

    const TwimlVerb &first = document.verbs.at(0);
    Fuzz::require(first.name == QLatin1String("Say") && first.children.isEmpty(), "<Say> first");
    Fuzz::require(first.text == expectedText(say), "<Say> text comes back");
    // Attribute values are escaped whole (tabs and line breaks as character references), so
    // they come back untrimmed and unnormalised.
    Fuzz::require(attributeOrNull(first, QStringLiteral("voice")) == xmlCharsOnly(voice),
                  "voice comes back");
    Fuzz::require(attributeOrNull(first, QStringLiteral("language")) == xmlCharsOnly(language),
                  "language comes back");

    const TwimlVerb &gather = document.verbs.at(1);
    Fuzz::require(gather.name == QLatin1String("Gather"), "<Gather> second");
    Fuzz::require(gather.attribute(QStringLiteral("action")) == xmlCharsOnly(action),
                  "action comes back");
    Fuzz::require(gather.children.size() == more.size(), "one <Say> per extra field");
    for (qsizetype i = 0; i < more.size(); ++i) {
        const TwimlVerb &child = gather.children.at(i);
        Fuzz::require(child.name == QLatin1String("Say") && child.children.isEmpty(),
                      "nested <Say>");
        Fuzz::require(child.text == expectedText(fieldText(more.at(i))),
                      "nested <Say> text comes back");
    }

    const TwimlVerb &last = document.verbs.at(2);
    Fuzz::require(last.name == QLatin1String("Redirect"), "<Redirect> last");
    Fuzz::require(last.text == expectedText(redirect), "<Redirect> URL comes back");
    Fuzz::require(last.attribute(QStringLiteral("method")) == QLatin1String("POST"),
                  "method stays POST");
    return 0;
}
