#include "ExportCommand.h"

#include "core/CallExport.h"
#include "db/CallAnnotations.h"
#include "db/CallReader.h"
#include "db/Database.h"
#include "db/Migrations.h"

#include <cstdio>
#include <QFile>
#include <QFileInfo>

namespace Switchboard {
namespace {

// Calls whose handling is read in one go: a few queries per page, not per call.
constexpr qsizetype kPageSize = 400;

} // namespace

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

    // The handling is read on a connection of its own: the calls' query is still being read
    // when a page is full, and a forward-only PostgreSQL result may still be streaming.
    Database handlingDatabase(config.database, QStringLiteral("export-handling"));
    if (!handlingDatabase.open(&error)) {
        std::fprintf(stderr, "--database: %s\n", qPrintable(error));
        return 1;
    }
    CallAnnotations annotations(handlingDatabase);

    QFile out;
    if (!out.open(stdout, QIODevice::WriteOnly)) // QFile buffers: one write per call is cheap
        return 1;
    CallExport exporter(&out, *CallExport::formatFromString(config.exportFormat));
    exporter.begin();
    QList<CallRecord> page;
    QString handlingError;
    const auto writePage = [&] {
        QStringList sids;
        sids.reserve(page.size());
        for (const CallRecord &call : std::as_const(page))
            sids.append(call.callSid);
        const auto handled = annotations.withNotes(sids);
        if (!handled) {
            handlingError = annotations.lastError();
            return false;
        }
        for (const CallRecord &call : std::as_const(page))
            exporter.write(call, handled->value(call.callSid));
        page.clear();
        return true;
    };
    CallReader reader(database);
    bool ok = reader.forEachCall([&](const CallRecord &call) {
        page.append(call);
        return page.size() < kPageSize || writePage();
    });
    ok = ok && handlingError.isEmpty() && writePage();
    exporter.end();
    out.flush();
    if (!ok) {
        std::fprintf(stderr, "export failed: %s\n",
                     qPrintable(handlingError.isEmpty() ? reader.lastError() : handlingError));
        return 1;
    }
    return 0;
}

} // namespace Switchboard
