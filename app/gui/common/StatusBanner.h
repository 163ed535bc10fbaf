#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace Switchboard {

// A strip across the top of the window saying that the call log cannot be read, why, and
// that the app keeps trying; it goes away by itself when the log is back.
class StatusBanner final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusBanner)

public:
    explicit StatusBanner(QWidget *parent = nullptr);

    void showError(const QString &message, int retrySeconds);
    QString message() const;

Q_SIGNALS:
    void retryRequested();

private:
    QLabel *m_text;
    QPushButton *m_retry;
};

} // namespace Switchboard
