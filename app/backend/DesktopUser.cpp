#include "DesktopUser.h"

#include <QtGlobal>

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#endif

namespace Switchboard {

QString desktopUserName()
{
#ifdef Q_OS_UNIX
    if (const passwd *entry = ::getpwuid(::geteuid())) {
        // GECOS is "Full Name,Room,Work phone,Home phone,Other"; only the name is wanted.
        const QString fullName =
            QString::fromLocal8Bit(entry->pw_gecos ? entry->pw_gecos : "").section(u',', 0, 0);
        if (!fullName.trimmed().isEmpty())
            return fullName.trimmed();
        if (entry->pw_name && *entry->pw_name)
            return QString::fromLocal8Bit(entry->pw_name);
    }
#endif
    for (const char *variable : {"USER", "USERNAME"}) {
        const QString name = qEnvironmentVariable(variable);
        if (!name.isEmpty())
            return name;
    }
    return QStringLiteral("unknown user");
}

} // namespace Switchboard
