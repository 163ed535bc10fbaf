#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <optional>
#include <QHash>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>

namespace Switchboard {

// The answers of one HTTP thread's connections, each connection's written in the order of its
// requests. A webhook's answer waits for its commit, and QHttpServer 6.4 goes on parsing the
// requests pipelined behind it meanwhile: their answers (a 404, /healthz) wait here for it.
//
// A QHttpServerResponder (6.4) holds a raw socket, deleted when its client disconnects, and a
// reference to a request that the connection's next parse clears. The queue watches each
// socket with a QPointer, writes only on this thread (the sockets') and only while the socket
// is connected, and never touches the request: handlers copy what they need first.
class AnswerQueue final : public QObject
{
    Q_DISABLE_COPY_MOVE(AnswerQueue)

public:
    // A request's place in its connection's line; used on this thread only.
    struct Ticket
    {
        QPointer<QTcpSocket> socket;
        quint64 number = 0;
    };

    using IsLastRequest = std::function<bool(const QTcpSocket *socket)>;

    explicit AnswerQueue(QObject *parent = nullptr);
    ~AnswerQueue() override;

    // Tells, as a request is enqueued, whether it is its connection's last (`Connection:
    // close`): its answer then says so, and the connection closes once it is written.
    void setIsLastRequest(IsLastRequest isLastRequest)
    {
        m_isLastRequest = std::move(isLastRequest);
    }

    // Takes the next place in the line of the connection `responder` answers.
    Ticket enqueue(QHttpServerResponder &&responder);
    // The answer to `ticket`'s request: written now when every earlier answer of its connection
    // was, else right after the last of them. Dropped when the connection is gone or closing.
    // After the answer to a connection's last request, the connection is closed (once what was
    // written has left).
    void answer(const Ticket &ticket, QHttpServerResponse &&response);
    void answerNow(QHttpServerResponder &&responder, QHttpServerResponse &&response)
    {
        answer(enqueue(std::move(responder)), std::move(response));
    }
    // Whether a request of `socket` still waits for its answer.
    bool owesAnswer(const QTcpSocket *socket) const;

private:
    struct Place
    {
        quint64 number;
        QHttpServerResponder responder;
        std::optional<QHttpServerResponse> response;
        bool last = false; // the connection's last request
    };
    struct Line
    {
        quint64 next = 0;
        std::deque<Place> places;
        bool closed = false; // its last answer was written: nothing follows it
    };

    void flush(QTcpSocket *socket, Line &line);

    // Keyed by the socket, never dereferenced through the key: an entry goes when its socket
    // is destroyed.
    QHash<const QTcpSocket *, Line *> m_lines;
    IsLastRequest m_isLastRequest;
};

// The answers waiting for a commit, across every HTTP thread: the thread pool of the blocking
// design capped them for free.
class PendingAnswerBudget final
{
    Q_DISABLE_COPY_MOVE(PendingAnswerBudget)

public:
    explicit PendingAnswerBudget(int maximum)
        : m_maximum(maximum)
    {}

    // False when `maximum` answers already wait: the request is answered 503 instead.
    bool take()
    {
        if (m_pending.fetch_add(1) < m_maximum)
            return true;
        m_pending.fetch_sub(1);
        return false;
    }
    void give() { m_pending.fetch_sub(1); }
    int pending() const { return m_pending.load(); }

private:
    const int m_maximum;
    std::atomic<int> m_pending = 0;
};

} // namespace Switchboard
