#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace Switchboard::Testing {

// What one `switchboard-service flow ...` run left: its exit code (-1 when it crashed or timed
// out), its standard output and its standard error.
struct FlowCommandRun
{
    int exitCode = -1;
    QByteArray out;
    QString err;
};

// Runs `switchboard-service flow <args> --database <databaseUrl>` in `environment` and waits
// for it (30 s at most).
FlowCommandRun runFlowCommand(const QStringList &args, const QString &databaseUrl,
                              const QProcessEnvironment &environment);

} // namespace Switchboard::Testing
