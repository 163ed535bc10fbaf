#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

namespace Switchboard {

// One TwiML verb or noun, with its attributes, text and nested verbs.
struct TwimlVerb
{
    QString name;
    QHash<QString, QString> attributes;
    QString text;
    QList<TwimlVerb> children;

    QString attribute(const QString &key, const QString &fallback = {}) const
    {
        return attributes.value(key, fallback);
    }
};

// A parsed <Response>: what Twilio reads to know what to do next.
struct TwimlDocument
{
    QList<TwimlVerb> verbs;
    QString error; // empty when the document is well-formed TwiML

    static TwimlDocument parse(const QByteArray &xml);
    bool isValid() const { return error.isEmpty(); }
};

} // namespace Switchboard
