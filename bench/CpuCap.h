#pragma once

#include <memory>
#include <QString>

namespace Switchboard::Bench {

// A CPU limit for a group of processes (a Linux cgroup with the cpu controller, v2 or v1):
// one service instance capped this way stands in for an instance on a machine of its own,
// so that scaling out can be measured on one machine. Needs root; the group is removed again
// when this is destroyed (after its processes have ended).
class CpuCap final
{
    Q_DISABLE_COPY_MOVE(CpuCap)

public:
    // `cpus`: the share of one core the group may use, e.g. 0.3. Null and `error` set when
    // cgroups cannot be written here.
    static std::unique_ptr<CpuCap> create(const QString &name, double cpus, QString *error);
    ~CpuCap();

    // Moves a process, all its threads, into the group.
    bool add(qint64 pid, QString *error);

private:
    explicit CpuCap(const QString &path);

    QString m_path;
};

} // namespace Switchboard::Bench
