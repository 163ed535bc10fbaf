#pragma once

#include "ChurnLoad.h"

#include <QMap>
#include <QString>
#include <QStringList>

namespace Switchboard::Testing {

// What a churn run did and found: the figures it prints, and what it judged wrong.
struct ChurnReport
{
    ChurnOptions options;
    quint32 seed = 0;
    qint64 elapsedMs = 0;
    qint64 downloadsMs = -1;   // after the churn, until the last voicemail was fetched
    qint64 descriptorsMs = -1; // then, until the service's descriptors were back down
    int downloadsPending = -1; // voicemails in the log still to be downloaded after that wait
    int downloadsUntried = -1; // of those, never attempted (a failed attempt waits to retry)
    int callsFinished = 0;
    int webhooksSent = 0;
    int webhooksAcknowledged = 0;
    int eventsLogged = 0;
    int cutShort = 0; // signed webhooks that never arrived whole
    QMap<QString, QMap<int, int>> answers;
    qint64 rssBeforeKiB = -1;
    qint64 rssAfterKiB = -1;
    int fdsBefore = -1;
    int fdsAfter = -1;
    QString serviceGone; // empty while the service runs; else how it ended, and its last words
    int healthz = 0;
    QStringList logProblems;

    QStringList figures() const;
    // Empty when the service came through: alive and healthy, the log exact, its memory and
    // descriptors back near where they started, and every kind of client answered as it
    // should have been.
    QStringList failures() const;
};

// One churn against the real switchboard-service binary on loopback with a SQLite log of its
// own: the service started with the churn's limits, measured, churned, left to settle,
// measured again, and its log checked against what the clients were acknowledged. The test
// and the benchmark both run this; only the duration differs.
class ChurnRun final
{
public:
    static ChurnReport run(const ChurnOptions &options);
};

} // namespace Switchboard::Testing
