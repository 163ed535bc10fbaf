#include "ServiceConfig.h"
#include "WebhookJournal.h"

#include <csignal>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <sys/resource.h>

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

    static QByteArray contents(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    static void addBytes(const QString &path, const QByteArray &bytes)
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Append));
        QCOMPARE(file.write(bytes), bytes.size());
    }

    // What an append cut short by a crash or a full disk leaves: the start of an entry.
    static QByteArray tornEntry(const QString &database)
    {
        return "{\"database\":\"" + database.toUtf8() +
               "\",\"forward_to\":\"\",\"kind\":\"status\",\"params\":[[\"CallSid\",\"CA";
    }

    static QStringList callSids(const WebhookJournal &journal)
    {
        QStringList sids;
        for (const Webhook &webhook : journal.entries())
            sids.append(webhook.callSid());
        return sids;
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

    // What the service decided about a webhook reaches the call log after a restart too.
    void routingDecisionsSurviveARestart()
    {
        const QString path = m_dir.filePath(QStringLiteral("routing.jsonl"));
        {
            WebhookJournal journal(path, m_callLogA);
            QString error;
            QVERIFY2(journal.open(&error), qPrintable(error));
            Webhook leg = webhook(QStringLiteral("CA3"));
            leg.kind = WebhookKind::LegStatus;
            leg.memberName = QStringLiteral("Alice");
            Webhook call = webhook(QStringLiteral("CA4"));
            call.kind = WebhookKind::Voice;
            call.reason = QStringLiteral("after-hours");
            QVERIFY(journal.append(leg));
            QVERIFY(journal.append(call));
        }
        WebhookJournal reopened(path, m_callLogA);
        QString error;
        QVERIFY2(reopened.open(&error), qPrintable(error));
        QCOMPARE(reopened.entries().size(), 2);
        QCOMPARE(reopened.entries().at(0).kind, WebhookKind::LegStatus);
        QCOMPARE(reopened.entries().at(0).memberName, QStringLiteral("Alice"));
        QCOMPARE(reopened.entries().at(1).reason, QStringLiteral("after-hours"));
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

    void anEntryCutShortIsCutOffAndTheNextOneReadBack()
    {
        const QString path = m_dir.filePath(QStringLiteral("torn.jsonl"));
        leaveJournal(path, m_callLogA);
        const qint64 complete = QFileInfo(path).size();
        addBytes(path, tornEntry(m_callLogA));
        {
            WebhookJournal journal(path, m_callLogA);
            QString error;
            QVERIFY2(journal.open(&error), qPrintable(error));
            QCOMPARE(callSids(journal), QStringList{QStringLiteral("CA1")});
            QCOMPARE(QFileInfo(path).size(), complete); // cut off, on disk
            QVERIFY(journal.append(webhook(QStringLiteral("CA2"))));
        }
        WebhookJournal reopened(path, m_callLogA);
        QString error;
        QVERIFY2(reopened.open(&error), qPrintable(error));
        QCOMPARE(callSids(reopened), (QStringList{QStringLiteral("CA1"), QStringLiteral("CA2")}));
    }

    void anEntryJoinedToOneCutShortIsRead()
    {
        // What versions that did not cut the torn end off wrote: the next entry on its line.
        const QString path = m_dir.filePath(QStringLiteral("joined.jsonl"));
        leaveJournal(path, m_callLogA);
        addBytes(path, tornEntry(m_callLogA));
        {
            WebhookJournal older(m_dir.filePath(QStringLiteral("joined-source.jsonl")), m_callLogA);
            QString error;
            QVERIFY2(older.open(&error), qPrintable(error));
            QVERIFY(older.append(webhook(QStringLiteral("CA2"))));
        }
        addBytes(path, contents(m_dir.filePath(QStringLiteral("joined-source.jsonl"))));
        WebhookJournal journal(path, m_callLogA);
        QString error;
        QVERIFY2(journal.open(&error), qPrintable(error));
        QCOMPARE(callSids(journal), (QStringList{QStringLiteral("CA1"), QStringLiteral("CA2")}));
    }

    void aFailedAppendLeavesNothingBehind()
    {
        // A full disk, for real: the file may grow by only part of the next entry.
        const QString path = m_dir.filePath(QStringLiteral("full.jsonl"));
        leaveJournal(path, m_callLogA);
        WebhookJournal journal(path, m_callLogA);
        QString error;
        QVERIFY2(journal.open(&error), qPrintable(error));
        const qint64 complete = QFileInfo(path).size();
        rlimit unlimited = {};
        QVERIFY(getrlimit(RLIMIT_FSIZE, &unlimited) == 0);
        const auto previous = std::signal(SIGXFSZ, SIG_IGN);
        rlimit full = unlimited;
        full.rlim_cur = rlim_t(complete + 20);
        QVERIFY(setrlimit(RLIMIT_FSIZE, &full) == 0);
        const bool appended = journal.append(webhook(QStringLiteral("CA2")));
        QVERIFY(setrlimit(RLIMIT_FSIZE, &unlimited) == 0);
        std::signal(SIGXFSZ, previous);
        QVERIFY(!appended); // not acknowledged
        QCOMPARE(QFileInfo(path).size(), complete);

        QVERIFY(journal.append(webhook(QStringLiteral("CA3")))); // the disk has room again
        WebhookJournal reopened(path, m_callLogA);
        QVERIFY2(reopened.open(&error), qPrintable(error));
        QCOMPARE(callSids(reopened), (QStringList{QStringLiteral("CA1"), QStringLiteral("CA3")}));
    }

    void unreadableLinesAreSetAsideNotDropped()
    {
        const QString path = m_dir.filePath(QStringLiteral("unreadable.jsonl"));
        addBytes(path, "not an entry\n");
        leaveJournal(path, m_callLogA);
        WebhookJournal journal(path, m_callLogA);
        QString error;
        QVERIFY2(journal.open(&error), qPrintable(error));
        QCOMPARE(callSids(journal), QStringList{QStringLiteral("CA1")});
        QVERIFY(journal.clear()); // replayed
        QCOMPARE(QFileInfo(path).size(), 0);
        QCOMPARE(contents(path + QStringLiteral(".unreadable")), QByteArray("not an entry\n"));

        // A journal of nothing but unreadable lines is emptied at once: nothing waits in it.
        addBytes(path, "still not an entry\n");
        WebhookJournal again(path, m_callLogA);
        QVERIFY2(again.open(&error), qPrintable(error));
        QVERIFY(again.isEmpty());
        QCOMPARE(QFileInfo(path).size(), 0);
        QCOMPARE(contents(path + QStringLiteral(".unreadable")),
                 QByteArray("not an entry\nstill not an entry\n"));
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
