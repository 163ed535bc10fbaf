#include "WebhookJournal.h"

#include "core/Logging.h"

#include <fcntl.h>
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
        {QStringLiteral("reason"), webhook.reason},
        {QStringLiteral("member_name"), webhook.memberName},
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
    webhook.reason = entry.value(QStringLiteral("reason")).toString();
    webhook.memberName = entry.value(QStringLiteral("member_name")).toString();
    for (const QJsonValue &pair : entry.value(QStringLiteral("params")).toArray())
        webhook.params.add(pair[0].toString(), pair[1].toString());
    return webhook;
}

// An entry, or, in a line an older version appended to an entry cut short, the entry at its
// end (each line starts with '{'; the entry's values hold no unescaped quote).
std::optional<Webhook> readEntry(QByteArrayView line, QJsonObject *entry)
{
    for (qsizetype from = 0; from >= 0; from = line.indexOf('{', from + 1)) {
        *entry = QJsonDocument::fromJson(line.sliced(from).toByteArray()).object();
        if (auto webhook = fromEntry(*entry))
            return webhook;
    }
    return std::nullopt;
}

// A new file's name is durable only once its folder is synced.
bool syncFolder(const QString &folder)
{
    const int descriptor = ::open(QFile::encodeName(folder).constData(), O_RDONLY | O_DIRECTORY);
    if (descriptor < 0)
        return false;
    const bool synced = ::fsync(descriptor) == 0;
    ::close(descriptor);
    return synced;
}

} // namespace

WebhookJournal::WebhookJournal(const QString &path, const QString &database)
    : m_file(path)
    , m_database(database)
{}

bool WebhookJournal::open(QString *error)
{
    const QString folder = QFileInfo(m_file).absolutePath();
    QDir().mkpath(folder);
    const bool existed = m_file.exists();
    // Unbuffered: a write that failed must not linger in a buffer and reach the file later.
    if (!m_file.open(QIODevice::ReadWrite | QIODevice::Append | QIODevice::Unbuffered) ||
        (!existed && !syncFolder(folder))) {
        *error = QStringLiteral("--journal: cannot open %1: %2")
                     .arg(m_file.fileName(), m_file.errorString());
        return false;
    }
    m_file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    m_file.seek(0);
    const QByteArray content = m_file.readAll();
    m_size = content.lastIndexOf('\n') + 1;
    if (m_size < content.size() && !cutTornEnd(content.size())) {
        *error = QStringLiteral("--journal: cannot cut the unfinished entry off the end of %1: %2")
                     .arg(m_file.fileName(), m_file.errorString());
        return false;
    }
    QString otherDatabase;
    int others = 0;
    for (qsizetype start = 0; start < m_size;) {
        const qsizetype end = content.indexOf('\n', start);
        const QByteArrayView line = QByteArrayView(content).sliced(start, end - start);
        start = end + 1;
        if (line.trimmed().isEmpty())
            continue;
        QJsonObject entry;
        const auto webhook = readEntry(line, &entry);
        if (!webhook) {
            m_unreadable += line.toByteArray() + '\n';
            continue;
        }
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
    if (!m_unreadable.isEmpty())
        qCWarning(lcDatabase).noquote()
            << m_unreadable.count('\n') << "lines of the journal" << m_file.fileName()
            << "cannot be read; they go to" << unreadablePath() << "once it is replayed";
    if (m_entries.isEmpty() && !m_unreadable.isEmpty() && !clear()) {
        *error = QStringLiteral("--journal: cannot move its unreadable lines to %1")
                     .arg(unreadablePath());
        return false;
    }
    if (!m_entries.isEmpty())
        qCWarning(lcDatabase).noquote()
            << m_entries.size() << "webhooks wait in the journal" << m_file.fileName();
    return true;
}

bool WebhookJournal::cutTornEnd(qint64 size)
{
    // Its append never returned: the webhook it held was not acknowledged.
    if (!m_file.resize(m_size) || ::fsync(m_file.handle()) != 0)
        return false;
    qCWarning(lcDatabase).noquote()
        << "the journal" << m_file.fileName() << "ended in an entry"
        << "cut short," << size - m_size << "bytes never acknowledged: cut off";
    return true;
}

bool WebhookJournal::append(const Webhook &webhook)
{
    // What a failed append left must not become the start of this entry's line.
    if (m_file.size() != m_size && (!m_file.resize(m_size) || ::fsync(m_file.handle()) != 0))
        return false;
    const QByteArray line = toLine(webhook, m_database);
    if (m_file.write(line) != line.size() || ::fsync(m_file.handle()) != 0) {
        m_file.resize(m_size);
        return false;
    }
    m_size += line.size();
    m_entries.append(webhook);
    return true;
}

QString WebhookJournal::unreadablePath() const
{
    return m_file.fileName() + QStringLiteral(".unreadable");
}

bool WebhookJournal::setAsideUnreadable()
{
    if (m_unreadable.isEmpty())
        return true;
    QFile aside(unreadablePath());
    const bool existed = aside.exists();
    if (!aside.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered) ||
        aside.write(m_unreadable) != m_unreadable.size() || ::fsync(aside.handle()) != 0 ||
        (!existed && !syncFolder(QFileInfo(aside).absolutePath())))
        return false;
    aside.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    m_unreadable.clear();
    return true;
}

bool WebhookJournal::clear()
{
    if (!setAsideUnreadable() || !m_file.resize(0) || ::fsync(m_file.handle()) != 0)
        return false;
    m_size = 0;
    m_entries.clear();
    return true;
}

} // namespace Switchboard
