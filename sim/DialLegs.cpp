#include "DialLegs.h"

#include "Sid.h"

#include <algorithm>

namespace Switchboard {
namespace {

// When legs end or answer, from the Dial's start; the sim estimates, as VerbTiming does.
constexpr qint64 kFailedMs = 1000;
constexpr qint64 kBusyMs = 2000;
constexpr qint64 kFirstAnswerMs = 6000;
constexpr qint64 kNextAnswerMs = 1000; // each later <Number> answers a second after
constexpr qint64 kCallerGivesUpMs = 10000;

int wholeSeconds(qint64 ms)
{
    return int((ms + 999) / 1000);
}

} // namespace

DialLegs::DialLegs(const QList<Member> &members, const QString &callerId, const Timing &timing,
                   const TwimlWalker::Narrator &narrate)
    : m_callerId(callerId)
    , m_timing(timing)
    , m_narrate(narrate)
{
    m_legs.reserve(size_t(members.size()));
    for (const Member &member : members) {
        Leg leg;
        leg.member = member;
        leg.sid = randomSid(QLatin1String("CA"));
        m_legs.push_back(std::move(leg));
    }
}

DialLegs::~DialLegs() = default;

void DialLegs::narrate(const QString &line) const
{
    if (m_narrate)
        m_narrate(line);
}

QString DialLegs::label(int index) const
{
    const Member &member = m_legs.at(size_t(index)).member;
    return member.name == member.number
               ? QStringLiteral("leg %1 %2").arg(index + 1).arg(member.number)
               : QStringLiteral("leg %1 %2 (%3)").arg(index + 1).arg(member.name, member.number);
}

std::optional<WalkStep> DialLegs::next()
{
    // Asked to go on while a leg's TwiML never came: that leg hangs up.
    if (m_awaiting >= 0)
        failRequest(QStringLiteral("no TwiML for the leg's request"));
    while (true) {
        if (!m_outbox.isEmpty())
            return m_outbox.takeFirst();
        if (m_phase == Phase::Done)
            return std::nullopt;
        if (auto step = advance())
            return step;
    }
}

// One move of the dial; returns a request when a leg needs one. Every call makes progress.
std::optional<WalkStep> DialLegs::advance()
{
    const qint64 timeoutMs = qint64(m_timing.timeoutSeconds) * 1000;
    const int count = int(m_legs.size());
    switch (m_phase) {
    case Phase::Early:
        if (m_cursor < count) {
            const int index = m_cursor++;
            const LegScript::Behaviour behaviour = m_legs[size_t(index)].member.script.behaviour;
            if (behaviour == LegScript::Behaviour::Busy)
                end(index, QStringLiteral("busy"), QStringLiteral("busy"),
                    qMin(timeoutMs, kBusyMs));
            else if (behaviour == LegScript::Behaviour::Failed)
                end(index, QStringLiteral("failed"), QStringLiteral("failed"),
                    qMin(timeoutMs, kFailedMs));
            return std::nullopt;
        }
        m_phase = Phase::Answering;
        m_cursor = 0;
        return std::nullopt;
    case Phase::Answering: {
        if (m_timing.callerHangsUp || m_winner >= 0 || m_cursor >= count) {
            m_phase = Phase::Settling;
            return std::nullopt;
        }
        const Leg &leg = m_legs[size_t(m_cursor)];
        if (leg.ended || !leg.member.script.answers()) {
            ++m_cursor;
            return std::nullopt;
        }
        return leg.answeredMs < 0 ? answer(m_cursor) : walkWhisper(m_cursor);
    }
    case Phase::Settling: {
        QString status = QStringLiteral("no-answer");
        qint64 atMs = timeoutMs;
        if (m_timing.callerHangsUp) {
            status = QStringLiteral("canceled");
            atMs = qMin(timeoutMs, kCallerGivesUpMs);
            narrate(QStringLiteral("caller hangs up while the legs ring"));
        } else if (m_winner >= 0) {
            status = QStringLiteral("canceled");
            atMs = m_bridgeMs;
        }
        for (int index = 0; index < count; ++index) {
            if (!m_legs[size_t(index)].ended && index != m_winner)
                end(index, status, status, atMs);
        }
        if (m_winner >= 0) {
            narrate(QStringLiteral("%1 and the caller talk for %2 s, then hang up")
                        .arg(label(m_winner))
                        .arg(m_timing.talkSeconds));
            end(m_winner, QStringLiteral("completed"), QStringLiteral("accepted"),
                m_bridgeMs + qint64(m_timing.talkSeconds) * 1000);
        }
        m_phase = Phase::Done;
        return std::nullopt;
    }
    case Phase::Done:
        break;
    }
    return std::nullopt;
}

std::optional<WalkStep> DialLegs::answer(int index)
{
    Leg &leg = m_legs[size_t(index)];
    leg.answeredMs =
        qMin(qint64(m_timing.timeoutSeconds) * 1000, kFirstAnswerMs + kNextAnswerMs * index);
    narrate(QStringLiteral("%1 answers (%2)")
                .arg(label(index), LegScript::toString(leg.member.script.behaviour)));
    if (leg.member.url.isEmpty()) {
        // No whisper: whoever picks up, a person or their voicemail, is bridged.
        leg.bridged = true;
        m_winner = index;
        m_bridgeMs = leg.answeredMs;
        narrate(
            QStringLiteral("no <Number url>: Twilio bridges %1 to the caller").arg(label(index)));
        return std::nullopt;
    }
    // The member presses the same key at every whisper <Gather>, or nothing.
    CallScript script;
    script.presses = QStringList(TwimlWalker::kMaxLegRequests, leg.member.script.key());
    leg.whisper = std::make_unique<TwimlWalker>(script, TwimlWalker::Mode::Whisper);
    leg.whisper->setNarrator([this](const QString &line) { narrate(QStringLiteral("  ") + line); });
    return legRequest(index, QStringLiteral("url"), leg.member.url, FormData());
}

std::optional<WalkStep> DialLegs::walkWhisper(int index)
{
    Leg &leg = m_legs[size_t(index)];
    const WalkStep step = leg.whisper->next();
    const qint64 nowMs = leg.answeredMs + leg.whisper->elapsedMs();
    switch (step.kind) {
    case WalkStep::Kind::Request:
        return legRequest(index, step.purpose, step.url, step.params);
    case WalkStep::Kind::Hangup:
        if (step.endOfDocument) {
            leg.bridged = true;
            m_winner = index;
            m_bridgeMs = nowMs;
            narrate(QStringLiteral("the whisper is over: Twilio bridges %1 to the caller")
                        .arg(label(index)));
        } else {
            end(index, QStringLiteral("completed"),
                leg.whisper->keysPressed().isEmpty() ? QStringLiteral("voicemail")
                                                     : QStringLiteral("declined"),
                nowMs);
        }
        return std::nullopt;
    case WalkStep::Kind::Failure:
        m_errors.append(QStringLiteral("%1: %2").arg(label(index), step.error));
        narrate(QStringLiteral("TwiML error on %1: %2; Twilio hangs up that leg")
                    .arg(label(index), step.error));
        end(index, QStringLiteral("completed"), QStringLiteral("error"), nowMs);
        return std::nullopt;
    case WalkStep::Kind::Notify:
    case WalkStep::Kind::Callback:
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<WalkStep> DialLegs::legRequest(int index, const QString &purpose, const QUrl &url,
                                             const FormData &params)
{
    Leg &leg = m_legs[size_t(index)];
    if (++leg.requests > TwimlWalker::kMaxLegRequests) {
        const QString error = QStringLiteral("more than %1 TwiML requests on one leg: a loop?")
                                  .arg(TwimlWalker::kMaxLegRequests);
        m_errors.append(QStringLiteral("%1: %2").arg(label(index), error));
        narrate(QStringLiteral("%1: %2 Twilio hangs up that leg").arg(label(index), error));
        end(index, QStringLiteral("completed"), QStringLiteral("error"),
            leg.answeredMs + leg.whisper->elapsedMs());
        return std::nullopt;
    }
    m_awaiting = index;
    WalkStep step;
    step.kind = WalkStep::Kind::Request;
    step.purpose = label(index) + QLatin1Char(' ') + purpose;
    step.url = url;
    step.params = params;
    step.leg = call(index, QStringLiteral("in-progress"));
    return step;
}

void DialLegs::load(const TwimlDocument &document, const QUrl &documentUrl)
{
    if (m_awaiting < 0)
        return;
    m_legs[size_t(m_awaiting)].whisper->load(document, documentUrl);
    m_awaiting = -1;
}

void DialLegs::failRequest(const QString &error)
{
    if (m_awaiting < 0)
        return;
    const int index = m_awaiting;
    m_awaiting = -1;
    const Leg &leg = m_legs[size_t(index)];
    m_errors.append(QStringLiteral("%1: %2").arg(label(index), error));
    narrate(QStringLiteral("%1 gets no whisper TwiML: Twilio hangs up that leg").arg(label(index)));
    end(index, QStringLiteral("completed"), QStringLiteral("error"),
        leg.answeredMs + leg.whisper->elapsedMs());
}

void DialLegs::end(int index, const QString &status, const QString &result, qint64 atMs)
{
    Leg &leg = m_legs[size_t(index)];
    leg.ended = true;
    leg.status = status;
    leg.result = result;
    leg.endedMs = atMs;
    if (status != QLatin1String("completed"))
        narrate(QStringLiteral("%1: %2").arg(label(index), result));
    else if (result != QLatin1String("accepted"))
        narrate(QStringLiteral("%1 hangs up: %2").arg(label(index), result));
    if (leg.member.wantsFinalStatus && leg.member.statusCallback.isValid()) {
        WalkStep step;
        step.kind = WalkStep::Kind::Callback;
        step.purpose = label(index) + QStringLiteral(" status callback");
        step.url = leg.member.statusCallback;
        step.leg = call(index, status);
        m_outbox.append(step);
    }
}

LegCall DialLegs::call(int index, const QString &status) const
{
    const Leg &leg = m_legs.at(size_t(index));
    LegCall call;
    call.sid = leg.sid;
    call.from = m_callerId;
    call.to = leg.member.number;
    call.callStatus = status;
    if (leg.ended) {
        call.atMs = m_timing.startMs + leg.endedMs;
        if (status == QLatin1String("completed"))
            call.durationSeconds = wholeSeconds(leg.endedMs - leg.answeredMs);
    } else {
        call.atMs =
            m_timing.startMs + leg.answeredMs + (leg.whisper ? leg.whisper->elapsedMs() : 0);
    }
    return call;
}

DialLegs::Outcome DialLegs::outcome() const
{
    Outcome outcome;
    if (!m_legs.empty())
        outcome.dialSid = m_legs.front().sid;
    if (m_winner >= 0) {
        const Leg &winner = m_legs.at(size_t(m_winner));
        outcome.dialStatus = QStringLiteral("completed");
        outcome.dialSid = winner.sid;
        outcome.dialSeconds = wholeSeconds(winner.endedMs - winner.answeredMs);
        outcome.bridged = true;
        outcome.endMs = m_timing.startMs + winner.endedMs;
        return outcome;
    }
    qint64 lastMs = 0;
    for (const Leg &leg : m_legs)
        lastMs = qMax(lastMs, leg.endedMs);
    outcome.endMs = m_timing.startMs + lastMs;
    const auto all = [this](const char *status) {
        return std::all_of(m_legs.cbegin(), m_legs.cend(), [status](const Leg &leg) {
            return leg.status == QLatin1String(status);
        });
    };
    // A leg that answered and was hung up at the whisper (a key other than 1, a personal
    // voicemail) still makes the Dial "completed" for Twilio: only the screening tells that
    // nobody took the call.
    const auto answered = std::find_if(m_legs.cbegin(), m_legs.cend(), [](const Leg &leg) {
        return leg.status == QLatin1String("completed");
    });
    if (m_timing.callerHangsUp) {
        outcome.dialStatus = QStringLiteral("canceled");
    } else if (answered != m_legs.cend()) {
        outcome.dialStatus = QStringLiteral("completed");
        outcome.dialSid = answered->sid;
        outcome.dialSeconds = wholeSeconds(answered->endedMs - answered->answeredMs);
    } else if (all("busy")) {
        outcome.dialStatus = QStringLiteral("busy");
    } else if (all("failed")) {
        outcome.dialStatus = QStringLiteral("failed");
    } else {
        outcome.dialStatus = QStringLiteral("no-answer");
    }
    return outcome;
}

QList<LegReport> DialLegs::results() const
{
    QList<LegReport> results;
    for (const Leg &leg : m_legs) {
        LegReport result;
        result.name = leg.member.name;
        result.number = leg.member.number;
        result.sid = leg.sid;
        result.behaviour = LegScript::toString(leg.member.script.behaviour);
        result.result = leg.result;
        result.status = leg.status;
        if (leg.status == QLatin1String("completed"))
            result.seconds = wholeSeconds(leg.endedMs - leg.answeredMs);
        if (leg.whisper)
            result.keys = leg.whisper->keysPressed();
        results.append(result);
    }
    return results;
}

} // namespace Switchboard
