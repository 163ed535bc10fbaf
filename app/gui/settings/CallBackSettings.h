#pragma once

#include <QGroupBox>

class QLabel;
class QLineEdit;

namespace Switchboard {

class AppSettings;

// The settings "Call back" needs: the staff member's own phone (E.164), the name others see,
// the service's public URL (Twilio fetches the call back's TwiML there) and Twilio's API
// address (for the simulator; Twilio's by default).
class CallBackSettings final : public QGroupBox
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CallBackSettings)

public:
    explicit CallBackSettings(AppSettings *settings, QWidget *parent = nullptr);

    // False, with the problem shown and its field focused, when a field is not acceptable.
    bool validate();
    void save();

private:
    bool fail(QLineEdit *field, const QString &problem);

    AppSettings *m_settings;
    QLineEdit *m_ownNumber;
    QLineEdit *m_serviceUrl;
    QLineEdit *m_twilioApi;
    QLabel *m_error;
};

} // namespace Switchboard
