#pragma once

#include <QByteArray>
#include <QtGlobal>

namespace Switchboard::Testing {

// Tests that read or write a keyring run only on the throwaway D-Bus session that
// tests/env/with-keyring.sh or without-keyring.sh started: both set SWITCHBOARD_TEST_BUS to its
// address. Run by hand, such a test would otherwise reach the keyring of whoever runs it.
inline bool onThrowawayBus()
{
    const QByteArray bus = qgetenv("DBUS_SESSION_BUS_ADDRESS");
    return !bus.isEmpty() && bus == qgetenv("SWITCHBOARD_TEST_BUS");
}

inline constexpr char kThrowawayBusRefusal[] =
    "refused: this test reads and writes a keyring, so it runs only on a throwaway D-Bus "
    "session, never on yours: run it with tests/env/with-keyring.sh or "
    "tests/env/without-keyring.sh (or through ctest)\n";

} // namespace Switchboard::Testing
