#include "ConnectionGuard.h"

#include "core/Logging.h"

#include <QTcpSocket>

namespace Switchboard {
namespace {

// Where the head ends, or -1 while it is incomplete.
qsizetype headEnd(const QByteArray &bytes)
{
    const qsizetype end = bytes.indexOf("\r\n\r\n");
    return end < 0 ? -1 : end + 4;
}

// The value of a header in a raw head, lower-cased; empty when absent.
QByteArray headerValue(const QByteArray &head, const QByteArray &name)
{
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == name)
            return line.mid(colon + 1).trimmed().toLower();
    }
    return {};
}

} // namespace

ConnectionGuard::ConnectionGuard(const Limits &limits, std::atomic<int> &openConnections,
                                 Dealer deal, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
    , m_openConnections(openConnections)
    , m_deal(std::move(deal))
{
    m_sweep.setInterval(250);
    connect(&m_sweep, &QTimer::timeout, this, &ConnectionGuard::sweep);
    m_sweep.start();
}

ConnectionGuard::~ConnectionGuard() = default;

int ConnectionGuard::requestsInFlight() const
{
    return int(std::count_if(m_connections.cbegin(), m_connections.cend(),
                             [](const Connection &connection) { return connection.inRequest(); }));
}

void ConnectionGuard::incomingConnection(qintptr descriptor)
{
    m_deal(descriptor);
}

void ConnectionGuard::serve(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    if (m_openConnections.load() >= m_limits.maxConnections) {
        refuse(socket, 503, "too many connections");
        return;
    }
    // Reading from the kernel stops here, so a flood cannot grow the buffer further.
    socket->setReadBufferSize(m_limits.maxHeaderBytes + m_limits.maxBodyBytes + 4096);
    m_connections[socket].since.start();
    ++m_openConnections;
    // Connected before QHttpServer sees the socket, so this slot runs first on every read.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { inspect(socket); });
    connect(socket, &QObject::destroyed, this, [this, socket] { forget(socket); });
    addPendingConnection(socket);
    Q_EMIT newConnection();
}

void ConnectionGuard::inspect(QTcpSocket *socket)
{
    const auto it = m_connections.find(socket);
    if (it != m_connections.end())
        follow(socket, *it, socket->peek(socket->bytesAvailable()));
}

bool ConnectionGuard::follow(QTcpSocket *socket, Connection &connection, QByteArray bytes)
{
    while (!bytes.isEmpty()) {
        if (connection.inBody) {
            const qint64 taken = qMin<qint64>(connection.bodyLeft, bytes.size());
            connection.bodyLeft -= taken;
            bytes.remove(0, taken);
            if (connection.bodyLeft == 0) { // the request is complete: idle from now on
                connection.inBody = false;
                connection.since.restart();
            }
            continue;
        }
        if (connection.head.isEmpty())
            connection.since.restart(); // a new request's first byte
        const qsizetype before = connection.head.size();
        connection.head += bytes.left(m_limits.maxHeaderBytes + 1 - before);
        const qsizetype end = headEnd(connection.head);
        if (end < 0) {
            return checkHead(socket, connection);
        }
        bytes.remove(0, end - before); // what follows the head is body, or the next request
        connection.head.truncate(end);
        if (!checkHead(socket, connection))
            return false;
        connection.head.clear();
        connection.inBody = connection.bodyLeft > 0;
        if (!connection.inBody)
            connection.since.restart();
    }
    return true;
}

bool ConnectionGuard::checkHead(QTcpSocket *socket, Connection &connection)
{
    const QByteArray &head = connection.head;
    const qsizetype lineEnd = head.indexOf("\r\n");
    if ((lineEnd < 0 && head.size() > m_limits.maxRequestLineBytes) ||
        lineEnd > m_limits.maxRequestLineBytes) {
        refuse(socket, 414, "request line too long");
        return false;
    }
    const qsizetype end = headEnd(head);
    if (end < 0) {
        if (head.size() > m_limits.maxHeaderBytes) {
            refuse(socket, 431, "request header fields too large");
            return false;
        }
        return true; // more to come
    }
    if (!headerValue(head, "transfer-encoding").isEmpty()) {
        refuse(socket, 411, "a Content-Length is required");
        return false;
    }
    bool ok = true;
    const QByteArray length = headerValue(head, "content-length");
    const qint64 bodyBytes = length.isEmpty() ? 0 : length.toLongLong(&ok);
    if (!ok || bodyBytes < 0) {
        refuse(socket, 400, "malformed Content-Length");
        return false;
    }
    if (bodyBytes > m_limits.maxBodyBytes) {
        refuse(socket, 413, "request body too large");
        return false;
    }
    connection.bodyLeft = bodyBytes;
    // QHttpServer 6.4 does not answer this, and clients wait a second before sending the body.
    if (bodyBytes > 0 && headerValue(head, "expect") == "100-continue")
        socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    return true;
}

void ConnectionGuard::refuse(QTcpSocket *socket, int status, const char *reason)
{
    static const QHash<int, QByteArray> phrases{
        {400, "Bad Request"},        {408, "Request Timeout"},
        {411, "Length Required"},    {413, "Payload Too Large"},
        {414, "URI Too Long"},       {431, "Request Header Fields Too Large"},
        {503, "Service Unavailable"}};
    qCInfo(lcWebhook).noquote() << "refused" << socket->peerAddress().toString() << status
                                << reason;
    const QByteArray body = QByteArray(reason) + '\n';
    socket->readAll(); // nothing of this request may reach QHttpServer
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + phrases.value(status) +
                  "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                  QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    forget(socket);
    socket->disconnect(this);
    socket->disconnectFromHost();
    if (socket->state() == QAbstractSocket::UnconnectedState)
        socket->deleteLater();
    else
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
}

void ConnectionGuard::forget(QTcpSocket *socket)
{
    if (m_connections.remove(socket))
        --m_openConnections;
}

void ConnectionGuard::sweep()
{
    // Collected first, acted on after: refuse() and forget() erase from m_connections, and
    // Qt 6's QHash moves entries on erase, so no iterator may live across them.
    QList<QTcpSocket *> slow;
    QList<QTcpSocket *> idle;
    for (auto it = m_connections.cbegin(); it != m_connections.cend(); ++it) {
        const Connection &connection = it.value();
        if (connection.inRequest() && connection.since.hasExpired(m_limits.requestTimeoutMs))
            slow.append(it.key());
        else if (!connection.inRequest() && connection.since.hasExpired(m_limits.idleTimeoutMs))
            idle.append(it.key());
    }
    // Neither deletes a socket at once (deleteLater), so every pointer collected stays valid.
    for (QTcpSocket *socket : std::as_const(slow))
        refuse(socket, 408, "request timeout");
    for (QTcpSocket *socket : std::as_const(idle)) {
        forget(socket);
        socket->disconnectFromHost();
    }
}

} // namespace Switchboard
