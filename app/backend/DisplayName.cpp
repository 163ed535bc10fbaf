#include "DisplayName.h"

#include "db/CallAnnotations.h"

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#endif

namespace Switchboard {

QString defaultDisplayName()
{
    QString name;
#ifdef Q_OS_UNIX
    if (const passwd *account = ::getpwuid(::getuid())) {
        // GECOS: "Full Name,Room,Work phone,Home phone,Other"; the account's own text.
        const QString gecos = QString::fromLocal8Bit(account->pw_gecos ? account->pw_gecos : "");
        name = CallAnnotations::normalisedName(gecos.section(QLatin1Char(','), 0, 0));
        if (name.isEmpty() && account->pw_name)
            name = CallAnnotations::normalisedName(QString::fromLocal8Bit(account->pw_name));
    }
#endif
    if (name.isEmpty())
        name = CallAnnotations::normalisedName(qEnvironmentVariable("USERNAME"));
    name = name.left(CallAnnotations::kMaxNameChars);
    return name.isEmpty() ? QStringLiteral("Me") : name;
}

} // namespace Switchboard
