#include "EmptyState.h"

#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace Switchboard {

EmptyState::EmptyState(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_body(new QLabel(this))
    , m_clear(new QPushButton(tr("Clear filters"), this))
{
    setObjectName(QStringLiteral("emptyState"));
    auto *icon = new QLabel(this);
    icon->setPixmap(QIcon(QStringLiteral(":/icons/switchboard.svg")).pixmap(72, 72));
    icon->setAlignment(Qt::AlignHCenter);
    m_title->setObjectName(QStringLiteral("emptyTitle"));
    m_title->setTextFormat(Qt::PlainText);
    m_title->setAlignment(Qt::AlignHCenter);
    QFont font = m_title->font();
    font.setPointSizeF(font.pointSizeF() * 1.4);
    font.setWeight(QFont::DemiBold);
    m_title->setFont(font);
    m_body->setObjectName(QStringLiteral("emptyBody"));
    m_body->setWordWrap(true);
    m_body->setTextFormat(Qt::RichText);
    m_body->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_body->setFixedWidth(580); // a fixed width lets the label compute its wrapped height
    m_clear->setObjectName(QStringLiteral("clearFilters"));
    connect(m_clear, &QPushButton::clicked, this, &EmptyState::clearFiltersRequested);

    auto *layout = new QVBoxLayout(this);
    layout->addStretch(2);
    layout->addWidget(icon, 0, Qt::AlignHCenter);
    layout->addSpacing(12);
    layout->addWidget(m_title, 0, Qt::AlignHCenter);
    layout->addSpacing(6);
    layout->addWidget(m_body, 0, Qt::AlignHCenter);
    layout->addSpacing(12);
    layout->addWidget(m_clear, 0, Qt::AlignHCenter);
    layout->addStretch(3);
}

void EmptyState::show(Reason reason, const QString &databaseLocation)
{
    m_reason = reason;
    if (reason == Reason::NothingMatches) {
        m_title->setText(tr("No calls match these filters"));
        m_body->setText(tr("<p align=center>Try another search or period, or clear the filters "
                           "to see every call.</p>"));
        m_clear->setVisible(true);
        return;
    }
    m_title->setText(tr("No calls yet"));
    m_body->setText(
        tr("<p>Calls to your Twilio number appear here the moment they come in.</p>"
           "<ol>"
           "<li>Start the service: <code>switchboard-service</code></li>"
           "<li>In the Twilio console, point the number's voice webhook at the service's "
           "<code>/voice</code> address.</li>"
           "<li>Or try it without a phone: place a simulated call with<br>"
           "<code>switchboard-sim --service http://127.0.0.1:8080 --press 2</code></li>"
           "</ol>"
           "<p style='color:gray'>Reading the call log %1</p>")
            .arg(databaseLocation.toHtmlEscaped()));
    m_clear->setVisible(false);
}

} // namespace Switchboard
