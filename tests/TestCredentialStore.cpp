// The keychain for real: run under env/with-keyring.sh (a private GNOME Keyring) for
// roundTrip, and under env/without-keyring.sh or a dead bus address for noKeyring. It refuses
// to run anywhere else: the keyring it would find is the user's own.

#include "backend/CredentialStore.h"
#include "support/KeyringGuard.h"

#include <functional>
#include <QCoreApplication>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace Switchboard;

namespace {

const char readBackArgument[] = "--print-stored";

// What the store answered to one request.
struct Answer
{
    QString signal;
    TwilioCredentials credentials;
    QString message;
};

// An answer within `timeoutMs`, or "0 answers". A store without a keyring must say so at once,
// not after the 25 s D-Bus call timeout: noKeyring gives it 20 s.
Answer await(CredentialStore &store, const std::function<void()> &request, int timeoutMs = 30000)
{
    Answer answer;
    QEventLoop loop;
    int answers = 0;
    const auto take = [&](const QString &name) {
        answer.signal = name;
        ++answers;
        loop.quit();
    };
    QObject context;
    QObject::connect(&store, &CredentialStore::loaded, &context, [&](const TwilioCredentials &c) {
        answer.credentials = c;
        take(QStringLiteral("loaded"));
    });
    QObject::connect(&store, &CredentialStore::saved, &context,
                     [&] { take(QStringLiteral("saved")); });
    QObject::connect(&store, &CredentialStore::erased, &context,
                     [&] { take(QStringLiteral("erased")); });
    QObject::connect(&store, &CredentialStore::failed, &context, [&](const QString &m) {
        answer.message = m;
        take(QStringLiteral("failed"));
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    request();
    loop.exec();
    // Exactly one answer: a second one, emitted at once or queued, is in by the time an event
    // posted now comes round.
    QMetaObject::invokeMethod(&loop, &QEventLoop::quit, Qt::QueuedConnection);
    loop.exec();
    if (answers != 1)
        answer.signal = QStringLiteral("%1 answers").arg(answers);
    return answer;
}

// The child process: loads and prints what it found as JSON.
int printStored(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    CredentialStore store;
    const Answer answer = await(store, [&store] { store.load(); });
    const QJsonObject json{{QStringLiteral("signal"), answer.signal},
                           {QStringLiteral("accountSid"), answer.credentials.accountSid},
                           {QStringLiteral("authToken"), answer.credentials.authToken},
                           {QStringLiteral("message"), answer.message}};
    fputs(QJsonDocument(json).toJson(QJsonDocument::Compact).constData(), stdout);
    return 0;
}

QJsonObject readInNewProcess()
{
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(), {QString::fromLatin1(readBackArgument)});
    if (!child.waitForFinished(40000))
        return {};
    return QJsonDocument::fromJson(child.readAllStandardOutput()).object();
}

} // namespace

class TestCredentialStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip()
    {
        CredentialStore store;
        // A clean slate, whatever an earlier run left.
        QCOMPARE(await(store, [&] { store.erase(); }).signal, QStringLiteral("erased"));
        const Answer empty = await(store, [&] { store.load(); });
        QCOMPARE(empty.signal, QStringLiteral("loaded"));
        QVERIFY(!empty.credentials.isComplete());

        const TwilioCredentials first{QStringLiteral("AC0123456789abcdef0123456789abcdef"),
                                      QStringLiteral("first-token-5f1e0c2a")};
        QCOMPARE(await(store, [&] { store.save(first); }).signal, QStringLiteral("saved"));
        QJsonObject stored = readInNewProcess();
        QCOMPARE(stored.value(QStringLiteral("signal")).toString(), QStringLiteral("loaded"));
        QCOMPARE(stored.value(QStringLiteral("accountSid")).toString(), first.accountSid);
        QCOMPARE(stored.value(QStringLiteral("authToken")).toString(), first.authToken);
        QVERIFY2(!plainTextFileContains(first.authToken.toUtf8()),
                 "the Auth Token was written to a file in plain text");

        const TwilioCredentials second{QStringLiteral("ACfedcba9876543210fedcba9876543210"),
                                       QStringLiteral("second-token-77ab")};
        QCOMPARE(await(store, [&] { store.save(second); }).signal, QStringLiteral("saved"));
        stored = readInNewProcess();
        QCOMPARE(stored.value(QStringLiteral("accountSid")).toString(), second.accountSid);
        QCOMPARE(stored.value(QStringLiteral("authToken")).toString(), second.authToken);

        QCOMPARE(await(store, [&] { store.erase(); }).signal, QStringLiteral("erased"));
        stored = readInNewProcess();
        QCOMPARE(stored.value(QStringLiteral("signal")).toString(), QStringLiteral("loaded"));
        QCOMPARE(stored.value(QStringLiteral("accountSid")).toString(), QString());
        QCOMPARE(stored.value(QStringLiteral("authToken")).toString(), QString());
        // Erasing what is not there is no error.
        QCOMPARE(await(store, [&] { store.erase(); }).signal, QStringLiteral("erased"));
    }

    void noKeyring()
    {
        CredentialStore store;
        const TwilioCredentials credentials{QStringLiteral("AC0123456789abcdef0123456789abcdef"),
                                            QStringLiteral("token")};
        const std::function<void()> requests[] = {
            [&] { store.load(); }, [&] { store.save(credentials); }, [&] { store.erase(); }};
        for (const auto &request : requests) {
            QElapsedTimer clock;
            clock.start();
            const Answer answer = await(store, request, 20000);
            QCOMPARE(answer.signal, QStringLiteral("failed"));
            QVERIFY2(answer.message.startsWith(QStringLiteral("No keyring is available")),
                     qPrintable(answer.message));
            QVERIFY(answer.message.contains(QStringLiteral("only fetching voicemails")));
            qInfo("failed() after %lld ms: %s", clock.elapsed(), qPrintable(answer.message));
        }
        // No insecure fallback: nothing was saved anywhere the next load could find.
        QCOMPARE(await(store, [&] { store.load(); }).signal, QStringLiteral("failed"));
    }

private:
    // Whether any file under $HOME (the throwaway one of with-keyring.sh) holds `secret` as is.
    static bool plainTextFileContains(const QByteArray &secret)
    {
        QDirIterator files(QDir::homePath(), QDir::Files | QDir::Hidden,
                           QDirIterator::Subdirectories);
        while (files.hasNext()) {
            QFile file(files.next());
            if (file.open(QIODevice::ReadOnly) && file.readAll().contains(secret))
                return true;
        }
        return false;
    }
};

int main(int argc, char **argv)
{
    if (!Switchboard::Testing::onThrowawayBus()) {
        fputs(Switchboard::Testing::kThrowawayBusRefusal, stderr);
        return 1;
    }
    if (argc > 1 && qstrcmp(argv[1], readBackArgument) == 0)
        return printStored(argc, argv);
    QCoreApplication app(argc, argv);
    TestCredentialStore test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestCredentialStore.moc"
