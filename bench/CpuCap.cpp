#include "CpuCap.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace Switchboard::Bench {
namespace {

// CFS bandwidth control's usual period, as `docker run --cpus` uses.
constexpr qint64 kPeriodUs = 100000;

bool writeFile(const QString &path, const QByteArray &text, QString *error)
{
    QFile file(path);
    if (file.open(QIODevice::WriteOnly) && file.write(text) == text.size())
        return true;
    *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return false;
}

} // namespace

CpuCap::CpuCap(const QString &path)
    : m_path(path)
{}

std::unique_ptr<CpuCap> CpuCap::create(const QString &name, double cpus, QString *error)
{
    const auto quotaUs = QByteArray::number(qint64(cpus * kPeriodUs));
    // cgroup v2 (one hierarchy, cpu.max) where it is mounted, else v1's cpu controller.
    const bool v2 = QFileInfo::exists(QStringLiteral("/sys/fs/cgroup/cgroup.controllers"));
    const QString root =
        v2 ? QStringLiteral("/sys/fs/cgroup") : QStringLiteral("/sys/fs/cgroup/cpu");
    if (!v2 && !QFileInfo::exists(root + QStringLiteral("/cpu.cfs_quota_us"))) {
        *error = QStringLiteral("no cgroup cpu controller under /sys/fs/cgroup");
        return nullptr;
    }
    if (v2 && !writeFile(root + QStringLiteral("/cgroup.subtree_control"), "+cpu", error))
        return nullptr;
    const QString path = root + QLatin1Char('/') + name;
    if (!QDir().mkpath(path)) {
        *error = QStringLiteral("cannot create the cgroup %1 (root is needed)").arg(path);
        return nullptr;
    }
    std::unique_ptr<CpuCap> cap(new CpuCap(path));
    const bool limited =
        v2 ? writeFile(path + QStringLiteral("/cpu.max"),
                       quotaUs + ' ' + QByteArray::number(kPeriodUs), error)
           : writeFile(path + QStringLiteral("/cpu.cfs_period_us"), QByteArray::number(kPeriodUs),
                       error) &&
                 writeFile(path + QStringLiteral("/cpu.cfs_quota_us"), quotaUs, error);
    return limited ? std::move(cap) : nullptr;
}

CpuCap::~CpuCap()
{
    QDir().rmdir(m_path); // fails while a process is still inside: then it is left behind
}

bool CpuCap::add(qint64 pid, QString *error)
{
    return writeFile(m_path + QStringLiteral("/cgroup.procs"), QByteArray::number(pid), error);
}

} // namespace Switchboard::Bench
