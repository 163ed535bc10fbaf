#pragma once

#include <QtGlobal>

namespace Switchboard::Testing {

// What /proc says of a process (0: this one); -1 when it cannot be read.
qint64 residentKiB(qint64 pid = 0);
int openDescriptors(qint64 pid);

} // namespace Switchboard::Testing
