#include "SimOptions.h"

#include "CallMix.h"
#include "Credentials.h"

#include <algorithm>
#include <QCommandLineParser>
#include <QRegularExpression>
#include <twilio/Identifiers.h>

namespace Switchboard {
namespace {

struct Flags
{
    QCommandLineOption service{
        QStringLiteral("service"),
        QStringLiteral("Where the service listens, e.g. http://127.0.0.1:8080 "
                       "(required). Calls POST {service}/twilio/voice and "
                       "{service}/twilio/status. Repeat it for several instances behind one "
                       "--public-url: requests go to each in turn."),
        QStringLiteral("URL")};
    QCommandLineOption publicUrl{QStringLiteral("public-url"),
                                 QStringLiteral("The service's public URL, which requests are "
                                                "signed with (default: --service)."),
                                 QStringLiteral("URL")};
    QCommandLineOption accountSid{QStringLiteral("account-sid"),
                                  QStringLiteral("Account SID (default: env TWILIO_ACCOUNT_SID)."),
                                  QStringLiteral("AC...")};
    QCommandLineOption authToken{QStringLiteral("auth-token"),
                                 QStringLiteral("Auth Token (default: env TWILIO_AUTH_TOKEN)."),
                                 QStringLiteral("TOKEN")};
    QCommandLineOption authTokenFile{QStringLiteral("auth-token-file"),
                                     QStringLiteral("File with TWILIO_ACCOUNT_SID=... and "
                                                    "TWILIO_AUTH_TOKEN=... lines."),
                                     QStringLiteral("FILE")};
    QCommandLineOption press{QStringLiteral("press"),
                             QStringLiteral("Keys the caller presses, one entry per <Gather>, "
                                            "comma-separated (e.g. 1 or 9,2; '-' = silence)."),
                             QStringLiteral("KEYS")};
    QCommandLineOption answer{QStringLiteral("answer"),
                              QStringLiteral("What the dialed phone does: talk:SECONDS, no-answer, "
                                             "busy, failed or canceled (default talk:20)."),
                              QStringLiteral("BEHAVIOUR"), QStringLiteral("talk:20")};
    QCommandLineOption legs{
        QStringLiteral("legs"),
        QStringLiteral(
            "What each member's phone does when a <Dial> rings it, e.g. "
            "\"Alice:decline,Bob:accept\": accept (answers, presses 1 at the whisper), decline "
            "(presses 9), voicemail (answers, presses nothing), busy, no-answer or failed. "
            "Entry k is for the k-th distinct number dialled in the call: the k-th <Number> of "
            "a simultaneous <Dial>, the k-th member rung one after the other (a number dialled "
            "again keeps its entry; numbers past the list do not answer). The name is for the "
            "report. Legs ring at once: busy and failed ones end first, the others answer in "
            "<Number> order and follow the <Number url> whisper; the first one bridged (the "
            "whisper's TwiML ends; without a url, on answering) wins and talks for --answer "
            "talk:SECONDS, the ones still ringing are canceled. Default: every leg does what "
            "--answer says."),
        QStringLiteral("LEGS")};
    QCommandLineOption transcription{QStringLiteral("transcription"),
                                     QStringLiteral("A <Record transcribe=\"true\" "
                                                    "transcribeCallback> gets a completed "
                                                    "transcription with this text (default: no "
                                                    "transcription callback)."),
                                     QStringLiteral("TEXT")};
    QCommandLineOption transcriptionFails{
        QStringLiteral("transcription-fails"),
        QStringLiteral("A <Record transcribe=\"true\" transcribeCallback> gets a failed "
                       "transcription.")};
    QCommandLineOption voicemailSeconds{QStringLiteral("voicemail-seconds"),
                                        QStringLiteral("How long the caller speaks at <Record>; "
                                                       "0 = silence (default 8)."),
                                        QStringLiteral("N"), QStringLiteral("8")};
    QCommandLineOption hangupAfterMessage{
        QStringLiteral("hangup-after-message"),
        QStringLiteral("End the voicemail by hanging up (Digits=hangup) instead of pressing #.")};
    QCommandLineOption hangupInMenu{QStringLiteral("hangup-in-menu"),
                                    QStringLiteral("The caller hangs up at the first <Gather>.")};
    QCommandLineOption from{QStringLiteral("from"), QStringLiteral("Caller number (E.164)."),
                            QStringLiteral("NUMBER")};
    QCommandLineOption to{QStringLiteral("to"), QStringLiteral("The Twilio number called (E.164)."),
                          QStringLiteral("NUMBER")};
    QCommandLineOption callerName{QStringLiteral("caller-name"),
                                  QStringLiteral("CallerName (caller ID name lookup)."),
                                  QStringLiteral("NAME")};
    QCommandLineOption fromCity{QStringLiteral("from-city"), QStringLiteral("FromCity."),
                                QStringLiteral("CITY")};
    QCommandLineOption fromState{QStringLiteral("from-state"), QStringLiteral("FromState."),
                                 QStringLiteral("STATE")};
    QCommandLineOption fromCountry{QStringLiteral("from-country"),
                                   QStringLiteral("FromCountry (ISO code)."), QStringLiteral("CC")};
    QCommandLineOption calls{QStringLiteral("calls"),
                             QStringLiteral("Number of calls to place (default 1)."),
                             QStringLiteral("N"), QStringLiteral("1")};
    QCommandLineOption concurrency{QStringLiteral("concurrency"),
                                   QStringLiteral("Calls in progress at once (default 1)."),
                                   QStringLiteral("K"), QStringLiteral("1")};
    QCommandLineOption mix{QStringLiteral("mix"),
                           QStringLiteral("Give each call a random realistic script: %1.")
                               .arg(callMixBranches().join(QStringLiteral(", ")))};
    QCommandLineOption seed{QStringLiteral("seed"),
                            QStringLiteral("Random seed for --mix, to repeat a run."),
                            QStringLiteral("N")};
    QCommandLineOption mediaListen{QStringLiteral("media-listen"),
                                   QStringLiteral("Address of the recordings endpoint (\"Twilio "
                                                  "API\"); port 0 picks one (default "
                                                  "127.0.0.1:8090)."),
                                   QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:8090")};
    QCommandLineOption failDownloads{QStringLiteral("fail-downloads"),
                                     QStringLiteral("The first N authenticated media requests "
                                                    "answer 500."),
                                     QStringLiteral("N"), QStringLiteral("0")};
    QCommandLineOption waitDownloads{QStringLiteral("wait-downloads"),
                                     QStringLiteral("After the calls, serve recordings until each "
                                                    "was downloaded, at most SECONDS (default 30); "
                                                    "time-out exits with 3."),
                                     QStringLiteral("SECONDS"), QStringLiteral("30")};
    QCommandLineOption noWaitDownloads{QStringLiteral("no-wait-downloads"),
                                       QStringLiteral("Exit as soon as the calls are done.")};
    QCommandLineOption duplicateCallbacks{
        QStringLiteral("duplicate-callbacks"),
        QStringLiteral("Send every status and recording-status callback twice, byte-identical.")};
    QCommandLineOption lateStatus{QStringLiteral("late-status"),
                                  QStringLiteral("After the final status callback, send this "
                                                 "earlier status (e.g. ringing) with a lower "
                                                 "SequenceNumber."),
                                  QStringLiteral("STATUS")};
    QCommandLineOption delayMs{QStringLiteral("delay-ms"),
                               QStringLiteral("Real pause before each request, for live demos."),
                               QStringLiteral("N"), QStringLiteral("0")};
    QCommandLineOption callBacks{
        QStringLiteral("call-backs"),
        QStringLiteral("Wait for N calls placed through the REST Calls endpoint (POST "
                       "/2010-04-01/Accounts/{AccountSid}/Calls.json on the --media-listen "
                       "address: the Twilio API base URL the desktop app is given), playing "
                       "both legs of each: the staff phone answers and its Url is fetched, the "
                       "<Dial> rings the caller. With --calls 0 it places no call itself."),
        QStringLiteral("N"), QStringLiteral("0")};
    QCommandLineOption callBackAnswer{
        QStringLiteral("call-back-answer"),
        QStringLiteral("What the caller's phone does when a call back dials it: talk:SECONDS, "
                       "no-answer, busy or failed (default talk:10)."),
        QStringLiteral("BEHAVIOUR"), QStringLiteral("talk:10")};
    QCommandLineOption callBackStaff{
        QStringLiteral("call-back-staff"),
        QStringLiteral("What the staff phone a call back rings first does: answer (default), "
                       "no-answer, busy or failed (then the call ends there)."),
        QStringLiteral("BEHAVIOUR"), QStringLiteral("answer")};
    QCommandLineOption waitCallBacks{
        QStringLiteral("wait-call-backs"),
        QStringLiteral("Wait for the --call-backs at most SECONDS (default 60); time-out exits "
                       "with 4."),
        QStringLiteral("SECONDS"), QStringLiteral("60")};
    QCommandLineOption json{QStringLiteral("json"),
                            QStringLiteral("Print a JSON summary of every call on stdout (the "
                                           "narration then goes to stderr).")};
};

bool toInt(const QString &text, int minimum, int *value)
{
    bool ok = false;
    const int parsed = text.toInt(&ok);
    if (!ok || parsed < minimum)
        return false;
    *value = parsed;
    return true;
}

bool parseHostPort(const QString &text, QHostAddress *address, quint16 *port)
{
    static const QRegularExpression pattern(QStringLiteral("^\\[?([^\\]]*)\\]?:(\\d+)$"));
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return false;
    const QString host = match.captured(1);
    if (host == QLatin1String("localhost"))
        *address = QHostAddress(QHostAddress::LocalHost);
    else if (host.isEmpty() || host == QLatin1String("*"))
        *address = QHostAddress(QHostAddress::Any);
    else if (!address->setAddress(host))
        return false;
    bool ok = false;
    const uint value = match.captured(2).toUInt(&ok);
    if (!ok || value > 65535)
        return false;
    *port = quint16(value);
    return true;
}

bool isHttpUrl(const QUrl &url)
{
    return url.isValid() && !url.host().isEmpty() &&
           (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"));
}

} // namespace

SimOptions::Outcome SimOptions::parse(const QStringList &arguments,
                                      const QProcessEnvironment &environment, SimOptions *options,
                                      QString *message)
{
    const Flags f;
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Plays Twilio's part for switchboard-service: places inbound calls, follows the TwiML "
        "verb by verb, serves recordings, sends status callbacks.\n"
        "Example: switchboard-sim --service http://127.0.0.1:8080 --press 2 "
        "--voicemail-seconds 12\n"
        "Exit codes: 0 all calls fine, 1 a webhook answered non-2xx or invalid TwiML, 2 bad "
        "usage, 3 recordings not downloaded in time."));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    parser.addOptions({f.service,
                       f.publicUrl,
                       f.accountSid,
                       f.authToken,
                       f.authTokenFile,
                       f.press,
                       f.answer,
                       f.legs,
                       f.transcription,
                       f.transcriptionFails,
                       f.voicemailSeconds,
                       f.hangupAfterMessage,
                       f.hangupInMenu,
                       f.from,
                       f.to,
                       f.callerName,
                       f.fromCity,
                       f.fromState,
                       f.fromCountry,
                       f.calls,
                       f.concurrency,
                       f.mix,
                       f.seed,
                       f.mediaListen,
                       f.failDownloads,
                       f.waitDownloads,
                       f.noWaitDownloads,
                       f.duplicateCallbacks,
                       f.lateStatus,
                       f.delayMs,
                       f.callBacks,
                       f.callBackAnswer,
                       f.callBackStaff,
                       f.waitCallBacks,
                       f.json});

    auto error = [&](const QString &text) {
        *message = text + QStringLiteral("\nTry --help.");
        return Outcome::Error;
    };
    if (!parser.parse(arguments))
        return error(parser.errorText());
    if (parser.isSet(help)) {
        *message = parser.helpText();
        return Outcome::ShowText;
    }
    if (parser.isSet(version)) {
        *message = QStringLiteral("switchboard-sim ") + QStringLiteral(SWITCHBOARD_VERSION);
        return Outcome::ShowText;
    }
    if (!parser.positionalArguments().isEmpty())
        return error(QStringLiteral("unexpected argument: ") +
                     parser.positionalArguments().first());

    // Where to send, and what to sign.
    if (!parser.isSet(f.service))
        return error(QStringLiteral("--service URL is required"));
    QList<QUrl> services;
    for (const QString &value : parser.values(f.service))
        services.append(QUrl(value, QUrl::StrictMode));
    const QUrl publicUrl = parser.isSet(f.publicUrl)
                               ? QUrl(parser.value(f.publicUrl), QUrl::StrictMode)
                               : services.first();
    if (!std::all_of(services.cbegin(), services.cend(), isHttpUrl) || !isHttpUrl(publicUrl))
        return error(QStringLiteral("--service and --public-url must be http(s) URLs"));
    if (services.size() > 1 && !parser.isSet(f.publicUrl))
        return error(
            QStringLiteral("several --service instances need the --public-url they share"));
    options->settings.urls = UrlMapper(services, publicUrl);

    // Credentials: flags, then the file, then the environment.
    Credentials credentials = Credentials::fromEnvironment(environment);
    if (parser.isSet(f.authTokenFile)) {
        Credentials fromFile;
        QString fileError;
        if (!Credentials::readFile(parser.value(f.authTokenFile), &fromFile, &fileError))
            return error(fileError);
        if (!fromFile.accountSid.isEmpty())
            credentials.accountSid = fromFile.accountSid;
        if (!fromFile.authToken.isEmpty())
            credentials.authToken = fromFile.authToken;
    }
    if (parser.isSet(f.accountSid))
        credentials.accountSid = parser.value(f.accountSid);
    if (parser.isSet(f.authToken))
        credentials.authToken = parser.value(f.authToken).toUtf8();
    if (!isValidSid(credentials.accountSid, QLatin1String("AC")))
        return error(QStringLiteral("an Account SID (AC + 32 hex digits) is needed: "
                                    "--account-sid, TWILIO_ACCOUNT_SID or --auth-token-file"));
    if (credentials.authToken.isEmpty())
        return error(QStringLiteral("an Auth Token is needed: --auth-token, TWILIO_AUTH_TOKEN "
                                    "or --auth-token-file"));
    options->settings.accountSid = credentials.accountSid;
    options->settings.authToken = credentials.authToken;

    // The caller.
    CallScript &script = options->plan.script;
    if (parser.isSet(f.press)) {
        static const QRegularExpression keys(QStringLiteral("^[0-9*#]+$"));
        for (QString entry : parser.value(f.press).split(QLatin1Char(','))) {
            entry = entry.trimmed();
            if (entry.isEmpty())
                entry = QStringLiteral("-");
            if (entry != QLatin1String("-") && !keys.match(entry).hasMatch())
                return error(
                    QStringLiteral("--press: \"%1\" is not keys (0-9 * #) or '-'").arg(entry));
            script.presses.append(entry);
        }
    }
    const auto farEnd = FarEnd::parse(parser.value(f.answer));
    if (!farEnd)
        return error(
            QStringLiteral("--answer must be talk:SECONDS, no-answer, busy, failed or canceled"));
    script.farEnd = *farEnd;
    if (parser.isSet(f.legs)) {
        QString legsError;
        const auto legs = LegScript::parseList(parser.value(f.legs), &legsError);
        if (!legs)
            return error(QStringLiteral("--legs: ") + legsError);
        script.legs = *legs;
    }
    if (parser.isSet(f.transcription) && parser.isSet(f.transcriptionFails))
        return error(
            QStringLiteral("--transcription and --transcription-fails exclude each other"));
    if (parser.isSet(f.transcription)) {
        script.transcription.kind = TranscriptionScript::Kind::Completed;
        script.transcription.text = parser.value(f.transcription);
    } else if (parser.isSet(f.transcriptionFails)) {
        script.transcription.kind = TranscriptionScript::Kind::Failed;
    }
    if (!toInt(parser.value(f.voicemailSeconds), 0, &script.voicemailSeconds))
        return error(QStringLiteral("--voicemail-seconds must be a number of seconds"));
    script.hangupInMenu = parser.isSet(f.hangupInMenu);
    script.hangupAfterMessage = parser.isSet(f.hangupAfterMessage);

    CallParty &party = options->settings.party;
    if (parser.isSet(f.from))
        party.from = parser.value(f.from);
    if (parser.isSet(f.to))
        party.to = parser.value(f.to);
    if (!isE164(party.from) || !isE164(party.to))
        return error(QStringLiteral("--from and --to must be E.164 numbers, e.g. +14155550142"));
    if (parser.isSet(f.callerName))
        party.callerName = parser.value(f.callerName);
    if (parser.isSet(f.fromCity))
        party.fromCity = parser.value(f.fromCity);
    if (parser.isSet(f.fromState))
        party.fromState = parser.value(f.fromState);
    if (parser.isSet(f.fromCountry))
        party.fromCountry = parser.value(f.fromCountry);

    // The run.
    if (!toInt(parser.value(f.callBacks), 0, &options->callBacks) || options->callBacks > 1000)
        return error(QStringLiteral("--call-backs must be a number from 0 to 1000"));
    const auto callBackCaller = FarEnd::parse(parser.value(f.callBackAnswer));
    if (!callBackCaller || callBackCaller->kind == FarEnd::Kind::Canceled)
        return error(QStringLiteral("--call-back-answer must be talk:SECONDS, no-answer, busy or "
                                    "failed"));
    options->callBackCaller = *callBackCaller;
    const QString staff = parser.value(f.callBackStaff);
    const auto callBackStaff =
        FarEnd::parse(staff == QLatin1String("answer") ? QStringLiteral("talk") : staff);
    if (!callBackStaff || callBackStaff->kind == FarEnd::Kind::Canceled)
        return error(QStringLiteral("--call-back-staff must be answer, no-answer, busy or failed"));
    options->callBackStaff = *callBackStaff;
    if (!toInt(parser.value(f.waitCallBacks), 1, &options->waitCallBacksSeconds))
        return error(QStringLiteral("--wait-call-backs must be a number of seconds"));
    if (!toInt(parser.value(f.calls), options->callBacks > 0 ? 0 : 1, &options->plan.calls))
        return error(QStringLiteral("--calls must be at least 1 (0 with --call-backs)"));
    if (!toInt(parser.value(f.concurrency), 1, &options->plan.concurrency))
        return error(QStringLiteral("--concurrency must be at least 1"));
    options->plan.mix = parser.isSet(f.mix);
    options->plan.varyCallers = options->plan.mix && !parser.isSet(f.from);
    if (parser.isSet(f.seed)) {
        bool ok = false;
        options->plan.seed = parser.value(f.seed).toUInt(&ok);
        if (!ok || options->plan.seed == 0)
            return error(QStringLiteral("--seed must be a positive number"));
    }
    if (!toInt(parser.value(f.delayMs), 0, &options->settings.delayMs))
        return error(QStringLiteral("--delay-ms must be a number of milliseconds"));
    options->settings.duplicateCallbacks = parser.isSet(f.duplicateCallbacks);
    if (parser.isSet(f.lateStatus)) {
        const QString status = parser.value(f.lateStatus);
        static const QStringList earlier{QStringLiteral("queued"), QStringLiteral("initiated"),
                                         QStringLiteral("ringing"), QStringLiteral("in-progress")};
        if (!earlier.contains(status))
            return error(
                QStringLiteral("--late-status must be queued, initiated, ringing or in-progress"));
        options->settings.lateStatus = status;
    }

    // The media endpoint.
    if (!parseHostPort(parser.value(f.mediaListen), &options->mediaAddress, &options->mediaPort))
        return error(QStringLiteral("--media-listen must be HOST:PORT, e.g. 127.0.0.1:8090"));
    if (!toInt(parser.value(f.failDownloads), 0, &options->failDownloads))
        return error(QStringLiteral("--fail-downloads must be a number"));
    if (!toInt(parser.value(f.waitDownloads), 0, &options->waitDownloadsSeconds))
        return error(QStringLiteral("--wait-downloads must be a number of seconds"));
    options->waitDownloads = !parser.isSet(f.noWaitDownloads);
    options->json = parser.isSet(f.json);
    return Outcome::Run;
}

} // namespace Switchboard
