#include "ServiceConfig.h"
#include "WebhookJournal.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Switchboard;

// The journal keeps webhooks the database could not take; what it holds is written to the
// database it was meant for, and never to another one.
class TestWebhookJournal final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    const QString m_callLogA = QStringLiteral("postgresql://switchboard@db.example:5432/a");
    const QString m_callLogB = QStringLiteral("postgresql://switchboard@db.example:5432/b");

    static Webhook webhook(const QString &callSid)
    {
        Webhook webhook;
        webhook.kind = WebhookKind::Status;
        webhook.url = QStringLiteral("https://switchboard.example/twilio/status");
        webhook.receivedAt = QDateTime::fromMSecsSinceEpoch(1764000000000, Qt::UTC);
        webhook.params.add(QStringLiteral("CallSid"), callSid);
        webhook.params.add(QStringLiteral("CallStatus"), QStringLiteral("completed"));
        return webhook;
    }

    // A journal left by a service on `database`, holding one webhook.
    static void leaveJournal(const QString &path, const QString &database)
    {
        WebhookJournal journal(path, database);
        QString error;
        QVERIFY2(journal.open(&error), qPrintable(error));
        QVERIFY(journal.append(webhook(QStringLiteral("CA1"))));
    }

    static QString journalPath(const QStringList &arguments)
    {
        QString error;
        bool helpShown = false;
        const auto config = ServiceConfig::load(QStringList{QStringLiteral("switchboard-service"),
                                                            QStringLiteral("--forward-to"),
                                                            QStringLiteral("+15550100200")} +
                                                    arguments,
                                                &error, &helpShown);
        return config ? config->journalPath : QStringLiteral("error: ") + error;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef");
        qputenv("TWILIO_AUTH_TOKEN", "secret");
    }

    void entriesSurviveARestart()
    {
        const QString path = m_dir.filePath(QStringLiteral("restart.jsonl"));
        leaveJournal(path, m_callLogA);
        {
            WebhookJournal journal(path, m_callLogA);
            QString error;
            QVERIFY2(journal.open(&error), qPrintable(error));
            QVERIFY(journal.append(webhook(QStringLiteral("CA2"))));
        }
        WebhookJournal reopened(path, m_callLogA);
        QString error;
        QVERIFY2(reopened.open(&error), qPrintable(error));
        QCOMPARE(reopened.entries().size(), 2);
        QCOMPARE(reopened.entries().at(1).callSid(), QStringLiteral("CA2"));
        QCOMPARE(reopened.entries().at(0).params.value(QStringLiteral("CallStatus")),
                 QStringLiteral("completed"));
        QCOMPARE(reopened.entries().at(0).receivedAt, webhook(QString()).receivedAt);
    }

    void anotherDatabasesJournalIsRefused()
    {
        const QString path = m_dir.filePath(QStringLiteral("shared.jsonl"));
        leaveJournal(path, m_callLogA);
        WebhookJournal other(path, m_callLogB);
        QString error;
        QVERIFY(!other.open(&error));
        QVERIFY(other.isEmpty());
        QVERIFY2(error.startsWith(QLatin1String("--journal: ")), qPrintable(error));
        QVERIFY2(error.contains(m_callLogA) && error.contains(QLatin1String("1 webhooks")),
                 qPrintable(error));

        // Still there, for the database it belongs to.
        WebhookJournal owner(path, m_callLogA);
        QVERIFY2(owner.open(&error), qPrintable(error));
        QCOMPARE(owner.entries().size(), 1);
    }

    void entriesFromBeforeDatabasesWereNamedAreKept()
    {
        const QString path = m_dir.filePath(QStringLiteral("older.jsonl"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"kind":"status","received_ms":1764000000000,)"
                   R"("url":"https://switchboard.example/twilio/status","forward_to":"",)"
                   R"("params":[["CallSid","CA9"],["CallStatus","completed"]]})"
                   "\n");
        file.close();
        WebhookJournal journal(path, m_callLogB);
        QString error;
        QVERIFY2(journal.open(&error), qPrintable(error));
        QCOMPARE(journal.entries().size(), 1);
        QCOMPARE(journal.entries().constFirst().callSid(), QStringLiteral("CA9"));
    }

    void eachDatabaseAndPortHasItsOwnJournal()
    {
        const auto path = [](const QString &database, const QString &listen) {
            return journalPath(
                {QStringLiteral("--database"), database, QStringLiteral("--listen"), listen});
        };
        const QString a = path(m_callLogA, QStringLiteral("127.0.0.1:8080"));
        QVERIFY2(!a.startsWith(QLatin1String("error")), qPrintable(a));
        QCOMPARE(path(m_callLogA, QStringLiteral("127.0.0.1:8080")), a);
        QVERIFY(path(m_callLogB, QStringLiteral("127.0.0.1:8080")) != a);
        QVERIFY(path(m_callLogA, QStringLiteral("127.0.0.1:8081")) != a);
        const QString sqlite = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("c.db"));
        QCOMPARE(path(sqlite, QStringLiteral("127.0.0.1:8080")),
                 m_dir.filePath(QStringLiteral("c.db.journal")));
    }
};

QTEST_GUILESS_MAIN(TestWebhookJournal)
#include "TestWebhookJournal.moc"
