#pragma once

#include <cstdio>
#include <cstdlib>

namespace Switchboard::Fuzz {

// A broken property must stop the run with a message: libFuzzer keeps the input that aborted,
// and the regression build fails its CTest test.
inline void require(bool holds, const char *property)
{
    if (holds)
        return;
    std::fprintf(stderr, "fuzz property violated: %s\n", property);
    std::abort();
}

} // namespace Switchboard::Fuzz
