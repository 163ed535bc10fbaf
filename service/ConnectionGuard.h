#pragma once

#include <atomic>
#include <functional>
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QMutex>
#include <QTcpServer>
#include <QTimer>

class QTcpSocket;

namespace Switchboard {

// The connections the guards of every HTTP thread hold together: the global cap, and a cap per
// client address so that one client cannot take them all.
class ConnectionBudget final
{
    Q_DISABLE_COPY_MOVE(ConnectionBudget)

public:
    enum class Verdict
    {
        Admitted,
        AddressFull,
        Full
    };

    // `uncapped` addresses (trusted reverse proxies) count only toward the global cap.
    ConnectionBudget(int maxConnections, int maxPerAddress, QList<QHostAddress> uncapped);

    // Counts the connection when it is admitted.
    Verdict admit(const QHostAddress &peer);
    void release(const QHostAddress &peer);
    bool isFull() const;

private:
    mutable QMutex m_mutex;
    const int m_maxConnections;
    const int m_maxPerAddress;
    const QList<QHostAddress> m_uncapped;
    int m_open = 0;
    QHash<QHostAddress, int> m_perAddress;
};

// A QTcpServer that puts limits in front of QHttpServer, which (in Qt 6.4) has none of its
// own: it follows the HTTP framing of every connection and looks at each request's head before
// QHttpServer acts on it, answers what is too big itself (413, 414, 431), refuses (400) what
// QHttpServer's lenient parser could frame differently from it, answers
// `Expect: 100-continue` at once, closes slow and idle clients, and caps open connections.
//
// Its readyRead slot is connected before QHttpServer's, so it peeks at each chunk of bytes
// before QHttpServer reads (and consumes) them; another, connected after QHttpServer's, notes
// how many of the bytes still buffered it has already followed, so that each byte is followed
// once however often QHttpServer re-reads a pipelined buffer.
//
// Several guards, one per HTTP thread, listen on one socket. Whichever accepts a connection
// hands it to `deal`, which picks the guard that serves it (in turn, so that the threads share
// the connections; one with an idle connection to close when all are taken).
class ConnectionGuard final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionGuard)

public:
    struct Limits
    {
        qint64 maxBodyBytes = 64 * 1024;
        qint64 maxHeaderBytes = 16 * 1024;
        qint64 maxRequestLineBytes = 8 * 1024;
        // QHttpServer 6.4's header parser silently drops every header of a request with a longer
        // field or more fields, Content-Length included: refused before it sees them.
        qint64 maxHeaderFieldBytes = 8 * 1024;
        int maxHeaderFields = 100;
        int requestTimeoutMs = 10000; // from a request's first byte to its last
        int idleTimeoutMs = 30000;    // a kept-alive connection with nothing to say
    };

    using Dealer = std::function<void(qintptr descriptor)>;
    using OwesAnswer = std::function<bool(const QTcpSocket *socket)>;

    ConnectionGuard(const Limits &limits, ConnectionBudget &budget, Dealer deal,
                    QObject *parent = nullptr);
    ~ConnectionGuard() override;

    // Tells whether a connection still owes an answer to a request it read: the guard then
    // writes nothing on it (it would be read as that answer), and does not close it as idle.
    void setOwesAnswer(OwesAnswer owesAnswer) { m_owesAnswer = std::move(owesAnswer); }

    // Serves a connection this or another guard accepted.
    void serve(qintptr descriptor);
    // Whether QHttpServer has read the connection's last request: one with `Connection: close`,
    // or an HTTP/1.0 one. Its answer ends the connection (RFC 9112, 9.6); nothing after it is
    // read. Call on this guard's thread, while QHttpServer hands a request to its handler.
    bool lastRequestRead(const QTcpSocket *socket) const;

    int requestsInFlight() const;
    // Connections between requests, which serve() may close to make room (from any thread).
    int idleConnections() const { return m_idle.load(); }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    enum class Stage
    {
        Idle,
        RequestLine,
        Headers,
        Body
    };

    struct Connection
    {
        QHostAddress peer;
        Stage stage = Stage::Idle;
        QElapsedTimer since;  // the current request's first byte, or the last one's end
        QByteArray line;      // the head's current line, while it is incomplete
        qint64 headBytes = 0; // of the current request's head so far
        int fields = 0;       // header fields of the current request
        qint64 contentLength = -1;
        bool transferEncoding = false;
        bool expectContinue = false;
        bool endsConnection = false; // `Connection: close`, or HTTP/1.0
        qint64 bodyLeft = 0;         // bytes of the current request's body still to come
        qint64 followedAhead = 0;    // bytes still in the socket's buffer already followed
        bool keptAlive = false;      // a request of it was whole: idle now means between requests
        qint64 received = 0;         // bytes that arrived on it so far
        qint64 lastRequestEnd = -1; // where its last request ends in those bytes; -1 until followed

        bool inRequest() const { return stage != Stage::Idle; }
    };

    void inspect(QTcpSocket *socket);
    // Follows new bytes through the framing; false when the connection was refused (and
    // forgotten: `connection` is gone then).
    // `bytes` start at `offset` of what arrived on the connection.
    bool follow(QTcpSocket *socket, Connection &connection, QByteArrayView bytes, qint64 offset);
    bool takeLine(QTcpSocket *socket, Connection &connection);
    bool takeRequestLine(QTcpSocket *socket, Connection &connection);
    bool takeField(QTcpSocket *socket, Connection &connection);
    bool endHead(QTcpSocket *socket, Connection &connection);
    void setStage(Connection &connection, Stage stage);
    bool closeLongestIdle();
    void refuse(QTcpSocket *socket, int status, const char *reason);
    void sweep();
    void forget(QTcpSocket *socket);
    bool owesAnswer(const QTcpSocket *socket) const { return m_owesAnswer && m_owesAnswer(socket); }

    Limits m_limits;
    ConnectionBudget &m_budget;
    Dealer m_deal;
    OwesAnswer m_owesAnswer;
    QHash<QTcpSocket *, Connection> m_connections;
    std::atomic<int> m_idle = 0;
    QTimer m_sweep;
};

} // namespace Switchboard
