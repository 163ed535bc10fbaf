#include "FlowRevisions.h"

#include "core/FlowJson.h"
#include "db/Database.h"
#include "db/FlowCache.h"
#include "twilio/Identifiers.h"

#include <atomic>
#include <functional>
#include <QCoreApplication>
#include <QPointer>

namespace Switchboard {
namespace {

// What one piece of work on the thread ends with.
struct Outcome
{
    enum class Kind
    {
        Loaded,
        Saved,
        Conflicted,
        Blocked,
        Failed,
    };
    Kind kind = Kind::Failed;
    StoredFlow stored;
    QString number;
    qint64 revision = 0;
    QString message;

    static Outcome failure(const QString &message)
    {
        Outcome outcome;
        outcome.message = message;
        return outcome;
    }
};

} // namespace

// Runs on the thread; owns the connection, which belongs to that thread.
class FlowRevisions::Worker final
{
    Q_DECLARE_TR_FUNCTIONS(FlowRevisions)

public:
    Outcome load(const LogConnection &connection)
    {
        QString error;
        FlowStore *store = open(connection, &error);
        if (!store)
            return Outcome::failure(error);
        Outcome outcome;
        outcome.kind = Outcome::Kind::Loaded;
        const auto newest = store->current(&error);
        if (!error.isEmpty())
            return failed(tr("Could not read the call flow: %1").arg(error));
        if (newest)
            outcome.stored = *newest;
        return outcome;
    }

    Outcome save(const LogConnection &connection, const FlowDefinition &flow, qint64 expected,
                 const QString &author)
    {
        QString error;
        FlowStore *store = open(connection, &error);
        if (!store)
            return Outcome::failure(error);
        const qint64 revision = store->saveIfNewest(flow, author, expected, &error);
        if (revision < 0)
            return failed(tr("Could not save the call flow: %1").arg(error));
        Outcome outcome;
        if (revision == 0) {
            const auto newest = store->current(&error);
            if (!error.isEmpty())
                return failed(tr("Could not read the call flow: %1").arg(error));
            outcome.kind = Outcome::Kind::Conflicted;
            if (newest)
                outcome.stored = *newest;
            return outcome;
        }
        outcome.kind = Outcome::Kind::Saved;
        outcome.stored.revision = revision;
        outcome.stored.createdAt = QDateTime::currentDateTimeUtc();
        outcome.stored.author = author.left(FlowStore::kMaxAuthorLength);
        outcome.stored.flow = flow;
        return outcome;
    }

    Outcome block(const LogConnection &connection, const QString &number, const QString &author)
    {
        if (!isE164(number))
            return Outcome::failure(
                tr("%1 is not a phone number that can be blocked (an E.164 number such as "
                   "+14155550100).")
                    .arg(FlowJson::quoted(number)));
        QString error;
        FlowStore *store = open(connection, &error);
        if (!store)
            return Outcome::failure(error);
        for (int attempt = 0; attempt < kBlockAttempts; ++attempt) {
            const auto newest = store->current(&error);
            if (!error.isEmpty())
                return failed(tr("Could not read the call flow: %1").arg(error));
            if (!newest)
                return Outcome::failure(tr("The call log holds no call flow yet: start "
                                           "switchboard-service on it, or create one in Call "
                                           "Flow."));
            if (!newest->flow)
                return Outcome::failure(
                    tr("The newest call flow cannot be read (%1): open Call Flow to save a good "
                       "one.")
                        .arg(newest->problem));
            Outcome outcome;
            outcome.kind = Outcome::Kind::Blocked;
            outcome.number = number;
            FlowDefinition flow = *newest->flow;
            if (flow.blocked.contains(number))
                return outcome; // revision 0: nothing to do
            flow.blocked.append(number);
            // The checks of `flow set`, e.g. the blocklist's length.
            QString problem;
            if (!FlowDefinition::fromJson(flow.toJson(QJsonDocument::Compact), &problem))
                return Outcome::failure(tr("The call flow would not be valid: %1").arg(problem));
            outcome.revision = store->saveIfNewest(flow, author, newest->revision, &error);
            if (outcome.revision < 0)
                return failed(tr("Could not save the call flow: %1").arg(error));
            if (outcome.revision > 0)
                return outcome;
            // Another desktop saved in between: add the number to its revision.
        }
        return Outcome::failure(tr("The call flow kept changing while %1 was being blocked: "
                                   "try again.")
                                    .arg(number));
    }

    // Calls `onChange` (on this thread) with each newer valid revision from now on, across
    // reconnections.
    void watch(const LogConnection &connection, std::function<void(const StoredFlow &)> onChange)
    {
        m_onChange = std::move(onChange);
        QString error;
        if (open(connection, &error) && !m_cache)
            startCache();
    }

    void close()
    {
        m_cache.reset(); // it reads through the connection
        m_store.reset();
        m_database.reset();
    }

private:
    FlowStore *open(const LogConnection &connection, QString *error)
    {
        if (connection.isEmpty()) {
            *error = tr("No call log is set: choose one in Settings.");
            return nullptr;
        }
        if (connection != m_connection || !m_database) {
            close();
            m_connection = connection;
            static std::atomic_int counter{0};
            m_database =
                connection.open(QStringLiteral("switchboard-flow-%1").arg(++counter), error);
            if (!m_database)
                return nullptr;
            m_store = std::make_unique<FlowStore>(*m_database);
            if (m_onChange)
                startCache();
        }
        return m_store.get();
    }

    void startCache()
    {
        m_cache = std::make_unique<FlowCache>(*m_database);
        QObject::connect(m_cache.get(), &FlowCache::changed, m_cache.get(), [this] {
            if (const auto current = m_cache->current())
                m_onChange(*current);
        });
        QString error;
        if (!m_cache->start(&error))
            m_cache.reset(); // watched again once a read reopens the connection
    }

    // A query failed: the connection opens afresh next time (the server may have restarted).
    Outcome failed(const QString &message)
    {
        close();
        return Outcome::failure(message);
    }

    LogConnection m_connection;
    std::unique_ptr<Database> m_database;
    std::unique_ptr<FlowStore> m_store;
    std::unique_ptr<FlowCache> m_cache;
    std::function<void(const StoredFlow &)> m_onChange;
};

FlowRevisions::FlowRevisions(QObject *parent)
    : QObject(parent)
    , m_worker(std::make_unique<Worker>())
    , m_thread(QStringLiteral("call-flow"))
{}

FlowRevisions::~FlowRevisions()
{
    // After any work still queued: the connection closes on the thread that opened it.
    m_thread.run([worker = m_worker.get()] { worker->close(); });
}

void FlowRevisions::setConnection(const LogConnection &connection)
{
    m_connection = connection;
}

template<typename Work, typename Answer> void FlowRevisions::run(Work work, Answer answer)
{
    ++m_pending;
    QPointer<FlowRevisions> self(this);
    m_thread.post([self, worker = m_worker.get(), work = std::move(work), answer] {
        const Outcome outcome = work(*worker);
        QMetaObject::invokeMethod(self, [self, outcome, answer] {
            if (!self)
                return;
            --self->m_pending;
            answer(outcome);
        });
    });
}

void FlowRevisions::watch()
{
    QPointer<FlowRevisions> self(this);
    m_thread.post([self, worker = m_worker.get(), connection = m_connection] {
        worker->watch(connection, [self](const StoredFlow &newest) {
            QMetaObject::invokeMethod(self, [self, newest] {
                if (self)
                    Q_EMIT self->changedElsewhere(newest);
            });
        });
    });
}

void FlowRevisions::load()
{
    run([connection = m_connection](Worker &worker) { return worker.load(connection); },
        [this](const Outcome &outcome) {
            if (outcome.kind == Outcome::Kind::Loaded)
                Q_EMIT loaded(outcome.stored);
            else
                Q_EMIT failed(outcome.message);
        });
}

void FlowRevisions::save(const FlowDefinition &flow, qint64 expected, const QString &author)
{
    run([connection = m_connection, flow, expected,
         author](Worker &worker) { return worker.save(connection, flow, expected, author); },
        [this](const Outcome &outcome) {
            if (outcome.kind == Outcome::Kind::Saved)
                Q_EMIT saved(outcome.stored);
            else if (outcome.kind == Outcome::Kind::Conflicted)
                Q_EMIT conflicted(outcome.stored);
            else
                Q_EMIT failed(outcome.message);
        });
}

void FlowRevisions::block(const QString &number, const QString &author)
{
    run([connection = m_connection, number,
         author](Worker &worker) { return worker.block(connection, number, author); },
        [this](const Outcome &outcome) {
            if (outcome.kind == Outcome::Kind::Blocked)
                Q_EMIT blocked(outcome.number, outcome.revision);
            else
                Q_EMIT failed(outcome.message);
        });
}

} // namespace Switchboard
