#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>

namespace Switchboard {

// The Account SID and Auth Token "Twilio" signs with, which the service must share.
struct Credentials
{
    QString accountSid;
    QByteArray authToken;

    // Reads TWILIO_ACCOUNT_SID=… and TWILIO_AUTH_TOKEN=… lines (the service's env-file format;
    // comments, blank lines, "export " and quotes are tolerated).
    static bool readFile(const QString &path, Credentials *credentials, QString *error);
    static Credentials fromEnvironment(const QProcessEnvironment &environment);
};

} // namespace Switchboard
