#pragma once

#include <atomic>
#include <functional>
#include <QElapsedTimer>
#include <QHash>
#include <QTcpServer>
#include <QTimer>

class QTcpSocket;

namespace Switchboard {

// A QTcpServer that puts limits in front of QHttpServer, which (in Qt 6.4) has none of its
// own: it follows the HTTP framing of every connection and looks at each request's head before
// QHttpServer acts on it, answers what is too big itself (413, 414, 431), answers
// `Expect: 100-continue` at once, closes slow and idle clients, and caps open connections.
//
// Its readyRead slot is connected before QHttpServer's, so it peeks at each chunk of bytes
// before QHttpServer reads (and consumes) them.
//
// Several guards, one per HTTP thread, listen on one socket. Whichever accepts a connection
// hands it to `deal`, which picks the guard that serves it (in turn, so that the threads share
// the connections); the connection cap counts the connections of every guard sharing
// `openConnections`.
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
        int requestTimeoutMs = 10000; // from a request's first byte to its last
        int idleTimeoutMs = 30000;    // a kept-alive connection with nothing to say
        int maxConnections = 512;
    };

    using Dealer = std::function<void(qintptr descriptor)>;

    ConnectionGuard(const Limits &limits, std::atomic<int> &openConnections, Dealer deal,
                    QObject *parent = nullptr);
    ~ConnectionGuard() override;

    // Serves a connection this or another guard accepted.
    void serve(qintptr descriptor);

    int requestsInFlight() const;

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    struct Connection
    {
        QElapsedTimer since; // the current request's first byte, or the last one's end
        QByteArray head;     // the current request's head, while it is incomplete
        qint64 bodyLeft = 0; // bytes of the current request's body still to come
        bool inBody = false;

        bool inRequest() const { return inBody || !head.isEmpty(); }
    };

    void inspect(QTcpSocket *socket);
    // Follows one chunk through the framing; false when the connection was refused.
    bool follow(QTcpSocket *socket, Connection &connection, QByteArray bytes);
    bool checkHead(QTcpSocket *socket, Connection &connection);
    void refuse(QTcpSocket *socket, int status, const char *reason);
    void sweep();
    void forget(QTcpSocket *socket);

    Limits m_limits;
    std::atomic<int> &m_openConnections;
    Dealer m_deal;
    QHash<QTcpSocket *, Connection> m_connections;
    QTimer m_sweep;
};

} // namespace Switchboard
