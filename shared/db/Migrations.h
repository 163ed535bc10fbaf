#pragma once

#include <QList>
#include <QString>

namespace Switchboard {

class Database;

// Numbered schema migrations. Each runs once, in order, inside one transaction, and is
// recorded in schema_migrations; a database migrated by a newer binary is refused.
class Migrations final
{
public:
    static int latestVersion();
    // Every version this binary knows, in order; numbers may have gaps (parallel work).
    static QList<int> versions();
    static int currentVersion(Database &database, QString *error);

    // Brings the schema to `target` (the latest by default).
    static bool apply(Database &database, QString *error, int target = -1);
};

} // namespace Switchboard
