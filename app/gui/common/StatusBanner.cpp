#include "StatusBanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace Switchboard {

StatusBanner::StatusBanner(QWidget *parent)
    : QFrame(parent)
    , m_text(new QLabel(this))
    , m_retry(new QPushButton(tr("Retry now"), this))
{
    setObjectName(QStringLiteral("databaseBanner"));
    setStyleSheet(QStringLiteral(
        "#databaseBanner { background: #fdecea; border: 1px solid #f1b7b2; border-radius: 6px; }"
        "#databaseBanner QLabel { color: #7a1f17; }"));
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText); // showError() escapes the error text
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 8, 8, 8);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_retry);
    connect(m_retry, &QPushButton::clicked, this, &StatusBanner::retryRequested);
    hide();
}

void StatusBanner::showError(const QString &message, int retrySeconds)
{
    m_text->setText(tr("<b>Cannot read the call log.</b> %1<br>The feed shows what it had; "
                       "trying again every %2 s.")
                        .arg(message.toHtmlEscaped())
                        .arg(retrySeconds));
    show();
}

QString StatusBanner::message() const
{
    return m_text->text();
}

} // namespace Switchboard
