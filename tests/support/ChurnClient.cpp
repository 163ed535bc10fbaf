#include "ChurnClient.h"

#include <QHostAddress>
#include <sys/socket.h>

namespace Switchboard::Testing {
namespace {

// The status and full length of the first answer in `bytes`, or a length of 0 while it is
// incomplete.
struct Answer
{
    int status = 0;
    qsizetype length = 0;
};

Answer firstAnswer(const QByteArray &bytes)
{
    const qsizetype headEnd = bytes.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return {};
    const QList<QByteArray> lines = bytes.left(headEnd).split('\n');
    Answer answer;
    answer.status = lines.constFirst().split(' ').value(1).toInt();
    qint64 bodyBytes = 0;
    for (const QByteArray &line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == "content-length")
            bodyBytes = line.mid(colon + 1).trimmed().toLongLong();
    }
    if (bytes.size() < headEnd + 4 + bodyBytes)
        return {};
    answer.length = headEnd + 4 + bodyBytes;
    return answer;
}

constexpr int kVanishAfterMs = 100;

} // namespace

ChurnClient::ChurnClient(quint16 port, Script script, QObject *parent)
    : QObject(parent)
    , m_port(port)
    , m_script(std::move(script))
{
    m_drip.setInterval(1000);
    m_giveUp.setSingleShot(true);
    connect(&m_drip, &QTimer::timeout, this, &ChurnClient::writeNextLine);
    connect(&m_giveUp, &QTimer::timeout, this, &ChurnClient::stop);
    connect(&m_socket, &QTcpSocket::connected, this, [this] {
        if (m_script.slow) {
            writeNextLine();
            m_drip.start();
        } else {
            m_socket.write(m_script.bytes);
            m_wroteAll = m_script.vanish == Vanish::No;
        }
    });
    connect(&m_socket, &QTcpSocket::bytesWritten, this, [this] {
        // A moment for the service to read them: a reset would discard what it has not.
        if (m_script.vanish != Vanish::No && m_socket.bytesToWrite() == 0 && !m_vanishing) {
            m_vanishing = true;
            QTimer::singleShot(kVanishAfterMs, this, &ChurnClient::vanish);
        }
    });
    connect(&m_socket, &QTcpSocket::readyRead, this, &ChurnClient::readAnswers);
    connect(&m_socket, &QTcpSocket::disconnected, this, &ChurnClient::finish);
    connect(&m_socket, &QTcpSocket::errorOccurred, this, [this] {
        if (m_socket.state() != QAbstractSocket::ConnectedState)
            finish();
    });
}

void ChurnClient::start()
{
    m_giveUp.start(m_script.giveUpMs);
    m_socket.connectToHost(QHostAddress::LocalHost, m_port);
}

void ChurnClient::stop()
{
    if (!m_finished && m_socket.state() != QAbstractSocket::UnconnectedState)
        m_silence = Silence::GaveUp;
    m_socket.abort();
    finish();
}

void ChurnClient::writeNextLine()
{
    const qsizetype end = m_script.bytes.indexOf('\n', m_written);
    const qsizetype next = end < 0 ? m_script.bytes.size() : end + 1;
    m_socket.write(m_script.bytes.mid(m_written, next - m_written));
    m_written = next;
    if (m_written >= m_script.bytes.size()) {
        m_wroteAll = true;
        m_drip.stop();
    }
}

void ChurnClient::readAnswers()
{
    m_received += m_socket.readAll();
    for (Answer answer = firstAnswer(m_received); answer.length > 0;
         answer = firstAnswer(m_received)) {
        m_statuses.append(answer.status);
        m_received.remove(0, answer.length);
    }
    if (m_statuses.size() >= m_script.answers) {
        m_socket.disconnectFromHost();
        finish();
    }
}

void ChurnClient::vanish()
{
    if (m_finished)
        return;
    m_silence = Silence::Vanished;
    if (m_script.vanish == Vanish::Reset) {
        // No Qt call sends a reset: a zero linger makes the close one.
        const ::linger noLinger{1, 0};
        ::setsockopt(int(m_socket.socketDescriptor()), SOL_SOCKET, SO_LINGER, &noLinger,
                     sizeof noLinger);
        m_socket.abort();
    } else {
        m_socket.disconnectFromHost();
    }
    finish();
}

void ChurnClient::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_drip.stop();
    m_giveUp.stop();
    Q_EMIT finished();
}

} // namespace Switchboard::Testing
