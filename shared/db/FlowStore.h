#pragma once

#include "core/FlowDefinition.h"

#include <functional>
#include <optional>
#include <QDateTime>
#include <QString>

class QSqlQuery;

namespace Switchboard {

class Database;

// One revision of the call flow as stored. What a row holds is hostile: its flow is read with
// FlowDefinition::fromJson(), and a row that does not pass says why instead.
struct StoredFlow
{
    qint64 revision = 0;
    QDateTime createdAt; // UTC; invalid when the row's time is not one
    QString author;      // control characters escaped, cut to kMaxAuthorLength
    std::optional<FlowDefinition> flow;
    QString problem; // why `flow` is missing: "revision 3 is corrupt: members[0].number: ..."
};

// The revisions of the call flow in the shared database (table call_flow_revisions, numbered
// 1, 2, ...). Each save is one transaction; on PostgreSQL it notifies kChangesChannel when it
// commits, so that other instances hear of it; readers of SQLite watch PRAGMA data_version.
class FlowStore final
{
public:
    explicit FlowStore(Database &database)
        : m_database(database)
    {}
    Q_DISABLE_COPY_MOVE(FlowStore)

    static constexpr qsizetype kMaxAuthorLength = 128;
    // PostgreSQL folds unquoted channel names to lower case: this one is lower case already.
    static QString changesChannel() { return QStringLiteral("switchboard_flow"); }

    // The newest revision. Nothing, with `error` empty, when there is none yet; nothing, with
    // `error` set, when the database could not be read. A corrupt row is returned, with its
    // problem.
    std::optional<StoredFlow> current(QString *error);

    // Every revision (or the `limit` newest), newest first, until `visit` returns false. False
    // when the read failed.
    bool forEachRevision(const std::function<bool(const StoredFlow &)> &visit, QString *error,
                         int limit = -1);

    // Stores `flow` as the next revision by `author`; returns its number, 0 on failure.
    qint64 save(const FlowDefinition &flow, const QString &author, QString *error);
    // Stores `flow` as revision 1 when there is no revision yet (two instances starting together
    // create one); returns 1 when it did, 0 when a revision existed already, -1 on failure.
    qint64 saveFirst(const FlowDefinition &flow, const QString &author, QString *error);
    // Stores `flow` as revision `expected` + 1 only while `expected` is still the newest (0: there
    // is none), checked and inserted by one statement of one transaction: an editor that loaded
    // revision 7 never overwrites an 8 it has not seen. Returns the new revision's number; 0
    // when another revision came first (`error` empty), -1 on failure.
    qint64 saveIfNewest(const FlowDefinition &flow, const QString &author, qint64 expected,
                        QString *error);

private:
    qint64 insert(const FlowDefinition &flow, const QString &author, bool onlyFirst,
                  QString *error);
    // Runs `insertRow` inside one numbering transaction and announces what it stored.
    // `insertRow` returns the revision it inserted, 0 to store nothing (rolled back, `error`
    // untouched) or -1 when the query failed (its error goes to `error`).
    qint64 writeRevision(QString *error, const std::function<qint64(QSqlQuery &)> &insertRow);

    Database &m_database;
};

} // namespace Switchboard
