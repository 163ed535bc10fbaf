#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QTcpSocket>
#include <QTimer>

namespace Switchboard::Testing {

// One raw client of the churn on its own TCP connection: writes its request bytes (at once,
// or one line a second like a slow client), may vanish before the request is whole, and reads
// the answers in order (HTTP/1.1 framing by Content-Length) until it has all it expects, the
// service closes, or it gives up.
class ChurnClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChurnClient)

public:
    enum class Vanish
    {
        No,
        Close, // FIN once the bytes are out
        Reset, // RST once the bytes are out (SO_LINGER 0)
    };

    struct Script
    {
        QByteArray bytes;  // written as soon as connected
        bool slow = false; // then: `bytes` line by line, one a second
        int answers = 1;   // answers to read before closing
        Vanish vanish = Vanish::No;
        int giveUpMs = 20000; // no answer by then: it counts as none
    };

    ChurnClient(quint16 port, Script script, QObject *parent = nullptr);

    void start();
    void stop(); // aborts, and finishes at once

    // How a client without an answer ended.
    enum class Silence
    {
        Closed,   // the service closed the connection
        GaveUp,   // still open when the client gave up (or was stopped)
        Vanished, // the client left on purpose
    };

    // The status of each answer read in full, in order.
    const QList<int> &statuses() const { return m_statuses; }
    Silence silence() const { return m_silence; }
    bool isFinished() const { return m_finished; }
    // Whether every byte of the script went out (a slow or vanishing client's may not have).
    bool wroteAll() const { return m_wroteAll; }

Q_SIGNALS:
    void finished();

private:
    void writeNextLine();
    void readAnswers();
    void vanish();
    void finish();

    quint16 m_port;
    Script m_script;
    QTcpSocket m_socket;
    QTimer m_drip;
    QTimer m_giveUp;
    QByteArray m_received;
    qsizetype m_written = 0; // of a slow client's bytes
    QList<int> m_statuses;
    Silence m_silence = Silence::Closed;
    bool m_wroteAll = false;
    bool m_vanishing = false;
    bool m_finished = false;
};

} // namespace Switchboard::Testing
