#include "TwimlWriter.h"

namespace Switchboard {

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
        m_writer.writeAttribute(name, value);
    if (!text.isEmpty())
        m_writer.writeCharacters(text);
    m_writer.writeEndElement();
    return *this;
}

TwimlWriter &TwimlWriter::begin(const QString &verb, const Attributes &attributes)
{
    m_writer.writeStartElement(verb);
    for (const auto &[name, value] : attributes)
        m_writer.writeAttribute(name, value);
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
