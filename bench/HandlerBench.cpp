// bench-handler: the CPU a webhook handler itself costs, without HTTP and without the database:
// what WebhookServer does on its HTTP thread for each request of the service benchmark's mix,
// with the service's own functions (checkWebhook's checks, routingProblem, the call flow's
// TwiML, and the timeline row's digest and parameters), step by step, in microseconds per
// webhook.

#include "db/CallWriter.h"
#include "MediaServer.h"
#include "twilio/CallFlow.h"
#include "twilio/FormData.h"
#include "twilio/RequestSignature.h"
#include "twilio/WebhookRoutes.h"
#include "WebhookLoad.h"
#include "WebhookValidation.h"

#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <time.h>

using namespace Switchboard;

namespace {

const QString kAccountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
const QByteArray kAuthToken = "12345678901234567890123456789012";

// The CPU this thread has used: on a busy machine the elapsed time also counts the waits
// for a core.
qint64 threadCpuNs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

struct Request
{
    WebhookKind kind;
    QString url;
    QByteArray body;
    QByteArray signature;
    bool legAccepted; // what the service would read in its log (CallPlan::Step)
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("CPU per webhook of the handler alone (no HTTP, no database)."));
    parser.addHelpOption();
    const QCommandLineOption callsOption(QStringLiteral("calls"),
                                         QStringLiteral("Calls of the mix, each handled once."),
                                         QStringLiteral("n"), QStringLiteral("20000"));
    const QCommandLineOption membersOption(
        QStringLiteral("members"),
        QStringLiteral("A team of n members, screened, voicemails transcribed, and the team's "
                       "mix of calls (each member accepts, declines, lets a voicemail pick up, "
                       "is busy or does not answer); 0: today's one staff phone."),
        QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption ringOption(
        QStringLiteral("ring"), QStringLiteral("How the team is rung: simultaneous or sequential."),
        QStringLiteral("how"), QStringLiteral("simultaneous"));
    parser.addOptions({callsOption, membersOption, ringOption});
    parser.process(app);
    const int members = parser.value(membersOption).toInt();
    QString error;
    const std::shared_ptr<const FlowDefinition> team =
        CallPlan::teamFlow(members, parser.value(ringOption), &error);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "--members/--ring: %s\n", qPrintable(error));
        return 1;
    }

    MediaServer media(kAccountSid, kAuthToken);
    if (!media.listen(QHostAddress::LocalHost, 0, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    RecordingDownload::Options account;
    account.apiBase = media.baseUrl();
    account.accountSid = kAccountSid;
    account.authToken = kAuthToken;
    const CallFlowSettings settings = CallPlan::serviceSettings();
    const CallFlow flow(settings, team);

    QList<Request> requests;
    const int calls = parser.value(callsOption).toInt();
    for (int i = 0; i < calls; ++i) {
        const CallPlan plan =
            CallPlan::make(CallPlan::pick(i, members), i, kAccountSid, media, flow);
        for (const CallPlan::Step &step : plan.steps) {
            const QUrl path(step.path);
            const std::optional<WebhookKind> kind = webhookKindFromPath(path.path());
            if (!kind) {
                std::fprintf(stderr, "the mix requests %s, which is no webhook\n",
                             qPrintable(step.path));
                return 1;
            }
            const QString url = settings.publicUrl.resolved(path).toString(QUrl::FullyEncoded);
            requests.append({*kind, url, step.params.encode(),
                             RequestSignature::compute(kAuthToken, url, step.params),
                             step.legAccepted});
        }
    }

    // Each step over every request, timed on its own; then the whole handler at once.
    qint64 decodeNs = 0, signatureNs = 0, validateNs = 0, twimlNs = 0, eventNs = 0;
    qsizetype checksum = 0; // keeps the compiler from dropping work whose result is unused
    QElapsedTimer total;
    total.start();
    const qint64 cpuStartNs = threadCpuNs();
    QElapsedTimer step;
    // Made once: a std::function made per webhook would time its allocation too. The account
    // check is a parameter's: it counts with the parameters.
    const std::function<void(WebhookCheck)> lap = [&](WebhookCheck check) {
        qint64 &spent = check == WebhookCheck::Form        ? decodeNs
                        : check == WebhookCheck::Signature ? signatureNs
                                                           : validateNs;
        spent += step.nsecsElapsed();
        step.start();
    };
    for (const Request &request : requests) {
        Webhook webhook;
        webhook.kind = request.kind;
        webhook.url = request.url;
        // The service's sequence (WebhookServer::handle): its checks, then the routing query
        // against the flow (the service's snapshot of it is a shared pointer's copy).
        step.start();
        const std::optional<WebhookRefusal> refusal =
            checkWebhook(webhook, request.body, request.signature, account, lap);
        if (refusal) {
            std::fprintf(stderr, "refused %s: %s\n", qPrintable(request.url),
                         qPrintable(refusal->problem));
            return 2;
        }
        const QUrl url(request.url);
        if (const QString problem = routingProblem(webhook, url, flow.flow()); !problem.isEmpty()) {
            std::fprintf(stderr, "refused %s: %s\n", qPrintable(request.url), qPrintable(problem));
            return 3;
        }
        validateNs += step.nsecsElapsed();
        step.start();
        webhook.receivedAt = QDateTime::currentDateTimeUtc();
        flow.annotate(webhook, url);
        checksum += flow.respond(webhook, url, request.legAccepted).value_or(QByteArray()).size();
        twimlNs += step.nsecsElapsed();
        step.start();
        checksum += CallWriter::event(webhook).params.size();
        eventNs += step.nsecsElapsed();
    }
    const qint64 totalNs = total.nsecsElapsed();
    const qint64 cpuNs = threadCpuNs() - cpuStartNs;

    const double n = double(requests.size());
    std::printf("%lld webhooks of %d calls (checksum %lld); %s\n", qint64(requests.size()), calls,
                qint64(checksum),
                team ? qPrintable(QStringLiteral("a team of %1 rung %2, screened, transcribed")
                                      .arg(members)
                                      .arg(parser.value(ringOption)))
                     : "today's flow: one staff phone");
    std::printf("%-44s %8s\n", "step", "us/wh");
    const auto row = [n](const char *name, qint64 ns) {
        std::printf("%-44s %8.1f\n", name, double(ns) / n / 1000);
    };
    row("decode the form body", decodeNs);
    row("check X-Twilio-Signature (HMAC-SHA1)", signatureNs);
    row("check the parameters", validateNs);
    row("write the TwiML", twimlNs);
    row("timeline row: digest (SHA-256), parameters", eventNs);
    row("handler in all", totalNs);
    row("handler in all, CPU time", cpuNs);
    return 0;
}
