#include "TwimlWriter.h"

namespace Switchboard {
namespace {

bool isXmlChar(char32_t c)
{
    // XML 1.0's Char production.
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

// Text with the characters XML 1.0 cannot carry dropped: most C0 controls, U+FFFE/U+FFFF and
// unpaired surrogates (which a QString can hold, e.g. from a JSON "\ud800" escape). Qt 6.4's
// QXmlStreamWriter drops the controls itself, but an unpaired surrogate puts its UTF-8 encoder
// into an error state and every later tag comes out as "</>": Twilio would reject the whole
// response. Dropping them loses nothing a caller could hear.
QString xmlSafe(const QString &text)
{
    QString kept;
    bool dropped = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
            kept += c;
            kept += text.at(++i);
        } else if (!c.isSurrogate() && isXmlChar(c.unicode())) {
            kept += c;
        } else {
            dropped = true;
        }
    }
    return dropped ? kept : text;
}

} // namespace

TwimlWriter::TwimlWriter()
    : m_writer(&m_document)
{
    m_writer.writeStartDocument();
    begin(QStringLiteral("Response"));
}

TwimlWriter &TwimlWriter::say(const QString &text, const QString &voice, const QString &language)
{
    Attributes attributes;
    if (!voice.isEmpty())
        attributes.append({QStringLiteral("voice"), voice});
    if (!language.isEmpty())
        attributes.append({QStringLiteral("language"), language});
    return element(QStringLiteral("Say"), attributes, text);
}

TwimlWriter &TwimlWriter::pause(int seconds)
{
    return element(QStringLiteral("Pause"), {{QStringLiteral("length"), QString::number(seconds)}});
}

TwimlWriter &TwimlWriter::redirect(const QString &url)
{
    return element(QStringLiteral("Redirect"), {{QStringLiteral("method"), QStringLiteral("POST")}},
                   url);
}

TwimlWriter &TwimlWriter::hangup()
{
    return element(QStringLiteral("Hangup"));
}

TwimlWriter &TwimlWriter::element(const QString &verb, const Attributes &attributes,
                                  const QString &text)
{
    m_writer.writeStartElement(verb);
    for (const auto &[name, value] : attributes)
        m_writer.writeAttribute(name, xmlSafe(value));
    if (!text.isEmpty())
        m_writer.writeCharacters(xmlSafe(text));
    m_writer.writeEndElement();
    return *this;
}

TwimlWriter &TwimlWriter::begin(const QString &verb, const Attributes &attributes)
{
    m_writer.writeStartElement(verb);
    for (const auto &[name, value] : attributes)
        m_writer.writeAttribute(name, xmlSafe(value));
    ++m_depth;
    return *this;
}

TwimlWriter &TwimlWriter::end()
{
    if (m_depth > 1) {
        m_writer.writeEndElement();
        --m_depth;
    }
    return *this;
}

QByteArray TwimlWriter::finish()
{
    m_writer.writeEndDocument(); // closes <Response> and anything left open
    m_depth = 0;
    return m_document;
}

} // namespace Switchboard
