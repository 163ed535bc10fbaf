#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QXmlStreamWriter>

namespace Switchboard {

// Writes a TwiML <Response> document. Attribute values and text are escaped by
// QXmlStreamWriter, so caller-supplied text cannot change the document's structure; characters
// XML 1.0 cannot carry (most C0 controls, U+FFFE/U+FFFF, unpaired surrogates) are dropped.
class TwimlWriter final
{
public:
    using Attributes = QList<QPair<QString, QString>>;

    TwimlWriter();
    Q_DISABLE_COPY_MOVE(TwimlWriter)

    TwimlWriter &say(const QString &text, const QString &voice, const QString &language);
    TwimlWriter &pause(int seconds);
    TwimlWriter &redirect(const QString &url);
    TwimlWriter &hangup();
    TwimlWriter &element(const QString &verb, const Attributes &attributes = {},
                         const QString &text = {});

    // A verb holding other verbs (<Gather>, <Dial>); close it with end().
    TwimlWriter &begin(const QString &verb, const Attributes &attributes = {});
    TwimlWriter &end();

    // Closes every open element and returns the document.
    QByteArray finish();

    static constexpr const char *contentType = "text/xml; charset=utf-8";

private:
    QByteArray m_document;
    QXmlStreamWriter m_writer;
    int m_depth = 0;
};

} // namespace Switchboard
