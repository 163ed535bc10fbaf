#include "CountersBar.h"

#include "backend/CallLog.h"
#include "backend/CountersReader.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

namespace Switchboard {

CountersBar::CountersBar(CallLog *log, QWidget *parent)
    : QWidget(parent)
    , m_log(log)
    , m_reader(new CountersReader(this))
{
    setObjectName(QStringLiteral("countersBar"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(28);
    m_calls = addCounter(QStringLiteral("callsToday"), tr("Calls today"));
    m_answered = addCounter(QStringLiteral("answeredToday"), tr("Answered"));
    m_missed = addCounter(QStringLiteral("missedToday"), tr("Missed"));
    m_unheard = addCounter(QStringLiteral("unheardVoicemails"), tr("Unheard by me"));
    m_unheard->setCursor(Qt::PointingHandCursor);
    m_unheard->parentWidget()->setToolTip(tr("Show the unheard voicemails"));
    layout->addStretch(1);

    m_throttle.setSingleShot(true);
    m_throttle.setInterval(1000);
    connect(&m_throttle, &QTimer::timeout, this, &CountersBar::recount);
    connect(m_log, &CallLog::changed, this, [this] {
        if (!m_throttle.isActive())
            m_throttle.start();
    });
    connect(m_log, &CallLog::availabilityChanged, this, &CountersBar::recount);
    connect(m_reader, &CountersReader::counted, this, &CountersBar::showCounters);
}

void CountersBar::setViewer(const QString &name)
{
    m_reader->setViewer(name);
    recount();
}

QLabel *CountersBar::addCounter(const QString &name, const QString &caption)
{
    auto *box = new QWidget(this);
    auto *column = new QVBoxLayout(box);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    auto *value = new QLabel(QStringLiteral("–"), box);
    value->setObjectName(name);
    value->setTextFormat(Qt::PlainText);
    QFont big = value->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setWeight(QFont::DemiBold);
    value->setFont(big);
    auto *label = new QLabel(caption, box);
    label->setTextFormat(Qt::PlainText);
    QPalette muted = label->palette();
    QColor text = muted.color(QPalette::WindowText);
    text.setAlphaF(0.6);
    muted.setColor(QPalette::WindowText, text);
    label->setPalette(muted);
    column->addWidget(value);
    column->addWidget(label);
    static_cast<QHBoxLayout *>(layout())->addWidget(box);
    if (name == QLatin1String("unheardVoicemails")) {
        // A click on the counter shows those voicemails.
        value->setTextFormat(Qt::RichText); // a link around a count, nothing else
        value->setTextInteractionFlags(Qt::LinksAccessibleByMouse);
        connect(value, &QLabel::linkActivated, this, &CountersBar::unheardClicked);
    }
    return value;
}

void CountersBar::setValue(QLabel *label, int value)
{
    label->setText(QLocale().toString(value));
}

void CountersBar::recount()
{
    m_throttle.stop();
    if (!m_log->isAvailable())
        return;
    m_reader->setConnection(m_log->connection());
    m_reader->request();
}

void CountersBar::showCounters(const CallCounters &counters)
{
    m_counters = counters;
    setValue(m_calls, m_counters.callsToday);
    setValue(m_answered, m_counters.answeredToday);
    setValue(m_missed, m_counters.missedToday);
    // A link, so that it can be clicked; styled like the other figures.
    m_unheard->setText(
        m_counters.unheardVoicemails > 0
            ? QStringLiteral(
                  "<a href=\"unheard\" style=\"text-decoration:none; color:#3b6fd6\">%1</a>")
                  .arg(QLocale().toString(m_counters.unheardVoicemails))
            : QStringLiteral("0"));
    Q_EMIT counted();
}

} // namespace Switchboard
