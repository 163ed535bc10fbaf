#pragma once

#include "PostgresStatements.h"
#include "VoicemailStore.h"

namespace Switchboard {

// VoicemailStore's statements on PostgreSQL, where instances write concurrently and no
// transaction spans round trips: each statement commits on its own (autocommit).
// - a voicemail's change (storeAudio(), recordDownloadFailure()): one statement, one
//   transaction, that waits for the call's lock (the one CallWriter's batches take), changes
//   the voicemail, moves the call's revision on and notifies listeners (NOTIFY on commit).
// - claimDueDownloads(): one statement, one transaction, passing over voicemails another
//   claim holds.
class PostgresVoicemailStore final : public VoicemailStore::Engine
{
public:
    explicit PostgresVoicemailStore(Database &database);
    ~PostgresVoicemailStore() override;
    Q_DISABLE_COPY_MOVE(PostgresVoicemailStore)

    QList<VoicemailStore::Download> claimDueDownloads(const QDateTime &now, int limit,
                                                      int leaseSeconds) override;
    bool storeAudio(const QString &callSid, const QByteArray &audio, const QString &sha256,
                    const QString &contentType) override;
    bool recordDownloadFailure(const QString &callSid, const QString &downloadState,
                               const QString &error, qint64 nextAttemptAtMs) override;

private:
    struct Statements;

    // A connection the server has dropped: a new one (PostgresStatements::reconnect()), or
    // false with the reason as lastError().
    bool reconnect();
    // Runs one of the statements withCallLockedAndRevised() makes, with `values` between its
    // two CallSids.
    bool changeVoicemail(QSqlQuery Statements::*update, const QString &callSid,
                         const QVariantList &values);

    PostgresStatements<Statements> m_statements;
};

} // namespace Switchboard
