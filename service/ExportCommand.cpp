#include "ExportCommand.h"

#include "core/CallExport.h"
#include "db/CallReader.h"
#include "db/Database.h"
#include "db/Migrations.h"

#include <cstdio>
#include <QFile>
#include <QFileInfo>

namespace Switchboard {

int runExport(const ServiceConfig &config)
{
    if (config.database.engine == DatabaseUrl::Engine::Sqlite &&
        !QFileInfo::exists(config.database.path)) {
        std::fprintf(stderr, "--database: there is no call log at %s\n",
                     qPrintable(config.database.path));
        return 1;
    }
    Database database(config.database, QStringLiteral("export"));
    QString error;
    if (!database.open(&error)) {
        std::fprintf(stderr, "--database: %s\n", qPrintable(error));
        return 1;
    }
    const int version = Migrations::currentVersion(database, &error);
    if (version != Migrations::latestVersion()) {
        std::fprintf(
            stderr, "--database: %s has schema version %d, this program reads version %d%s\n",
            qPrintable(config.database.toDisplayString()), version, Migrations::latestVersion(),
            version < Migrations::latestVersion() ? " (start the service once to migrate it)" : "");
        return 1;
    }

    QFile out;
    if (!out.open(stdout, QIODevice::WriteOnly)) // QFile buffers: one write per call is cheap
        return 1;
    CallExport exporter(&out, *CallExport::formatFromString(config.exportFormat));
    exporter.begin();
    CallReader reader(database);
    const bool ok = reader.forEachCall([&exporter](const CallRecord &call) {
        exporter.write(call);
        return true;
    });
    exporter.end();
    out.flush();
    if (!ok) {
        std::fprintf(stderr, "export failed: %s\n", qPrintable(reader.lastError()));
        return 1;
    }
    return 0;
}

} // namespace Switchboard
