#include "MigrateCommand.h"

#include "db/CallLogCopy.h"
#include "db/Database.h"
#include "db/Migrations.h"

#include <cstdio>
#include <QFileInfo>

namespace Switchboard {

int runMigrate(const DatabaseUrl &from, const DatabaseUrl &to)
{
    if (from.engine == DatabaseUrl::Engine::Sqlite && !QFileInfo::exists(from.path)) {
        std::fprintf(stderr, "--from: there is no call log at %s\n", qPrintable(from.path));
        return 1;
    }
    Database source(from, QStringLiteral("migrate-from"));
    Database target(to, QStringLiteral("migrate-to"));
    QString error;
    // The source is brought to the current schema first, as the service would on start.
    if (!source.openAndMigrate(&error)) {
        std::fprintf(stderr, "--from: %s\n", qPrintable(error));
        return 1;
    }
    if (!target.openAndMigrate(&error)) {
        std::fprintf(stderr, "--to: %s\n", qPrintable(error));
        return 1;
    }
    CallLogCopy::Counts copied;
    if (!CallLogCopy::copy(source, target, &copied, &error)) {
        std::fprintf(stderr, "migrate: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("migrated %s from %s to %s; counts verified\n", qPrintable(copied.toString()),
                qPrintable(from.toDisplayString()), qPrintable(to.toDisplayString()));
    return 0;
}

} // namespace Switchboard
