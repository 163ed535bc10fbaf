// Who handled what (issue #20): heard per person, done, tags and notes, on a real log of
// either engine (SWITCHBOARD_TEST_POSTGRES picks PostgreSQL), with every limit crossed and
// hostile rows read back.

#include "AppTestData.h"
#include "db/CallAnnotations.h"
#include "db/CallFeedQuery.h"
#include "db/Database.h"
#include "support/ServiceHarness.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace Switchboard;
using namespace Switchboard::Testing;

namespace {

const QString kVoicemail = QStringLiteral("CA00000000000000000000000000000001");
const QString kMissed = QStringLiteral("CA00000000000000000000000000000002");

} // namespace

class TestCallAnnotations final : public QObject
{
    Q_OBJECT

    std::unique_ptr<ServiceHarness> m_harness;
    std::unique_ptr<CallLogWriter> m_log;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<CallAnnotations> m_annotations;

    qint64 revisionOf(const QString &callSid)
    {
        QSqlQuery query(m_db->connection());
        query.prepare(QStringLiteral("SELECT revision FROM calls WHERE call_sid = ?"));
        query.addBindValue(callSid);
        return query.exec() && query.next() ? query.value(0).toLongLong() : -1;
    }

    bool exec(const QString &sql, const QVariantList &values = {})
    {
        QSqlQuery query(m_db->connection());
        query.prepare(sql);
        for (const QVariant &value : values)
            query.addBindValue(value);
        if (!query.exec())
            qWarning("%s", qPrintable(query.lastError().text()));
        return !query.lastError().isValid();
    }

    QList<CallRecord> feed(const CallFeedFilter &filter)
    {
        CallFeedQuery query(*m_db);
        return query.page(filter, std::nullopt, 100).value_or(QList<CallRecord>{});
    }

    static QStringList sids(const QList<CallRecord> &calls)
    {
        QStringList result;
        for (const CallRecord &call : calls)
            result.append(call.callSid);
        return result;
    }

private Q_SLOTS:
    void init()
    {
        m_harness = std::make_unique<ServiceHarness>();
        QString error;
        const auto url = DatabaseUrl::parse(m_harness->databaseUrl(), &error);
        QVERIFY2(url, qPrintable(error));
        m_log = std::make_unique<CallLogWriter>(*url);
        QVERIFY(m_log->isOpen());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(m_log->voicemail(kVoicemail, now.addSecs(-60), QStringLiteral("+14155550101")));
        QVERIFY(m_log->missed(kMissed, now.addSecs(-30), QStringLiteral("+14155550102")));
        m_db = m_harness->openDatabase(QStringLiteral("annotations"),
                                       ServiceHarness::Schema::AsItIs, &error);
        QVERIFY2(m_db, qPrintable(error));
        m_annotations = std::make_unique<CallAnnotations>(*m_db);
    }

    void cleanup()
    {
        m_annotations.reset();
        m_db.reset();
        m_log.reset();
        m_harness.reset();
    }

    void heardIsPerPersonAndMovesTheRevision()
    {
        const qint64 before = revisionOf(kVoicemail);
        QVERIFY2(m_annotations->setHeard(kVoicemail, QStringLiteral("Alice"), true),
                 qPrintable(m_annotations->lastError()));
        QVERIFY(revisionOf(kVoicemail) > before);
        QVERIFY(m_annotations->setHeard(kVoicemail, QStringLiteral("  Bob \t Smith "), true));
        QVERIFY(m_annotations->setHeard(kVoicemail, QStringLiteral("Alice"), true)); // again
        const auto handling = m_annotations->read(kVoicemail);
        QVERIFY(handling);
        QCOMPARE(handling->heardByNames(),
                 QStringList({QStringLiteral("Alice"), QStringLiteral("Bob Smith")}));
        QVERIFY(handling->isHeardBy(QStringLiteral("Alice")));
        QVERIFY(!handling->isHeardBy(QStringLiteral("Carol")));

        // "Unheard by me" and the counter follow the viewer.
        CallFeedFilter unheard;
        unheard.unheardOnly = true;
        unheard.viewer = QStringLiteral("Carol");
        QCOMPARE(sids(feed(unheard)), QStringList{kVoicemail});
        unheard.viewer = QStringLiteral("Alice");
        QVERIFY(feed(unheard).isEmpty());
        CallFeedQuery query(*m_db);
        const QDateTime today = QDate::currentDate().startOfDay();
        QCOMPARE(query.counters(today, QStringLiteral("Alice"))->unheardVoicemails, 0);
        QCOMPARE(query.counters(today, QStringLiteral("Carol"))->unheardVoicemails, 1);

        // The shared heard_at says when anyone first heard it, until nobody has.
        QVERIFY(m_annotations->setHeard(kVoicemail, QStringLiteral("Alice"), false));
        QCOMPARE(m_annotations->read(kVoicemail)->heardByNames(),
                 QStringList{QStringLiteral("Bob Smith")});
        QCOMPARE(query.counters(today)->unheardVoicemails, 0);
        QVERIFY(m_annotations->setHeard(kVoicemail, QStringLiteral("Bob Smith"), false));
        QCOMPARE(query.counters(today)->unheardVoicemails, 1);

        // Only a voicemail can be heard, only a call in the log can be marked.
        QVERIFY(!m_annotations->setHeard(kMissed, QStringLiteral("Alice"), true));
        QVERIFY(m_annotations->lastError().contains(QLatin1String("no voicemail")));
        QVERIFY(!m_annotations->setHeard(QStringLiteral("CAnope"), QStringLiteral("Alice"), true));
        QVERIFY(m_annotations->lastError().contains(QLatin1String("not in the log")));
    }

    void heardBeforeNamesCountsForEveryone()
    {
        // What migration 7 made of the one shared heard_at.
        QVERIFY(exec(QStringLiteral(
                         "INSERT INTO call_heard (call_sid, heard_by, heard_at) VALUES (?, '', 1)"),
                     {kVoicemail}));
        const auto handling = m_annotations->read(kVoicemail);
        QVERIFY(handling->isHeardBy(QStringLiteral("Anyone")));
        QVERIFY(handling->heardByNames().isEmpty());
        CallFeedFilter unheard;
        unheard.unheardOnly = true;
        unheard.viewer = QStringLiteral("Anyone");
        QVERIFY(feed(unheard).isEmpty());
        // Taking one's mark back takes the anonymous one too.
        QVERIFY(m_annotations->setHeard(kVoicemail, QStringLiteral("Anyone"), false));
        QCOMPARE(sids(feed(unheard)), QStringList{kVoicemail});
    }

    void doneWithANoteCanBeUndone()
    {
        CallFeedFilter open;
        open.openOnly = true;
        QCOMPARE(sids(feed(open)), QStringList({kMissed, kVoicemail}));
        QVERIFY(m_annotations->markDone(kMissed, QStringLiteral("Alice"),
                                        QStringLiteral("Called back,\r\nleft a message")));
        auto handling = m_annotations->read(kMissed);
        QVERIFY(handling->done);
        QCOMPARE(handling->done->by, QStringLiteral("Alice"));
        QCOMPARE(handling->done->note, QStringLiteral("Called back,\nleft a message"));
        QVERIFY(qAbs(handling->done->at.secsTo(QDateTime::currentDateTimeUtc())) < 60);
        QCOMPARE(sids(feed(open)), QStringList{kVoicemail});
        // Marked again by another: the last one counts.
        QVERIFY(m_annotations->markDone(kMissed, QStringLiteral("Bob")));
        QCOMPARE(m_annotations->read(kMissed)->done->by, QStringLiteral("Bob"));
        QVERIFY(m_annotations->reopen(kMissed));
        QVERIFY(!m_annotations->read(kMissed)->done);
        QCOMPARE(sids(feed(open)), QStringList({kMissed, kVoicemail}));
    }

    void tagsAreNormalisedLimitedAndFiltered()
    {
        QVERIFY(m_annotations->addTag(kMissed, QStringLiteral("  Urgent "), QStringLiteral("A")));
        QVERIFY(m_annotations->addTag(kMissed, QStringLiteral("URGENT"), QStringLiteral("B")));
        QVERIFY(m_annotations->addTag(kMissed, QStringLiteral("sales\tlead"), QStringLiteral("A")));
        QVERIFY(m_annotations->addTag(kVoicemail, QStringLiteral("urgent"), QStringLiteral("A")));
        QCOMPARE(m_annotations->read(kMissed)->tags,
                 QStringList({QStringLiteral("sales lead"), QStringLiteral("urgent")}));
        QCOMPARE(*m_annotations->tagsInUse(),
                 QStringList({QStringLiteral("urgent"), QStringLiteral("sales lead")}));
        CallFeedFilter tagged;
        tagged.tag = QStringLiteral("Sales Lead");
        QCOMPARE(sids(feed(tagged)), QStringList{kMissed});

        // Limits: the length of a tag, the tags of a call, an empty tag.
        QVERIFY(m_annotations->addTag(kMissed, QString(CallAnnotations::kMaxTagChars, u'x'),
                                      QStringLiteral("A")));
        QVERIFY(!m_annotations->addTag(kMissed, QString(CallAnnotations::kMaxTagChars + 1, u'y'),
                                       QStringLiteral("A")));
        QVERIFY(!m_annotations->addTag(kMissed, QStringLiteral(" \u0007 "), QStringLiteral("A")));
        for (int i = 3; i < CallAnnotations::kMaxTagsPerCall; ++i)
            QVERIFY(
                m_annotations->addTag(kMissed, QStringLiteral("t%1").arg(i), QStringLiteral("A")));
        QCOMPARE(m_annotations->read(kMissed)->tags.size(), CallAnnotations::kMaxTagsPerCall);
        QVERIFY(
            !m_annotations->addTag(kMissed, QStringLiteral("one too many"), QStringLiteral("A")));
        QVERIFY(m_annotations->lastError().contains(QLatin1String("at most")));
        // A tag it has already is no new one.
        QVERIFY(m_annotations->addTag(kMissed, QStringLiteral("Urgent"), QStringLiteral("A")));
        QVERIFY(m_annotations->removeTag(kMissed, QStringLiteral("URGENT")));
        QVERIFY(!m_annotations->read(kMissed)->tags.contains(QStringLiteral("urgent")));
    }

    void notesKeepTheirAuthorsAndLimits()
    {
        QVERIFY(m_annotations->addNote(kMissed, QStringLiteral("Alice"),
                                       QStringLiteral("<b>not bold</b>")));
        QVERIFY(m_annotations->addNote(kMissed, QStringLiteral("Bob"), QStringLiteral("second")));
        auto handling = m_annotations->read(kMissed);
        QCOMPARE(handling->notes.size(), 2);
        QCOMPARE(handling->noteCount, 2);
        QCOMPARE(handling->notes.at(0).author, QStringLiteral("Alice"));
        QCOMPARE(handling->notes.at(0).text, QStringLiteral("<b>not bold</b>"));
        QCOMPARE(handling->notes.at(1).author, QStringLiteral("Bob"));
        QCOMPARE(m_annotations->summaries({kMissed})->value(kMissed).noteCount, 2);
        QVERIFY(m_annotations->summaries({kMissed})->value(kMissed).notes.isEmpty());

        // Limits: a note's length, an empty note, a name's length, the notes of a call.
        QVERIFY(m_annotations->addNote(kMissed, QStringLiteral("A"),
                                       QString(CallAnnotations::kMaxNoteChars, u'n')));
        QVERIFY(!m_annotations->addNote(kMissed, QStringLiteral("A"),
                                        QString(CallAnnotations::kMaxNoteChars + 1, u'n')));
        QVERIFY(!m_annotations->addNote(kMissed, QStringLiteral("A"), QStringLiteral(" \n ")));
        QVERIFY(m_annotations->addNote(kMissed, QString(CallAnnotations::kMaxNameChars, u'a'),
                                       QStringLiteral("x")));
        QVERIFY(!m_annotations->addNote(kMissed, QString(CallAnnotations::kMaxNameChars + 1, u'a'),
                                        QStringLiteral("x")));
        QVERIFY(!m_annotations->markDone(kMissed, QString(), QStringLiteral("x")));
        QVERIFY(!m_annotations->markDone(kMissed, QStringLiteral("A"),
                                         QString(CallAnnotations::kMaxNoteChars + 1, u'n')));
        for (int i = 4; i < CallAnnotations::kMaxNotesPerCall; ++i)
            QVERIFY(m_annotations->addNote(kMissed, QStringLiteral("A"), QString::number(i)));
        QVERIFY(!m_annotations->addNote(kMissed, QStringLiteral("A"), QStringLiteral("more")));
        QCOMPARE(m_annotations->read(kMissed)->notes.size(), CallAnnotations::kMaxNotesPerCall);
    }

    void hostileRowsAreCheckedWhenRead()
    {
        // Rows another program wrote, past every limit the writer keeps.
        const QString hugeName = QString(100000, u'N');
        const QString hugeNote = QString(100000, u'x');
        QVERIFY(exec(QStringLiteral("INSERT INTO call_notes (call_sid, author, created_at, body)"
                                    " VALUES (?, ?, 1, ?)"),
                     {kMissed, QString(QStringLiteral("Eve\u202e\u0001") + hugeName), hugeNote}));
        QVERIFY(exec(QStringLiteral("INSERT INTO call_tags (call_sid, tag, tagged_by, tagged_at)"
                                    " VALUES (?, ?, 'e', 1), (?, ?, 'e', 1), (?, ?, 'e', 1)"),
                     {kMissed, QStringLiteral("  Bad\u0001Tag "), kMissed, QStringLiteral(" \t"),
                      kMissed, QString(1000, u't')}));
        QVERIFY(exec(QStringLiteral("INSERT INTO call_done (call_sid, done_by, done_at, note)"
                                    " VALUES (?, ?, 1, ?)"),
                     {kMissed, hugeName, hugeNote}));
        const auto handling = m_annotations->read(kMissed);
        QVERIFY(handling);
        QCOMPARE(handling->notes.size(), 1);
        QVERIFY(handling->notes.at(0).author.startsWith(QLatin1String("Eve ")));
        QCOMPARE(handling->notes.at(0).author.size(), CallAnnotations::kMaxNameChars);
        QCOMPARE(handling->notes.at(0).text.size(), CallAnnotations::kMaxNoteChars);
        QCOMPARE(handling->done->by.size(), CallAnnotations::kMaxNameChars);
        QCOMPARE(handling->done->note.size(), CallAnnotations::kMaxNoteChars);
        QCOMPARE(handling->tags, QStringList({QStringLiteral("bad tag"),
                                              QString(CallAnnotations::kMaxTagChars, u't')}));
    }
};

QTEST_GUILESS_MAIN(TestCallAnnotations)
#include "TestCallAnnotations.moc"
