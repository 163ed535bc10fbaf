#pragma once

#include "VoicemailStore.h"

#include <QSqlQuery>

namespace Switchboard {

// VoicemailStore's statements on SQLite, where one writer at a time holds the whole database.
// A voicemail's change (storeAudio(), recordDownloadFailure()) and its call's new revision are
// two statements in one write transaction (BEGIN IMMEDIATE), committed when the method returns
// true; claimDueDownloads() is one statement.
class SqliteVoicemailStore final : public VoicemailStore::Engine
{
public:
    explicit SqliteVoicemailStore(Database &database);
    Q_DISABLE_COPY_MOVE(SqliteVoicemailStore)

    QList<VoicemailStore::Download> claimDueDownloads(const QDateTime &now, int limit,
                                                      int leaseSeconds) override;
    bool storeAudio(const QString &callSid, const QByteArray &audio, const QString &sha256,
                    const QString &contentType) override;
    bool recordDownloadFailure(const QString &callSid, const QString &downloadState,
                               const QString &error, qint64 nextAttemptAtMs) override;

private:
    // Runs `update` with `values` then the CallSid, and moves the call's revision on, in one
    // transaction.
    bool changeVoicemail(QSqlQuery &update, const QString &callSid, const QVariantList &values);
    bool changeAndRevise(QSqlQuery &update, const QString &callSid, const QVariantList &values);

    // Prepared once: preparing costs more than running these statements.
    QSqlQuery m_claimDueDownloads;
    QSqlQuery m_storeAudio;
    QSqlQuery m_downloadFailed;
    QSqlQuery m_bumpRevision;
    QSqlQuery m_control;
};

} // namespace Switchboard
