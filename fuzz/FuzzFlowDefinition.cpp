// FlowDefinition::fromJson, which reads every call flow revision from the database (a row anyone
// with write access to the table may have written) and every file `flow set` is given, on
// arbitrary bytes: it must not crash; what it refuses comes with a reason naming the field; what
// it accepts stays within the flow's limits, and what toJson() writes of it reads back as the
// same flow.

#include "core/FlowDefinition.h"
#include "FuzzCheck.h"

#include <cstddef>
#include <cstdint>

using namespace Switchboard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray json(reinterpret_cast<const char *>(data), qsizetype(size));
    QString problem;
    const auto flow = FlowDefinition::fromJson(json, &problem);
    if (!flow) {
        Fuzz::require(!problem.isEmpty(), "a refused flow comes with a reason");
        return 0;
    }
    Fuzz::require(flow->members.size() <= FlowDefinition::kMaxMembers, "at most kMaxMembers");
    Fuzz::require(flow->blocked.size() <= FlowDefinition::kMaxBlocked, "at most kMaxBlocked");
    Fuzz::require(flow->ringTimeoutS >= FlowDefinition::kMinRingTimeoutS &&
                      flow->ringTimeoutS <= FlowDefinition::kMaxRingTimeoutS,
                  "the ring timeout is within its bounds");
    Fuzz::require(flow->greeting.size() <= FlowDefinition::kMaxGreetingLength,
                  "the greeting is within its bound");

    const QByteArray written = flow->toJson();
    QString again;
    const auto reread = FlowDefinition::fromJson(written, &again);
    Fuzz::require(reread.has_value(), "what toJson() writes of an accepted flow is accepted");
    Fuzz::require(*reread == *flow, "fromJson(toJson(flow)) == flow");
    Fuzz::require(reread->toJson() == written, "toJson is stable");
    return 0;
}
