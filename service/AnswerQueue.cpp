#include "AnswerQueue.h"

namespace Switchboard {

AnswerQueue::AnswerQueue(QObject *parent)
    : QObject(parent)
{}

AnswerQueue::~AnswerQueue()
{
    qDeleteAll(m_lines);
}

AnswerQueue::Ticket AnswerQueue::enqueue(QHttpServerResponder &&responder)
{
    QTcpSocket *socket = responder.socket();
    Line *&line = m_lines[socket];
    if (!line) {
        line = new Line;
        // The line goes with its socket; QHttpServer deletes the socket (later) once its client
        // disconnected, whatever this queue still holds for it.
        connect(socket, &QObject::destroyed, this, [this, socket] { delete m_lines.take(socket); });
    }
    const quint64 number = line->next++;
    const bool last = m_isLastRequest && m_isLastRequest(socket);
    line->places.push_back(Place{number, std::move(responder), std::nullopt, last});
    return Ticket{QPointer<QTcpSocket>(socket), number};
}

void AnswerQueue::answer(const Ticket &ticket, QHttpServerResponse &&response)
{
    QTcpSocket *socket = ticket.socket.data();
    if (!socket)
        return; // its client went away: nobody to answer
    Line *line = m_lines.value(socket);
    if (!line || line->places.empty())
        return;
    const quint64 first = line->places.front().number;
    if (ticket.number < first || ticket.number - first >= line->places.size())
        return;
    line->places[std::size_t(ticket.number - first)].response.emplace(std::move(response));
    flush(socket, *line);
}

bool AnswerQueue::owesAnswer(const QTcpSocket *socket) const
{
    const Line *line = m_lines.value(socket);
    return line && !line->places.empty();
}

void AnswerQueue::flush(QTcpSocket *socket, Line &line)
{
    while (!line.places.empty() && line.places.front().response) {
        Place &place = line.places.front();
        // A closing socket (the guard refused a later request, or the client left) takes no
        // more answers: what follows a refusal would be read as the answer to another request.
        if (socket->state() == QAbstractSocket::ConnectedState && !line.closed) {
            if (place.last)
                place.response->setHeader(QByteArrayLiteral("Connection"),
                                          QByteArrayLiteral("close"));
            place.response->write(std::move(place.responder));
            if (place.last) {
                // Closes once the answers written have left; the socket is deleted later (by
                // QHttpServer, on disconnected), so `line` outlives this loop.
                line.closed = true;
                socket->disconnectFromHost();
            }
        }
        line.places.pop_front();
    }
}

} // namespace Switchboard
