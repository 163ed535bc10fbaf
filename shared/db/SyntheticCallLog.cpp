#include "SyntheticCallLog.h"

#include "CallLogFill.h"
#include "core/CallRecord.h"

#include <algorithm>
#include <QDateTime>
#include <QVariant>

namespace Switchboard {
namespace {

const char *const kCallerNames[] = {"Ada Lovelace",
                                    "Grace Hopper",
                                    "Alan Turing",
                                    "",
                                    "Katherine Johnson",
                                    "Margaret Hamilton",
                                    "",
                                    "Linus Pauling",
                                    "Hedy Lamarr",
                                    "",
                                    "Barbara Liskov",
                                    "Dennis Ritchie",
                                    "",
                                    "Frances Allen",
                                    "Ken Thompson",
                                    "Radia Perlman"};
const char *const kCities[][3] = {{"Portland", "OR", "US"}, {"Austin", "TX", "US"},
                                  {"Boston", "MA", "US"},   {"Denver", "CO", "US"},
                                  {"", "", "US"},           {"Toronto", "ON", "CA"},
                                  {"Seattle", "WA", "US"},  {"Chicago", "IL", "US"}};
const char *const kMembers[][2] = {
    {"Ada Lovelace", "+15035550101"},      {"Grace Hopper", "+15035550102"},
    {"Alan Turing", "+15035550103"},       {"Katherine Johnson", "+15035550104"},
    {"Margaret Hamilton", "+15035550105"}, {"Hedy Lamarr", "+15035550106"},
    {"Barbara Liskov", "+15035550107"},    {"Radia Perlman", "+15035550108"}};
const QString kStaffPhone = QStringLiteral("+15035550142");
constexpr qint64 kDayMs = 24 * 3600 * 1000;

// What the caller did, and how Twilio's dial ended: all a call's outcome is decided from.
CallRecord whatHappened(int kind)
{
    CallRecord call;
    call.status = CallStatus::Completed;
    if (kind < 70) {
        call.menuChoice = MenuChoice::Forward;
        call.forwardedTo = kStaffPhone;
        call.dialStatus = kind < 55   ? QStringLiteral("completed")
                          : kind < 66 ? QStringLiteral("no-answer")
                          : kind < 69 ? QStringLiteral("busy")
                                      : QStringLiteral("failed");
    } else if (kind < 90) {
        call.menuChoice = MenuChoice::Voicemail;
        call.voicemail = Voicemail{};
    } else if (kind < 92) {
        call.routingReason = CallReason::Blocked;
    }
    return call;
}

QString sidOf(const char *prefix, qint64 i)
{
    return QLatin1String(prefix) + QStringLiteral("%1").arg(i, 32, 16, QLatin1Char('0'));
}

// The voicemails row of call `i`, left at `stored`: heard from a minute to two days later by
// seven in ten, when that time has come; one in 17 not downloaded yet.
QVariantList voicemailRow(qint64 i, quint64 hash, qint64 stored, qint64 now)
{
    const qint64 heardAt = stored + 60000 + qint64((hash >> 5) % (2 * kDayMs));
    const bool heard = (hash >> 13) % 10 < 7 && heardAt <= now;
    return {sidOf("CA", i),
            sidOf("RE", i),
            QStringLiteral("https://api.twilio.com/recordings/RE%1").arg(i),
            5 + int(i % 55),
            stored,
            i % 17 == 0 ? QStringLiteral("pending") : QStringLiteral("downloaded"),
            heard ? QVariant(heardAt) : QVariant(QMetaType::fromType<qint64>())};
}

} // namespace

bool writeSyntheticCallLog(Database &db, qint64 calls, qint64 spanMs, QString *error)
{
    CallLogFill fill(db);
    const auto failed = [&] {
        *error = fill.lastError();
        return false;
    };
    if (!fill.begin() || !fill.clear())
        return failed();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 step = std::max<qint64>(1, spanMs / std::max<qint64>(1, calls));
    for (qint64 i = 0; i < calls; ++i) {
        const quint64 hash = quint64(i) * 2654435761ULL;
        const qint64 started =
            now - 120000 - (calls - 1 - i) * step - (i * 7919) % std::max<qint64>(1, step / 2);
        const int durationS = 20 + int(hash % 600);
        const CallRecord call = whatHappened(int((hash >> 7) % 100));
        const Outcome outcome = call.outcome();
        const bool answered = outcome == Outcome::Answered;
        const char *const *member = kMembers[(hash >> 11) % 8];
        const char *const *city = kCities[(i * 31) % 8];
        const QString menu = menuChoiceToString(call.menuChoice);
        if (!fill.insertAnsweredCall(
                {sidOf("CA", i),
                 QStringLiteral("ACbench"),
                 QStringLiteral("+1%1555%2")
                     .arg(200 + i % 700)
                     .arg(i % 10000, 4, 10, QLatin1Char('0')),
                 QStringLiteral("+15035550100"),
                 QString::fromLatin1(kCallerNames[i % 16]),
                 QString::fromLatin1(city[0]),
                 QString::fromLatin1(city[1]),
                 QString::fromLatin1(city[2]),
                 started,
                 answered ? QVariant(started + 3000 + qint64((hash >> 3) % 37000))
                          : QVariant(QMetaType::fromType<qint64>()),
                 started + durationS * 1000LL,
                 callStatusToString(call.status),
                 durationS,
                 menu.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(menu),
                 call.forwardedTo.isNull() ? QStringLiteral("") : call.forwardedTo,
                 call.dialStatus.isNull() ? QStringLiteral("") : call.dialStatus,
                 answered ? QVariant(durationS - 10) : QVariant(QMetaType::fromType<int>()),
                 outcomeToString(outcome),
                 i + 1,
                 answered ? QString::fromLatin1(member[0]) : QStringLiteral(""),
                 answered ? QString::fromLatin1(member[1]) : QStringLiteral(""),
                 callDirectionToString(call.direction)}))
            return failed();
        if (call.voicemail &&
            !fill.insertVoicemail(voicemailRow(i, hash, started + durationS * 1000LL, now)))
            return failed();
    }
    if (!fill.commit() || !fill.settle())
        return failed();
    return true;
}

} // namespace Switchboard
