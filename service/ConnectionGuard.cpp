#include "ConnectionGuard.h"

#include "core/Logging.h"

#include <algorithm>
#include <QTcpSocket>

namespace Switchboard {
namespace {

// An IPv4 client reached over a dual-stack socket is the same client as over IPv4.
QHostAddress clientAddress(const QHostAddress &peer)
{
    bool isIPv4 = false;
    const quint32 ipv4 = peer.toIPv4Address(&isIPv4);
    return isIPv4 ? QHostAddress(ipv4) : peer;
}

// RFC 9110 token: what a method and a header name may be made of.
bool isToken(QByteArrayView text)
{
    static constexpr QByteArrayView punctuation("!#$%&'*+-.^_`|~");
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               punctuation.contains(c);
    });
}

bool isVisible(QByteArrayView text)
{
    return !text.isEmpty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

bool hasControlCharacter(QByteArrayView text)
{
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return (uchar(c) < 0x20 && c != '\t') || c == 0x7f; });
}

} // namespace

ConnectionBudget::ConnectionBudget(int maxConnections, int maxPerAddress,
                                   QList<QHostAddress> uncapped)
    : m_maxConnections(maxConnections)
    , m_maxPerAddress(maxPerAddress)
    , m_uncapped(std::move(uncapped))
{}

ConnectionBudget::Verdict ConnectionBudget::admit(const QHostAddress &peer)
{
    const QHostAddress client = clientAddress(peer);
    // A trusted reverse proxy carries every caller's connections from its one address: capping
    // it per address would cap the whole service far below --max-connections.
    const bool uncapped =
        std::any_of(m_uncapped.cbegin(), m_uncapped.cend(), [&client](const QHostAddress &proxy) {
            return proxy.isEqual(client, QHostAddress::ConvertV4MappedToIPv4);
        });
    QMutexLocker lock(&m_mutex);
    if (!uncapped && m_perAddress.value(client) >= m_maxPerAddress)
        return Verdict::AddressFull;
    if (m_open >= m_maxConnections)
        return Verdict::Full;
    ++m_open;
    if (!uncapped)
        ++m_perAddress[client];
    // Under the lock, so that the counts logged come in the order they were reached (the
    // tests wait for them: a connection is counted a moment after its client connected).
    qCDebug(lcWebhook).noquote() << "connections:" << m_open << "open, admitted"
                                 << client.toString();
    return Verdict::Admitted;
}

void ConnectionBudget::release(const QHostAddress &peer)
{
    const QHostAddress client = clientAddress(peer);
    QMutexLocker lock(&m_mutex);
    --m_open;
    const auto it = m_perAddress.find(client);
    if (it != m_perAddress.end() && --*it <= 0)
        m_perAddress.erase(it);
    qCDebug(lcWebhook).noquote() << "connections:" << m_open << "open, released"
                                 << client.toString();
}

bool ConnectionBudget::isFull() const
{
    QMutexLocker lock(&m_mutex);
    return m_open >= m_maxConnections;
}

ConnectionGuard::ConnectionGuard(const Limits &limits, ConnectionBudget &budget, Dealer deal,
                                 QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
    , m_budget(budget)
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
    const QHostAddress peer = socket->peerAddress();
    ConnectionBudget::Verdict verdict = m_budget.admit(peer);
    // Rather than refuse a new connection (Twilio's, perhaps), close one that has nothing to say.
    if (verdict == ConnectionBudget::Verdict::Full && closeLongestIdle())
        verdict = m_budget.admit(peer);
    if (verdict != ConnectionBudget::Verdict::Admitted) {
        refuse(socket, 503,
               verdict == ConnectionBudget::Verdict::AddressFull
                   ? "too many connections from this address"
                   : "too many connections");
        return;
    }
    // Reading from the kernel stops here, so a flood cannot grow the buffer further.
    socket->setReadBufferSize(m_limits.maxHeaderBytes + m_limits.maxBodyBytes + 4096);
    Connection &connection = m_connections[socket];
    connection.peer = peer;
    connection.since.start();
    ++m_idle;
    // Connected before QHttpServer sees the socket, so this slot runs first on every read.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { inspect(socket); });
    connect(socket, &QObject::destroyed, this, [this, socket] { forget(socket); });
    addPendingConnection(socket);
    Q_EMIT newConnection();
    // Connected after QHttpServer's slot (connected as the socket was added): what it left in
    // the buffer has been followed already.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
        const auto it = m_connections.find(socket);
        if (it != m_connections.end())
            it->followedAhead = socket->bytesAvailable();
    });
}

void ConnectionGuard::inspect(QTcpSocket *socket)
{
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    // QHttpServer reads one request per readyRead and signals again for the rest: only the
    // bytes that arrived since are new (following all of them each time costs the square).
    const QByteArray buffered = socket->peek(socket->bytesAvailable());
    const qsizetype followed = qBound<qsizetype>(0, it->followedAhead, buffered.size());
    Connection &connection = *it;
    const qint64 offset = connection.received;
    connection.received += buffered.size() - followed;
    if (connection.lastRequestEnd >= 0) {
        // Nothing after the last request reaches QHttpServer: once it has read that request,
        // whatever the client sent behind it is dropped unread.
        if (lastRequestRead(socket))
            socket->skip(socket->bytesAvailable());
        connection.followedAhead = socket->bytesAvailable();
        return;
    }
    if (follow(socket, connection, QByteArrayView(buffered).sliced(followed), offset))
        connection.followedAhead = buffered.size();
}

bool ConnectionGuard::lastRequestRead(const QTcpSocket *socket) const
{
    const auto it = m_connections.constFind(const_cast<QTcpSocket *>(socket));
    if (it == m_connections.cend() || it->lastRequestEnd < 0)
        return false;
    // QHttpServer reads a request's bytes exactly: what it has read ends where the buffer starts.
    return it->received - socket->bytesAvailable() >= it->lastRequestEnd;
}

void ConnectionGuard::setStage(Connection &connection, Stage stage)
{
    if (connection.stage == Stage::Idle && stage != Stage::Idle)
        --m_idle;
    else if (connection.stage != Stage::Idle && stage == Stage::Idle) {
        ++m_idle;
        connection.keptAlive = true;
    }
    // A request's clock starts at its first byte; the idle clock at the end of the last one.
    if (stage == Stage::Idle || stage == Stage::RequestLine)
        connection.since.restart();
    connection.stage = stage;
}

bool ConnectionGuard::follow(QTcpSocket *socket, Connection &connection, QByteArrayView bytes,
                             qint64 offset)
{
    qsizetype at = 0;
    // The bytes after a request that ends the connection are not followed: it reads no more.
    const auto endsConnectionHere = [&connection, &at, offset] {
        if (connection.stage != Stage::Idle || !connection.endsConnection)
            return false;
        connection.lastRequestEnd = offset + at;
        return true;
    };
    while (at < bytes.size()) {
        if (connection.stage == Stage::Body) {
            const qint64 taken = qMin<qint64>(connection.bodyLeft, bytes.size() - at);
            connection.bodyLeft -= taken;
            at += taken;
            if (connection.bodyLeft == 0)
                setStage(connection, Stage::Idle);
            if (endsConnectionHere())
                return true;
            continue;
        }
        if (connection.stage == Stage::Idle) { // a new request's first byte
            connection.line.clear();
            connection.headBytes = 0;
            connection.fields = 0;
            connection.contentLength = -1;
            connection.transferEncoding = false;
            connection.expectContinue = false;
            connection.endsConnection = false;
            setStage(connection, Stage::RequestLine);
        }
        const qsizetype lineFeed = bytes.indexOf('\n', at);
        const qsizetype end = lineFeed < 0 ? bytes.size() : lineFeed;
        connection.headBytes += end - at + (lineFeed < 0 ? 0 : 1);
        const bool requestLine = connection.stage == Stage::RequestLine;
        const qint64 lineLimit =
            requestLine ? m_limits.maxRequestLineBytes : m_limits.maxHeaderFieldBytes;
        // + 1: the line's CR, not yet told from its text
        if (connection.line.size() + (end - at) > lineLimit + 1) {
            if (requestLine)
                refuse(socket, 414, "request line too long");
            else
                refuse(socket, 431, "request header field too large");
            return false;
        }
        if (connection.headBytes > m_limits.maxHeaderBytes) {
            refuse(socket, 431, "request header fields too large");
            return false;
        }
        connection.line += bytes.sliced(at, end - at);
        if (lineFeed < 0)
            return true; // more to come
        at = lineFeed + 1;
        // QHttpServer also ends lines with a bare LF, and its head at LF LF or LF CR LF: only
        // CR LF, and no CR elsewhere, leaves both parsers one reading.
        if (!connection.line.endsWith('\r')) {
            refuse(socket, 400, "a line of the head ends without CR");
            return false;
        }
        connection.line.chop(1);
        if (connection.line.contains('\r')) {
            refuse(socket, 400, "a CR inside a line of the head");
            return false;
        }
        if (!takeLine(socket, connection))
            return false;
        connection.line.clear();
        if (endsConnectionHere())
            return true;
    }
    return true;
}

bool ConnectionGuard::takeLine(QTcpSocket *socket, Connection &connection)
{
    if (connection.stage == Stage::RequestLine) {
        // An empty line before a request may be skipped (RFC 9112, 2.2), as QHttpServer does;
        // it belongs to the request, whose clock it started, so empty lines cannot keep a
        // connection alive.
        return connection.line.isEmpty() || takeRequestLine(socket, connection);
    }
    return connection.line.isEmpty() ? endHead(socket, connection) : takeField(socket, connection);
}

bool ConnectionGuard::takeRequestLine(QTcpSocket *socket, Connection &connection)
{
    const QList<QByteArray> parts = connection.line.split(' ');
    if (parts.size() != 3 || !isToken(parts[0]) || !isVisible(parts[1]) ||
        (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0")) {
        refuse(socket, 400, "malformed request line");
        return false;
    }
    // HTTP/1.0 keeps a connection only with `Connection: keep-alive`, which asks for one in the
    // answer too; QHttpServer 6.4 writes none, so every HTTP/1.0 request is a connection's last
    // (RFC 9112, 9.3 leaves honouring it to the server).
    connection.endsConnection = parts[2] == "HTTP/1.0";
    setStage(connection, Stage::Headers);
    return true;
}

bool ConnectionGuard::takeField(QTcpSocket *socket, Connection &connection)
{
    const QByteArray &line = connection.line;
    // QHttpServer joins a folded line to the previous field; the guard would not.
    if (line.startsWith(' ') || line.startsWith('\t')) {
        refuse(socket, 400, "a folded header line");
        return false;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon < 0) {
        refuse(socket, 400, "a header line without a colon");
        return false;
    }
    // QHttpServer drops every header of a request with a name that is not a token.
    const QByteArray name = line.left(colon).toLower();
    if (!isToken(name)) {
        refuse(socket, 400, "a header name that is not a token");
        return false;
    }
    if (++connection.fields > m_limits.maxHeaderFields) {
        refuse(socket, 431, "too many header fields");
        return false;
    }
    const QByteArray value = line.mid(colon + 1).trimmed();
    if (hasControlCharacter(value)) {
        refuse(socket, 400, "a control character in a header value");
        return false;
    }
    if (name == "content-length") {
        // QHttpServer reads the first one, leniently (a sign, spaces): one, of digits only.
        if (connection.contentLength >= 0) {
            refuse(socket, 400, "several Content-Length headers");
            return false;
        }
        if (value.isEmpty() || value.size() > 18 ||
            !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            refuse(socket, 400, "malformed Content-Length");
            return false;
        }
        connection.contentLength = value.toLongLong();
    } else if (name == "transfer-encoding") {
        connection.transferEncoding = true;
    } else if (name == "expect") {
        connection.expectContinue = value.compare("100-continue", Qt::CaseInsensitive) == 0;
    } else if (name == "connection") {
        // A list of options, in one field or several (RFC 9110, 7.6.1).
        const QList<QByteArray> options = value.split(',');
        connection.endsConnection =
            connection.endsConnection ||
            std::any_of(options.cbegin(), options.cend(), [](const QByteArray &option) {
                return option.trimmed().compare("close", Qt::CaseInsensitive) == 0;
            });
    }
    return true;
}

bool ConnectionGuard::endHead(QTcpSocket *socket, Connection &connection)
{
    if (connection.transferEncoding && connection.contentLength >= 0) {
        refuse(socket, 400, "both Content-Length and Transfer-Encoding");
        return false;
    }
    if (connection.transferEncoding) {
        refuse(socket, 411, "a Content-Length is required");
        return false;
    }
    if (connection.contentLength > m_limits.maxBodyBytes) {
        refuse(socket, 413, "request body too large");
        return false;
    }
    connection.bodyLeft = qMax<qint64>(0, connection.contentLength);
    // QHttpServer 6.4 does not answer this, and clients wait a second before sending the body.
    if (connection.bodyLeft > 0 && connection.expectContinue && !owesAnswer(socket))
        socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    setStage(connection, connection.bodyLeft > 0 ? Stage::Body : Stage::Idle);
    return true;
}

bool ConnectionGuard::closeLongestIdle()
{
    // A connection just accepted may hold a request whose bytes this thread has not read yet
    // (under load, many connections are accepted before their first readyRead): closing it
    // would drop that request, so only one kept alive between requests, or silent for a while,
    // makes room. A flood of new connections is refused instead.
    constexpr qint64 kNewConnectionGraceMs = 1000;
    // Found first, closed after: forget() erases from m_connections.
    QTcpSocket *longestIdle = nullptr;
    qint64 longest = -1;
    for (auto it = m_connections.cbegin(); it != m_connections.cend(); ++it) {
        // In nanoseconds: connections idle since the same millisecond are still told apart
        // (in milliseconds the hash's order picked among them).
        const qint64 idleNs = it->since.nsecsElapsed();
        if (it->inRequest() || (!it->keptAlive && idleNs < kNewConnectionGraceMs * 1000000) ||
            owesAnswer(it.key()))
            continue;
        if (idleNs > longest) {
            longest = idleNs;
            longestIdle = it.key();
        }
    }
    if (!longestIdle)
        return false;
    forget(longestIdle);
    longestIdle->disconnectFromHost();
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
    // After an answer still owed, a refusal would be read as that answer: the connection just
    // closes then (what it owes is not written on a closing socket).
    if (!owesAnswer(socket))
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
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    if (!it->inRequest())
        --m_idle;
    m_budget.release(it->peer);
    m_connections.erase(it);
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
        else if (!connection.inRequest() && connection.since.hasExpired(m_limits.idleTimeoutMs) &&
                 !owesAnswer(it.key()))
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
