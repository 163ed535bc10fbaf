#include "Keychain.h"

#include <memory>
#include <QCoreApplication>
#include <QPointer>
#include <qt6keychain/keychain.h>
#include <QTimer>
#include <utility>

namespace Switchboard::Keychain {
namespace {

// A locked keyring may wait for a prompt that no one can answer (no display, no agent).
constexpr int keyringTimeoutMs = 20000;

QString tr(const char *text)
{
    return QCoreApplication::translate("Switchboard::Keychain", text);
}

} // namespace

QString serviceName()
{
    return QStringLiteral("Switchboard");
}

void run(QKeychain::Job *job, QObject *context, std::function<void(QKeychain::Job *)> done)
{
    auto answered = std::make_shared<bool>(false);
    auto *timer = new QTimer(context);
    timer->setSingleShot(true);
    QObject::connect(timer, &QTimer::timeout, context, [answered, done, timer] {
        timer->deleteLater();
        if (std::exchange(*answered, true))
            return;
        done(nullptr);
    });
    QObject::connect(job, &QKeychain::Job::finished, context,
                     [answered, done, timer = QPointer<QTimer>(timer)](QKeychain::Job *job) {
                         if (timer)
                             timer->deleteLater();
                         if (std::exchange(*answered, true))
                             return;
                         done(job);
                     });
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // a plain-text file is no place for a secret
    timer->start(keyringTimeoutMs);
    job->start();
}

QString describe(QKeychain::Job *job, const QString &noKeyring, const QString &secret)
{
    switch (job->error()) {
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return noKeyring;
    case QKeychain::OtherError:
        // QtKeychain 0.13 reports a missing Secret Service this way on the libsecret path.
        return noKeyring + QStringLiteral(" (") + job->errorString() + QStringLiteral(")");
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return tr("The keyring denied access to %1 (%2).").arg(secret, job->errorString());
    default:
        return tr("The keyring failed: %1").arg(job->errorString());
    }
}

QString timeoutMessage()
{
    return tr("The keyring did not answer within %1 seconds; it may be locked.")
        .arg(keyringTimeoutMs / 1000);
}

} // namespace Switchboard::Keychain
