#pragma once

#include "db/CallFeedQuery.h"

#include <QTimer>
#include <QWidget>

class QLabel;

namespace Switchboard {

class CallLog;
class CountersReader;

// Calls today, answered, missed, unheard voicemails: what staff check at a glance. Counted in
// SQL; recounted when the log changes, at most once a second (a busy log changes every poll).
class CountersBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CountersBar)

public:
    explicit CountersBar(CallLog *log, QWidget *parent = nullptr);

    CallCounters counters() const { return m_counters; }
    // Asks for a recount now (answered with counted()).
    void recount();
    // Whose unheard voicemails are counted: this desktop's user.
    void setViewer(const QString &name);

Q_SIGNALS:
    void unheardClicked(); // the user wants to see the unheard voicemails
    void counted();

private:
    QLabel *addCounter(const QString &name, const QString &caption);
    void setValue(QLabel *label, int value);
    void showCounters(const CallCounters &counters);

    CallLog *m_log;
    CountersReader *m_reader;
    QTimer m_throttle;
    CallCounters m_counters;
    QLabel *m_calls;
    QLabel *m_answered;
    QLabel *m_missed;
    QLabel *m_unheard;
};

} // namespace Switchboard
