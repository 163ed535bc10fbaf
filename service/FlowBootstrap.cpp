#include "FlowBootstrap.h"

#include "db/Database.h"
#include "db/FlowStore.h"
#include "FlowCommand.h"

#include <QJsonArray>
#include <QLoggingCategory>

namespace Switchboard {
namespace {

Q_LOGGING_CATEGORY(lcFlow, "switchboard.flow")

// The flow that does what the flags did before there was one.
std::optional<FlowDefinition> flowFromFlags(const CallFlowSettings &settings, QString *error)
{
    const QJsonObject object{
        {QStringLiteral("greeting"), settings.greeting},
        {QStringLiteral("members"),
         QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("Staff phone")},
                                {QStringLiteral("number"), settings.forwardTo}}}},
        {QStringLiteral("ring_timeout_s"), settings.ringTimeoutS},
    };
    return FlowDefinition::fromJsonObject(object, error);
}

} // namespace

QStringList flagsTheFlowReplaces()
{
    return {QStringLiteral("forward-to"), QStringLiteral("greeting"),
            QStringLiteral("ring-timeout")};
}

bool applyStoredFlow(ServiceConfig &config, QString *error)
{
    Database database(config.database, QStringLiteral("flow-bootstrap"));
    database.setLockTimeoutMs(config.databaseTimeoutMs);
    if (!database.openAndMigrate(error)) {
        *error = QStringLiteral("--database: ") + *error;
        return false;
    }
    FlowStore store(database);
    auto stored = store.current(error);
    if (!stored && !error->isEmpty()) {
        *error = QStringLiteral("--database: cannot read the call flow: ") + *error;
        return false;
    }
    if (!stored) {
        const auto flow = flowFromFlags(config.callFlow, error);
        if (!flow) {
            *error = QStringLiteral("the flags make no valid call flow: ") + *error;
            return false;
        }
        const QString author = flowAuthor() + QStringLiteral(" (flags at first start)");
        const qint64 revision = store.saveFirst(*flow, author, error);
        if (revision < 0) {
            *error = QStringLiteral("--database: cannot store the call flow: ") + *error;
            return false;
        }
        if (revision == 1) {
            qCInfo(lcFlow, "the database had no call flow: created revision 1 from the flags");
            return true;
        }
        // Another instance created it meanwhile: that one rules.
        stored = store.current(error);
        if (!stored) {
            *error = QStringLiteral("--database: cannot read the call flow: ") + *error;
            return false;
        }
    }

    if (!stored->flow) {
        // The flags carry on until a good flow is stored; the service still answers calls.
        qCWarning(lcFlow,
                  "the call flow in the database is unusable (%s): calls follow the "
                  "flags until `flow set` stores a good one",
                  qPrintable(stored->problem));
        return true;
    }
    const FlowDefinition &flow = *stored->flow;
    config.callFlow.greeting = flow.greeting;
    config.callFlow.ringTimeoutS = flow.ringTimeoutS;
    config.callFlow.forwardTo = flow.activeMembers().constFirst().number;

    QStringList ignored;
    for (const QString &name : flagsTheFlowReplaces()) {
        if (config.givenSettings.contains(name))
            ignored.append(QStringLiteral("--") + name);
    }
    if (!ignored.isEmpty())
        qCWarning(lcFlow,
                  "the call flow in the database (revision %lld) rules: ignoring %s "
                  "(change it with `switchboard-service flow set`)",
                  stored->revision, qPrintable(ignored.join(QStringLiteral(", "))));
    return true;
}

} // namespace Switchboard
