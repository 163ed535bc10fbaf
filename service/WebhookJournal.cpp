#include "WebhookJournal.h"

#include "core/Logging.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <unistd.h>

namespace Switchboard {
namespace {

const QString kDatabaseKey = QStringLiteral("database");

QByteArray toLine(const Webhook &webhook, const QString &database)
{
    QJsonArray params;
    for (const auto &[name, value] : webhook.params.items())
        params.append(QJsonArray{name, value});
    const QJsonObject entry{
        {kDatabaseKey, database},
        {QStringLiteral("kind"), webhookKindToString(webhook.kind)},
        {QStringLiteral("received_ms"), webhook.receivedAt.toMSecsSinceEpoch()},
        {QStringLiteral("url"), webhook.url},
        {QStringLiteral("forward_to"), webhook.forwardTo},
        {QStringLiteral("params"), params},
    };
    return QJsonDocument(entry).toJson(QJsonDocument::Compact) + '\n';
}

std::optional<Webhook> fromEntry(const QJsonObject &entry)
{
    const auto kind = webhookKindFromString(entry.value(QStringLiteral("kind")).toString());
    if (!kind)
        return std::nullopt;
    Webhook webhook;
    webhook.kind = *kind;
    webhook.receivedAt = QDateTime::fromMSecsSinceEpoch(
        entry.value(QStringLiteral("received_ms")).toInteger(), Qt::UTC);
    webhook.url = entry.value(QStringLiteral("url")).toString();
    webhook.forwardTo = entry.value(QStringLiteral("forward_to")).toString();
    for (const QJsonValue &pair : entry.value(QStringLiteral("params")).toArray())
        webhook.params.add(pair[0].toString(), pair[1].toString());
    return webhook;
}

} // namespace

WebhookJournal::WebhookJournal(const QString &path, const QString &database)
    : m_file(path)
    , m_database(database)
{}

bool WebhookJournal::open(QString *error)
{
    QDir().mkpath(QFileInfo(m_file).absolutePath());
    if (!m_file.open(QIODevice::ReadWrite | QIODevice::Append)) {
        *error = QStringLiteral("--journal: cannot open %1: %2")
                     .arg(m_file.fileName(), m_file.errorString());
        return false;
    }
    m_file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    m_file.seek(0);
    QString otherDatabase;
    int others = 0;
    while (!m_file.atEnd()) {
        const QJsonObject entry = QJsonDocument::fromJson(m_file.readLine()).object();
        const auto webhook = fromEntry(entry);
        if (!webhook)
            continue; // a line cut short by a crash while it was written
        // Entries written before journals named their database belong to this one.
        const QString database = entry.value(kDatabaseKey).toString(m_database);
        if (database != m_database) {
            otherDatabase = database;
            ++others;
            continue;
        }
        m_entries.append(*webhook);
    }
    if (others > 0) {
        *error = QStringLiteral("--journal: %1 holds %2 webhooks for %3, not for this --database "
                                "%4: start the service once with --database %3 to write them "
                                "there, or give this one another --journal")
                     .arg(m_file.fileName(), QString::number(others), otherDatabase, m_database);
        m_entries.clear();
        m_file.close();
        return false;
    }
    if (!m_entries.isEmpty())
        qCWarning(lcDatabase).noquote()
            << m_entries.size() << "webhooks wait in the journal" << m_file.fileName();
    return true;
}

bool WebhookJournal::append(const Webhook &webhook)
{
    const QByteArray line = toLine(webhook, m_database);
    if (m_file.write(line) != line.size() || !m_file.flush() || ::fsync(m_file.handle()) != 0)
        return false;
    m_entries.append(webhook);
    return true;
}

bool WebhookJournal::clear()
{
    if (!m_file.resize(0) || ::fsync(m_file.handle()) != 0)
        return false;
    m_entries.clear();
    return true;
}

} // namespace Switchboard
