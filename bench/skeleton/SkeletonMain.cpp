// bench-skeleton: the floor the service is measured against (bench-service runs both). What the
// service cannot do without and nothing more: QHttpServer, SQLite in WAL mode with the
// service's settings, one writer thread committing in groups, and a POST to any path answered
// with a trivial body once its row is committed. Its threads are the service's (connections
// dealt in turn to HTTP threads whose handlers wait for their commit), or, with --mode async,
// one HTTP thread whose handlers hand the answer to the commit and return.

#include "GroupCommitWriter.h"

#include <cstdio>
#include <memory>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <unistd.h>
#include <vector>

using namespace Switchboard;
using Switchboard::Bench::GroupCommitWriter;

namespace {

const QByteArray kAnswer = QByteArrayLiteral("<Response/>");
const QByteArray kMimeType = QByteArrayLiteral("text/xml");

// Connections accepted on the main thread are served here, as the service's ConnectionGuard
// serves the connections dealt to its thread.
class DealtServer final : public QTcpServer
{
    Q_DISABLE_COPY_MOVE(DealtServer)

public:
    DealtServer() = default;

    void serve(qintptr descriptor)
    {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        addPendingConnection(socket);
        Q_EMIT newConnection();
    }
};

// An answer handed to the commit: written on its HTTP thread, and only while its connection
// is still there (QHttpServerResponder 6.4 holds a raw socket pointer).
struct LaterAnswer
{
    explicit LaterAnswer(QHttpServerResponder &&responder)
        : socket(responder.socket())
        , responder(std::move(responder))
    {}

    QPointer<QTcpSocket> socket;
    QHttpServerResponder responder;
};

struct HttpThread
{
    explicit HttpThread(int number)
        : thread(QStringLiteral("http-%1").arg(number))
    {}

    WorkerThread thread;
    // Live on `thread`.
    DealtServer *connections = nullptr;
    QHttpServer *http = nullptr;
};

class Acceptor final : public QTcpServer
{
    Q_DISABLE_COPY_MOVE(Acceptor)

public:
    explicit Acceptor(const std::vector<std::unique_ptr<HttpThread>> &threads)
        : m_threads(threads)
    {}

protected:
    void incomingConnection(qintptr descriptor) override
    {
        DealtServer *server = m_threads[m_dealt++ % m_threads.size()]->connections;
        QMetaObject::invokeMethod(server, [server, descriptor] { server->serve(descriptor); });
    }

private:
    const std::vector<std::unique_ptr<HttpThread>> &m_threads;
    std::size_t m_dealt = 0;
};

void handle(GroupCommitWriter &writer, bool async, QObject *httpThread,
            const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    if (request.method() != QHttpServerRequest::Method::Post) {
        responder.write(QHttpServerResponder::StatusCode::MethodNotAllowed);
        return;
    }
    // Copied now: QHttpServer reuses the request for the connection's next one.
    const QByteArray path = request.url().path(QUrl::FullyEncoded).toUtf8();
    const QByteArray body = request.body();
    if (!async) {
        if (writer.commit(path, body))
            responder.write(kAnswer, kMimeType);
        else
            responder.write(QHttpServerResponder::StatusCode::ServiceUnavailable);
        return;
    }
    auto answer = std::make_shared<LaterAnswer>(std::move(responder));
    writer.commitLater(path, body, [httpThread, answer](bool committed) {
        QMetaObject::invokeMethod(httpThread, [answer, committed] {
            if (!answer->socket || answer->socket->state() != QAbstractSocket::ConnectedState)
                return;
            if (committed)
                answer->responder.write(kAnswer, kMimeType);
            else
                answer->responder.write(QHttpServerResponder::StatusCode::ServiceUnavailable);
        });
    });
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("The service's floor: QHttpServer, SQLite group commit, a trivial answer. "
                       "Prints the URL it listens on."));
    parser.addHelpOption();
    const QCommandLineOption databaseOption(
        QStringLiteral("database"), QStringLiteral("The SQLite file."), QStringLiteral("path"));
    const QCommandLineOption modeOption(
        QStringLiteral("mode"),
        QStringLiteral("blocking: each handler waits for its commit, as the service's do; "
                       "async: the commit writes the answer."),
        QStringLiteral("mode"), QStringLiteral("blocking"));
    const QCommandLineOption threadsOption(
        QStringLiteral("http-threads"),
        QStringLiteral("HTTP threads (default: the service's 32 blocking, 1 async)."),
        QStringLiteral("n"));
    const QCommandLineOption windowOption(
        QStringLiteral("window-us"),
        QStringLiteral("How long a batch waits for more requests before it commits."),
        QStringLiteral("us"), QStringLiteral("200"));
    const QCommandLineOption syncOption(QStringLiteral("sqlite-sync"),
                                        QStringLiteral("full (the service's default) or normal."),
                                        QStringLiteral("level"), QStringLiteral("full"));
    const QCommandLineOption countOption(
        QStringLiteral("count"),
        QStringLiteral("Print how many requests the database holds committed, and exit."));
    parser.addOptions(
        {databaseOption, modeOption, threadsOption, windowOption, syncOption, countOption});
    parser.process(app);
    if (parser.isSet(countOption)) {
        QString error;
        const qint64 rows =
            GroupCommitWriter::committedRequests(parser.value(databaseOption), &error);
        if (rows < 0) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        std::printf("%lld\n", qlonglong(rows));
        return 0;
    }
    const QString mode = parser.value(modeOption);
    if (!parser.isSet(databaseOption) ||
        (mode != QLatin1String("blocking") && mode != QLatin1String("async"))) {
        std::fprintf(stderr, "--database is needed; --mode is blocking or async\n");
        return 2;
    }
    const bool async = mode == QLatin1String("async");
    const int threads =
        parser.isSet(threadsOption) ? parser.value(threadsOption).toInt() : (async ? 1 : 32);
    if (threads < 1 || threads > 256) {
        std::fprintf(stderr, "--http-threads: 1 to 256\n");
        return 2;
    }

    GroupCommitWriter writer(parser.value(databaseOption),
                             parser.value(syncOption) != QLatin1String("normal"),
                             std::chrono::microseconds(parser.value(windowOption).toInt()));
    QString error;
    if (!writer.open(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    std::vector<std::unique_ptr<HttpThread>> httpThreads;
    for (int i = 0; i < threads; ++i) {
        auto http = std::make_unique<HttpThread>(i + 1);
        http->thread.run([&writer, async, &http] {
            http->connections = new DealtServer;
            http->http = new QHttpServer(http->connections);
            QObject *context = http->connections;
            http->http->setMissingHandler(
                [&writer, async, context](const QHttpServerRequest &request,
                                          QHttpServerResponder &&responder) {
                    handle(writer, async, context, request, std::move(responder));
                });
        });
        httpThreads.push_back(std::move(http));
    }
    Acceptor acceptor(httpThreads);
    if (!acceptor.listen(QHostAddress::LocalHost)) {
        std::fprintf(stderr, "cannot listen: %s\n", qPrintable(acceptor.errorString()));
        return 1;
    }
    // QTcpServer hands out connections only while listening: each thread's server listens on a
    // duplicate of the socket, as the service's do, and leaves accepting to the acceptor.
    for (const auto &http : httpThreads) {
        const qintptr listening = ::dup(int(acceptor.socketDescriptor()));
        http->thread.run([&http, listening] {
            http->connections->setSocketDescriptor(listening);
            http->connections->pauseAccepting();
            http->http->bind(http->connections);
        });
    }
    std::printf("http://127.0.0.1:%d\n", acceptor.serverPort());
    std::fflush(stdout);
    const int status = app.exec();
    for (const auto &http : httpThreads)
        http->thread.run([&http] { delete http->connections; });
    return status;
}
