// annotate-call: one team member's work on one call of a log, written through CallAnnotations,
// the code the desktop app's details pane writes with. scripts/screenshot.sh uses it to give
// its demo log the heard, done, tags and notes of a second desktop.
//
//   annotate-call --database URL --call CA... --by NAME [--heard] [--tag T]... [--note TEXT]...
//                 [--done [NOTE]]

#include "db/CallAnnotations.h"
#include "db/Database.h"
#include "db/DatabaseUrl.h"

#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>

using namespace Switchboard;

namespace {

int failed(const QString &what, const QString &error)
{
    std::fprintf(stderr, "annotate-call: %s: %s\n", qPrintable(what), qPrintable(error));
    return 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Marks one call heard or done, and adds tags and notes, as NAME."));
    parser.addHelpOption();
    const QCommandLineOption database(
        QStringLiteral("database"),
        QStringLiteral("The call log (sqlite:... or postgresql://...)."), QStringLiteral("URL"));
    const QCommandLineOption call(QStringLiteral("call"), QStringLiteral("The call's CallSid."),
                                  QStringLiteral("SID"));
    const QCommandLineOption by(QStringLiteral("by"), QStringLiteral("Who does it."),
                                QStringLiteral("NAME"));
    const QCommandLineOption heard(QStringLiteral("heard"),
                                   QStringLiteral("Mark its voicemail heard."));
    const QCommandLineOption tag(QStringLiteral("tag"), QStringLiteral("Add a tag (repeatable)."),
                                 QStringLiteral("TAG"));
    const QCommandLineOption note(
        QStringLiteral("note"), QStringLiteral("Add a note (repeatable)."), QStringLiteral("TEXT"));
    const QCommandLineOption done(QStringLiteral("done"),
                                  QStringLiteral("Mark it done, with this note (may be empty)."),
                                  QStringLiteral("NOTE"));
    parser.addOptions({database, call, by, heard, tag, note, done});
    parser.process(app);
    if (!parser.isSet(database) || !parser.isSet(call) || !parser.isSet(by))
        parser.showHelp(2);

    QString error;
    const auto url = DatabaseUrl::parse(parser.value(database), &error);
    if (!url)
        return failed(QStringLiteral("--database"), error);
    Database db(*url, QStringLiteral("annotate-call"));
    db.setCreateIfMissing(false);
    if (!db.open(&error))
        return failed(QStringLiteral("cannot open the log"), error);

    CallAnnotations annotations(db);
    const QString sid = parser.value(call);
    const QString name = parser.value(by);
    if (parser.isSet(heard) && !annotations.setHeard(sid, name, true))
        return failed(QStringLiteral("heard"), annotations.lastError());
    for (const QString &text : parser.values(tag)) {
        if (!annotations.addTag(sid, text, name))
            return failed(QStringLiteral("tag"), annotations.lastError());
    }
    for (const QString &text : parser.values(note)) {
        if (!annotations.addNote(sid, name, text))
            return failed(QStringLiteral("note"), annotations.lastError());
    }
    if (parser.isSet(done) && !annotations.markDone(sid, name, parser.value(done)))
        return failed(QStringLiteral("done"), annotations.lastError());
    return 0;
}
