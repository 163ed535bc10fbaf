#include "Credentials.h"

#include <QFile>

namespace Switchboard {
namespace {

QString unquoted(QString value)
{
    value = value.trimmed();
    if (value.size() >= 2 &&
        (value.startsWith(QLatin1Char('"')) || value.startsWith(QLatin1Char('\''))) &&
        value.endsWith(value.front()))
        value = value.mid(1, value.size() - 2);
    return value;
}

} // namespace

bool Credentials::readFile(const QString &path, Credentials *credentials, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    while (!file.atEnd()) {
        QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        if (line.startsWith(QLatin1String("export ")))
            line = line.mid(7).trimmed();
        const qsizetype equals = line.indexOf(QLatin1Char('='));
        if (equals <= 0)
            continue;
        const QString key = line.left(equals).trimmed();
        const QString value = unquoted(line.mid(equals + 1));
        if (key == QLatin1String("TWILIO_ACCOUNT_SID"))
            credentials->accountSid = value;
        else if (key == QLatin1String("TWILIO_AUTH_TOKEN"))
            credentials->authToken = value.toUtf8();
    }
    return true;
}

Credentials Credentials::fromEnvironment(const QProcessEnvironment &environment)
{
    return {environment.value(QStringLiteral("TWILIO_ACCOUNT_SID")),
            environment.value(QStringLiteral("TWILIO_AUTH_TOKEN")).toUtf8()};
}

} // namespace Switchboard
