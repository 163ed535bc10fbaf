#include "ReliabilityLog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTest>

namespace Switchboard::Testing {

void ReliabilityLog::record(const QString &area, const QString &tried, const QString &result)
{
    const QString dir = qEnvironmentVariable("SWITCHBOARD_RELIABILITY_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    // The CTest name: the *_postgres entries run the same executable against PostgreSQL.
    const QString test =
        QCoreApplication::applicationName() +
        (qEnvironmentVariableIsSet("SWITCHBOARD_TEST_POSTGRES") ? QStringLiteral("_postgres")
                                                                : QString());
    QFile file(QDir(dir).filePath(test + QStringLiteral(".tsv")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append))
        return;
    const QString command = QStringLiteral("ctest -R '^%1$' (%2)")
                                .arg(test, QString::fromLatin1(QTest::currentTestFunction()));
    QString line =
        area + QLatin1Char('\t') + tried + QLatin1Char('\t') + command + QLatin1Char('\t') + result;
    line.replace(QLatin1Char('\n'), QLatin1Char(' ')).replace(QLatin1Char('|'), QLatin1Char('/'));
    file.write(line.toUtf8() + '\n');
}

} // namespace Switchboard::Testing
