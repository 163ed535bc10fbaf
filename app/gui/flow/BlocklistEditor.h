#pragma once

#include <QJsonArray>
#include <QStringList>
#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;

namespace Switchboard {

// The callers the call flow refuses: a list of E.164 numbers, added by typing one (or from the
// feed's "Block this number"), edited in place, removed.
class BlocklistEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BlocklistEditor)

public:
    explicit BlocklistEditor(QWidget *parent = nullptr);

    void setNumbers(const QStringList &numbers);
    QJsonArray toJson() const;
    void addNumber(const QString &number);

    // `problem` is about `path` ("blocked", "blocked[3]"): shown under the list, that number
    // selected.
    void showError(const QString &path, const QString &problem);
    void clearError();

    QListWidget *list() const { return m_list; }
    QLineEdit *newNumber() const { return m_newNumber; }

private:
    QListWidget *m_list;
    QLineEdit *m_newNumber;
    QLabel *m_error;
};

} // namespace Switchboard
