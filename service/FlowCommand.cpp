#include "FlowCommand.h"

#include "db/Database.h"
#include "db/FlowStore.h"
#include "db/Migrations.h"

#include <cstdio>
#include <pwd.h>
#include <QFile>
#include <QFileInfo>
#include <unistd.h>

namespace Switchboard {
namespace {

QString revisionLine(const StoredFlow &stored)
{
    return QStringLiteral("revision %1, %2, by %3")
        .arg(QString::number(stored.revision),
             stored.createdAt.isValid() ? stored.createdAt.toString(Qt::ISODate)
                                        : QStringLiteral("(no valid time)"),
             stored.author);
}

QString summary(const FlowDefinition &flow)
{
    QStringList parts{QStringLiteral("%1 member(s), %2 active, %3, %4 s")
                          .arg(flow.members.size())
                          .arg(flow.activeMembers().size())
                          .arg(flow.ring == FlowDefinition::Ring::Simultaneous
                                   ? QStringLiteral("simultaneous")
                                   : QStringLiteral("sequential"))
                          .arg(flow.ringTimeoutS)};
    if (flow.screening)
        parts.append(QStringLiteral("screening"));
    parts.append(
        flow.hours
            ? QStringLiteral("hours in %1").arg(QString::fromUtf8(flow.hours->timeZone().id()))
            : QStringLiteral("always open"));
    if (!flow.blocked.isEmpty())
        parts.append(QStringLiteral("%1 blocked").arg(flow.blocked.size()));
    if (flow.transcribe)
        parts.append(QStringLiteral("transcribed"));
    return parts.join(QStringLiteral(", "));
}

// show and history read a call log that exists, at this program's schema; set creates or
// migrates it, as the service's start would.
bool openDatabase(const DatabaseUrl &url, bool forWriting, Database &database)
{
    QString error;
    if (!forWriting && url.engine == DatabaseUrl::Engine::Sqlite && !QFileInfo::exists(url.path)) {
        std::fprintf(stderr, "--database: there is no call log at %s\n", qPrintable(url.path));
        return false;
    }
    if (forWriting ? !database.openAndMigrate(&error) : !database.open(&error)) {
        std::fprintf(stderr, "--database: %s\n", qPrintable(error));
        return false;
    }
    const int version = Migrations::currentVersion(database, &error);
    if (version != Migrations::latestVersion()) {
        std::fprintf(
            stderr, "--database: %s has schema version %d, this program reads version %d%s\n",
            qPrintable(url.toDisplayString()), version, Migrations::latestVersion(),
            version < Migrations::latestVersion() ? " (start the service once to migrate it)" : "");
        return false;
    }
    return true;
}

int show(FlowStore &store, const DatabaseUrl &url)
{
    QString error;
    const auto stored = store.current(&error);
    if (!stored) {
        if (!error.isEmpty())
            std::fprintf(stderr, "flow show: %s\n", qPrintable(error));
        else
            std::fprintf(stderr,
                         "flow show: %s holds no call flow yet: the service creates one from its "
                         "flags when it starts, or use flow set FILE.json\n",
                         qPrintable(url.toDisplayString()));
        return 1;
    }
    if (!stored->flow) {
        std::fprintf(stderr, "flow show: %s; store a good one with flow set FILE.json\n",
                     qPrintable(stored->problem));
        return 1;
    }
    std::fprintf(stderr, "%s\n", qPrintable(revisionLine(*stored)));
    const QByteArray json = stored->flow->toJson();
    std::fwrite(json.constData(), 1, size_t(json.size()), stdout);
    return 0;
}

int history(FlowStore &store)
{
    QString error;
    int count = 0;
    const bool ok = store.forEachRevision(
        [&count](const StoredFlow &stored) {
            ++count;
            std::printf("%s: %s\n", qPrintable(revisionLine(stored)),
                        qPrintable(stored.flow ? summary(*stored.flow) : stored.problem));
            return true;
        },
        &error);
    if (!ok) {
        std::fprintf(stderr, "flow history: %s\n", qPrintable(error));
        return 1;
    }
    if (count == 0)
        std::fprintf(stderr, "flow history: no call flow yet\n");
    return 0;
}

// Reads and checks the file before the database is opened: a refused file changes nothing.
std::optional<FlowDefinition> readFlowFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "flow set: cannot read %s: %s\n", qPrintable(path),
                     qPrintable(file.errorString()));
        return std::nullopt;
    }
    // One byte more than a flow may have is enough to refuse it; the rest is never read.
    const QByteArray json = file.read(FlowDefinition::kMaxJsonBytes + 1);
    QString error;
    auto flow = FlowDefinition::fromJson(json, &error);
    if (!flow)
        std::fprintf(stderr, "flow set: %s: %s\n", qPrintable(path), qPrintable(error));
    return flow;
}

} // namespace

QString flowAuthor()
{
    const passwd *entry = ::getpwuid(::geteuid());
    const QString user = entry && entry->pw_name ? QString::fromLocal8Bit(entry->pw_name)
                                                 : QStringLiteral("uid %1").arg(::geteuid());
    // An installed service's log is changed as its user (sudo -u switchboard ...): the person
    // who ran sudo is the author.
    const QString sudoUser = qEnvironmentVariable("SUDO_USER");
    if (!sudoUser.isEmpty() && sudoUser != user)
        return QStringLiteral("%1 (as %2)").arg(sudoUser, user);
    return user;
}

int runFlow(const ServiceConfig &config)
{
    const QString action = config.flowArguments.value(0);
    std::optional<FlowDefinition> flow;
    if (action == QLatin1String("set")) {
        flow = readFlowFile(config.flowArguments.value(1));
        if (!flow)
            return 2;
    }
    Database database(config.database, QStringLiteral("flow"));
    database.setLockTimeoutMs(config.databaseTimeoutMs);
    if (!openDatabase(config.database, flow.has_value(), database))
        return 1;
    FlowStore store(database);
    if (action == QLatin1String("show"))
        return show(store, config.database);
    if (action == QLatin1String("history"))
        return history(store);

    QString error;
    const QString author = flowAuthor();
    const qint64 revision = store.save(*flow, author, &error);
    if (revision <= 0) {
        std::fprintf(stderr, "flow set: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("stored call flow revision %lld by %s in %s\n", revision, qPrintable(author),
                qPrintable(config.database.toDisplayString()));
    return 0;
}

} // namespace Switchboard
