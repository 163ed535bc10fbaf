#include "ServiceConfig.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard;

// --auth-token-file refuses a token other users can read or write, but accepts what systemd's
// LoadCredential= hands over: a root-owned 0400 file with an ACL for the service user, which
// stat() shows as 0440 (the ACL mask sits in the group bits).
class TestTokenFile final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString writeToken(const QString &folder, QFileDevice::Permissions permissions)
    {
        const QString path = folder + QStringLiteral("/twilio");
        QFile file(path);
        file.remove();
        if (!file.open(QIODevice::WriteOnly))
            return {};
        file.write(
            "TWILIO_ACCOUNT_SID=AC0123456789abcdef0123456789abcdef\nTWILIO_AUTH_TOKEN=secret\n");
        file.close();
        file.setPermissions(permissions);
        return path;
    }

    std::optional<ServiceConfig> load(const QString &tokenFile, QString *error)
    {
        bool helpShown = false;
        return ServiceConfig::load({QStringLiteral("switchboard-service"),
                                    QStringLiteral("--auth-token-file"), tokenFile,
                                    QStringLiteral("--forward-to"), QStringLiteral("+15550100200")},
                                   error, &helpShown);
    }

private Q_SLOTS:
    void init() { qunsetenv("CREDENTIALS_DIRECTORY"); }
    void cleanupTestCase() { qunsetenv("CREDENTIALS_DIRECTORY"); }

    void acceptsAPrivateFile()
    {
        QString error;
        const auto config =
            load(writeToken(m_dir.path(), QFile::ReadOwner | QFile::WriteOwner), &error);
        QVERIFY2(config, qPrintable(error));
        QCOMPARE(config->authToken, QByteArrayLiteral("secret"));
    }

    void refusesAGroupReadableFile()
    {
        QString error;
        QVERIFY(!load(writeToken(m_dir.path(), QFile::ReadOwner | QFile::ReadGroup), &error));
        QVERIFY2(error.contains(QStringLiteral("lets other users read or write it")),
                 qPrintable(error));
    }

    void refusesAFileOthersCanWrite_data()
    {
        QTest::addColumn<int>("permissions");
        QTest::addColumn<QString>("mode");
        QTest::newRow("0622") << int(QFile::ReadOwner | QFile::WriteOwner | QFile::WriteGroup |
                                     QFile::WriteOther)
                              << QStringLiteral("0622");
        QTest::newRow("0620") << int(QFile::ReadOwner | QFile::WriteOwner | QFile::WriteGroup)
                              << QStringLiteral("0620");
        QTest::newRow("0602") << int(QFile::ReadOwner | QFile::WriteOwner | QFile::WriteOther)
                              << QStringLiteral("0602");
        QTest::newRow("0610") << int(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeGroup)
                              << QStringLiteral("0610");
    }

    void refusesAFileOthersCanWrite()
    {
        // Whoever can write the token can put in one of their own choosing.
        QFETCH(int, permissions);
        QFETCH(QString, mode);
        QString error;
        const QString path =
            writeToken(m_dir.path(), QFileDevice::Permissions::fromInt(permissions));
        QVERIFY(!load(path, &error));
        QCOMPARE(error, QStringLiteral("--auth-token-file: %1 (mode %2) lets other users read or "
                                       "write it; chmod 600 it")
                            .arg(path, mode));
    }

    void refusesAGroupWritableSystemdCredential()
    {
        const QString credentials = m_dir.filePath(QStringLiteral("credentials"));
        QVERIFY(QDir().mkpath(credentials));
        qputenv("CREDENTIALS_DIRECTORY", credentials.toLocal8Bit());
        QString error;
        QVERIFY(
            !load(writeToken(credentials, QFile::ReadOwner | QFile::ReadGroup | QFile::WriteGroup),
                  &error));
        QVERIFY2(error.contains(QStringLiteral("chmod 600")), qPrintable(error));
    }

    void acceptsASystemdCredential()
    {
        const QString credentials = m_dir.filePath(QStringLiteral("credentials"));
        QVERIFY(QDir().mkpath(credentials));
        qputenv("CREDENTIALS_DIRECTORY", credentials.toLocal8Bit());
        QString error;
        const auto config =
            load(writeToken(credentials, QFile::ReadOwner | QFile::ReadGroup), &error);
        QVERIFY2(config, qPrintable(error));
        QCOMPARE(config->authToken, QByteArrayLiteral("secret"));
    }

    void refusesAWorldReadableCredential()
    {
        const QString credentials = m_dir.filePath(QStringLiteral("credentials"));
        QVERIFY(QDir().mkpath(credentials));
        qputenv("CREDENTIALS_DIRECTORY", credentials.toLocal8Bit());
        QString error;
        QVERIFY(
            !load(writeToken(credentials, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther),
                  &error));
    }

    void groupReadableElsewhereStaysRefusedUnderSystemd()
    {
        qputenv("CREDENTIALS_DIRECTORY",
                m_dir.filePath(QStringLiteral("credentials")).toLocal8Bit());
        QString error;
        QVERIFY(!load(writeToken(m_dir.path(), QFile::ReadOwner | QFile::ReadGroup), &error));
    }
};

QTEST_GUILESS_MAIN(TestTokenFile)
#include "TestTokenFile.moc"
