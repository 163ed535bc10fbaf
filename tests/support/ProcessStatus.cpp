#include "ProcessStatus.h"

#include <QDir>
#include <QFile>

namespace Switchboard::Testing {
namespace {

QString procPath(qint64 pid, const char *entry)
{
    return pid == 0 ? QStringLiteral("/proc/self/%1").arg(QLatin1String(entry))
                    : QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(entry));
}

} // namespace

qint64 residentKiB(qint64 pid)
{
    QFile status(procPath(pid, "status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').constFirst().toLongLong();
    }
    return -1;
}

int openDescriptors(qint64 pid)
{
    const QDir fds(procPath(pid, "fd"));
    if (!fds.exists())
        return -1;
    // Sockets are links to nowhere: System lists them.
    return int(fds.entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot).size());
}

} // namespace Switchboard::Testing
