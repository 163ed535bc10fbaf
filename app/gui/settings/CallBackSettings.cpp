#include "CallBackSettings.h"

#include "backend/AppSettings.h"
#include "twilio/Identifiers.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QUrl>

namespace Switchboard {
namespace {

bool isHttpUrl(const QString &text, bool httpsOnly)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || url.hasQuery() || url.hasFragment() ||
        !url.userInfo().isEmpty())
        return false;
    return url.scheme() == QLatin1String("https") ||
           (!httpsOnly && url.scheme() == QLatin1String("http"));
}

} // namespace

CallBackSettings::CallBackSettings(AppSettings *settings, QWidget *parent)
    : QGroupBox(tr("Call back"), parent)
    , m_settings(settings)
{
    setObjectName(QStringLiteral("callBackSettings"));
    auto *form = new QFormLayout(this);
    m_ownNumber = new QLineEdit(settings->ownNumber(), this);
    m_ownNumber->setObjectName(QStringLiteral("ownNumberEdit"));
    m_ownNumber->setPlaceholderText(QStringLiteral("+14155550100"));
    m_ownNumber->setToolTip(tr("Your phone, in international form: it rings first, then the "
                               "caller is connected to you."));
    form->addRow(tr("Your &phone:"), m_ownNumber);
    m_serviceUrl = new QLineEdit(settings->serviceUrl(), this);
    m_serviceUrl->setObjectName(QStringLiteral("serviceUrlEdit"));
    m_serviceUrl->setPlaceholderText(QStringLiteral("https://switchboard.example.com"));
    m_serviceUrl->setToolTip(tr("The service's public URL, as its --public-url says."));
    form->addRow(tr("Ser&vice URL:"), m_serviceUrl);
    m_twilioApi = new QLineEdit(settings->twilioApiUrl(), this);
    m_twilioApi->setObjectName(QStringLiteral("twilioApiEdit"));
    form->addRow(tr("Twilio &API:"), m_twilioApi);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("callBackSettingsError"));
    m_error->setTextFormat(Qt::PlainText);
    m_error->setWordWrap(true);
    m_error->hide();
    form->addRow(QString(), m_error);
}

bool CallBackSettings::fail(QLineEdit *field, const QString &problem)
{
    m_error->setText(problem);
    m_error->show();
    field->setFocus();
    return false;
}

bool CallBackSettings::validate()
{
    const QString number = m_ownNumber->text().trimmed();
    if (!number.isEmpty() && !isE164(number))
        return fail(m_ownNumber, tr("Your phone must be in international form: + and up to 15 "
                                    "digits, e.g. +14155550100."));
    const QString service = m_serviceUrl->text().trimmed();
    if (!service.isEmpty() && !isHttpUrl(service, false))
        return fail(m_serviceUrl, tr("The service URL must be an http(s) address, e.g. "
                                     "https://switchboard.example.com."));
    if (!isHttpUrl(m_twilioApi->text().trimmed(), false))
        return fail(m_twilioApi, tr("Twilio's API address must be an http(s) address, e.g. "
                                    "https://api.twilio.com."));
    m_error->hide();
    return true;
}

void CallBackSettings::save()
{
    m_settings->setOwnNumber(m_ownNumber->text().trimmed());
    m_settings->setServiceUrl(m_serviceUrl->text().trimmed());
    m_settings->setTwilioApiUrl(m_twilioApi->text().trimmed());
}

} // namespace Switchboard
