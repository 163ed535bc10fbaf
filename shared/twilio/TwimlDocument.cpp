#include "TwimlDocument.h"

#include <QXmlStreamReader>

namespace Switchboard {
namespace {

TwimlVerb readVerb(QXmlStreamReader &reader)
{
    TwimlVerb verb;
    verb.name = reader.name().toString();
    for (const auto &attribute : reader.attributes())
        verb.attributes.insert(attribute.name().toString(), attribute.value().toString());
    while (reader.readNext() != QXmlStreamReader::EndElement && !reader.hasError()) {
        if (reader.isCharacters())
            verb.text += reader.text();
        else if (reader.isStartElement())
            verb.children.append(readVerb(reader));
    }
    verb.text = verb.text.trimmed();
    return verb;
}

} // namespace

TwimlDocument TwimlDocument::parse(const QByteArray &xml)
{
    TwimlDocument document;
    QXmlStreamReader reader(xml);
    if (!reader.readNextStartElement() || reader.name() != QLatin1String("Response")) {
        document.error = QStringLiteral("the document has no <Response> root");
        return document;
    }
    while (reader.readNextStartElement())
        document.verbs.append(readVerb(reader));
    if (reader.hasError())
        document.error = reader.errorString();
    return document;
}

} // namespace Switchboard
