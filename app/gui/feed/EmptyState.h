#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace Switchboard {

// What the feed shows instead of an empty table: for a new user, how to get calls into the
// log; with filters on, that nothing matches and how to clear them.
class EmptyState final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EmptyState)

public:
    enum class Reason
    {
        NoCalls,
        NothingMatches,
    };

    explicit EmptyState(QWidget *parent = nullptr);

    void show(Reason reason, const QString &databaseLocation);
    Reason reason() const { return m_reason; }

Q_SIGNALS:
    void clearFiltersRequested();

private:
    Reason m_reason = Reason::NoCalls;
    QLabel *m_title;
    QLabel *m_body;
    QPushButton *m_clear;
};

} // namespace Switchboard
