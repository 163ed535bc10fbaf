#include "FlowCommandRun.h"

#include <QProcess>

namespace Switchboard::Testing {

FlowCommandRun runFlowCommand(const QStringList &args, const QString &databaseUrl,
                              const QProcessEnvironment &environment)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(SWITCHBOARD_SERVICE_BINARY),
                  QStringList{QStringLiteral("flow")} + args +
                      QStringList{QStringLiteral("--database"), databaseUrl});
    FlowCommandRun run;
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished(2000);
        run.err = QStringLiteral("[timed out]");
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

} // namespace Switchboard::Testing
