// bench-migration: how long an upgrade keeps the service from listening: the migrations from
// schema 2 of a SQLite call log with N timeline events, each shaped like a Twilio webhook's.
//
//   bench-migration [--events N]

#include "db/CallLogFill.h"
#include "db/Database.h"
#include "db/Migrations.h"

#include <algorithm>
#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>

using namespace Switchboard;

namespace {

constexpr int kFromVersion = 2;
constexpr int kEventsPerCall = 4;

// A status callback as Twilio sends it, about 700 bytes.
QString params(const QString &callSid)
{
    return QStringLiteral(
               "AccountSid=AC0123456789abcdef0123456789abcdef&ApiVersion=2010-04-01&CallSid=%1"
               "&CallStatus=in-progress&Called=%2B15550100100&CalledCity=SAN+FRANCISCO"
               "&CalledCountry=US&CalledState=CA&CalledZip=94105&Caller=%2B14155550100"
               "&CallerCity=OAKLAND&CallerCountry=US&CallerState=CA&CallerZip=94601"
               "&Direction=inbound&From=%2B14155550100&FromCity=OAKLAND&FromCountry=US"
               "&FromState=CA&FromZip=94601&To=%2B15550100100&ToCity=SAN+FRANCISCO&ToCountry=US"
               "&ToState=CA&ToZip=94105")
        .arg(callSid);
}

bool fill(Database &db, int events, QString *error)
{
    CallLogFill fill(db);
    bool filled = fill.begin();
    for (int i = 0; filled && i < events; ++i) {
        const QString callSid =
            QStringLiteral("CA%1").arg(i / kEventsPerCall, 32, 16, QLatin1Char('0'));
        const QString digest = QString::fromLatin1(
            QCryptographicHash::hash(QByteArray::number(i), QCryptographicHash::Sha256).toHex());
        filled =
            fill.insertStatusEvent(callSid, qint64(1764079200000) + i, digest, params(callSid));
    }
    if (filled && fill.commit())
        return true;
    *error = fill.lastError();
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Times the migrations of a SQLite call log from schema 2 to the latest."));
    parser.addHelpOption();
    const QCommandLineOption eventsOption(QStringLiteral("events"),
                                          QStringLiteral("Timeline events in the log."),
                                          QStringLiteral("n"), QStringLiteral("1000000"));
    parser.addOption(eventsOption);
    parser.process(app);
    const int events = parser.value(eventsOption).toInt();

    QTemporaryDir dir;
    const DatabaseUrl url = DatabaseUrl::sqlite(dir.filePath(QStringLiteral("calls.db")));
    QString error;
    {
        Database db(url, QStringLiteral("fill"));
        if (!db.open(&error) || !Migrations::apply(db, &error, kFromVersion) ||
            !fill(db, events, &error)) {
            std::fprintf(stderr, "cannot make a schema-%d log: %s\n", kFromVersion,
                         qPrintable(error));
            return 1;
        }
    }
    const double sizeMb = double(QFileInfo(url.path).size()) / 1e6;

    Database db(url, QStringLiteral("upgrade"));
    QElapsedTimer timer;
    timer.start();
    if (!db.open(&error) || !Migrations::apply(db, &error)) {
        std::fprintf(stderr, "migration failed: %s\n", qPrintable(error));
        return 1;
    }
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    std::printf("schema %d -> %d, %d events, %.0f MB: %.1f s (%.1f s per million events)\n",
                kFromVersion, Migrations::latestVersion(), events, sizeMb, seconds,
                seconds * 1e6 / std::max(1, events));
    return 0;
}
