#pragma once

#include <QByteArray>
#include <QFile>

namespace Switchboard::Testing {

// The example of issue #19 as the documentation ships it (docs/examples/call-flow.json): one
// file, so what users copy is what the tests check. Header-only because the path comes from the
// SWITCHBOARD_EXAMPLE_FLOW definition of the test that includes it.
inline QByteArray documentedExampleFlow()
{
    QFile file(QStringLiteral(SWITCHBOARD_EXAMPLE_FLOW));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", SWITCHBOARD_EXAMPLE_FLOW);
    return file.readAll();
}

} // namespace Switchboard::Testing
