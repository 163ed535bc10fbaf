#include "ServiceConfig.h"

#include "db/DefaultLocation.h"
#include "twilio/Identifiers.h"

#include <cstdio>
#include <QCommandLineParser>
#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QSettings>
#include <QStandardPaths>
#include <sys/stat.h>

namespace Switchboard {
namespace {

// One setting: its flag (also its key in the INI file), its environment variable, its default.
struct Setting
{
    const char *name;
    const char *variable;
    const char *valueName;
    const char *description;
    const char *fallback;
};

const Setting kSettings[] = {
    {"listen", "SWITCHBOARD_LISTEN", "host:port", "Address to listen on.", "127.0.0.1:8080"},
    {"database", "SWITCHBOARD_DATABASE", "url",
     "sqlite:/absolute/path.db or postgresql://user@host:port/db.", ""},
    {"public-url", "SWITCHBOARD_PUBLIC_URL", "url",
     "The base URL Twilio uses to reach this service (a tunnel or proxy address). Signatures are "
     "checked against it; defaults to http://<listen address>.",
     ""},
    {"forward-to", "SWITCHBOARD_FORWARD_TO", "number",
     "The staff phone that callers who press 1 are forwarded to (E.164).", ""},
    {"twilio-api", "SWITCHBOARD_TWILIO_API", "url",
     "Twilio's API; the only host recordings are fetched from and credentials sent to.",
     "https://api.twilio.com"},
    {"auth-token-file", "SWITCHBOARD_AUTH_TOKEN_FILE", "file",
     "File with TWILIO_ACCOUNT_SID=… and TWILIO_AUTH_TOKEN=… lines, mode 0600 (else the TWILIO_* "
     "environment variables are used).",
     ""},
    {"greeting", "SWITCHBOARD_GREETING", "text", "The menu the caller hears.",
     "Thank you for calling. To speak to someone, press 1. To leave a message, press 2."},
    {"voice", "SWITCHBOARD_VOICE", "name", "Twilio <Say> voice.", "Polly.Joanna"},
    {"language", "SWITCHBOARD_LANGUAGE", "tag", "Twilio <Say> language.", "en-US"},
    {"ring-timeout", "SWITCHBOARD_RING_TIMEOUT", "seconds",
     "How long the staff phone rings before voicemail.", "20"},
    {"voicemail-max", "SWITCHBOARD_VOICEMAIL_MAX", "seconds", "Longest voicemail.", "120"},
    {"menu-repeats", "SWITCHBOARD_MENU_REPEATS", "count",
     "How often the menu is played before voicemail when nobody presses a key.", "3"},
    {"download-retry-ms", "SWITCHBOARD_DOWNLOAD_RETRY_MS", "ms",
     "First delay before retrying a failed recording download; it doubles each time.", "5000"},
    {"download-attempts", "SWITCHBOARD_DOWNLOAD_ATTEMPTS", "count",
     "Recording download attempts before it is marked failed.", "6"},
    {"format", "SWITCHBOARD_EXPORT_FORMAT", "json|csv", "export: output format.", "json"},
    {"from", "SWITCHBOARD_MIGRATE_FROM", "url",
     "migrate: the call log to copy (e.g. sqlite:/var/lib/switchboard/calls.db).", ""},
    {"to", "SWITCHBOARD_MIGRATE_TO", "url",
     "migrate: the empty database to copy it into (e.g. postgresql://switchboard@db/switchboard).",
     ""},
    {"trusted-proxy", "SWITCHBOARD_TRUSTED_PROXIES", "addresses",
     "Comma-separated addresses of reverse proxies whose X-Forwarded-Proto and X-Forwarded-Host "
     "say which URL Twilio requested (default: none; --public-url decides).",
     ""},
    {"journal", "SWITCHBOARD_JOURNAL", "file",
     "Where webhooks wait while the database is unavailable (default: beside a SQLite database, "
     "else in the data folder).",
     ""},
    {"database-timeout-ms", "SWITCHBOARD_DATABASE_TIMEOUT_MS", "ms",
     "How long a write waits for a database lock before the webhook goes to the journal.", "5000"},
    {"sqlite-sync", "SWITCHBOARD_SQLITE_SYNC", "full|normal",
     "SQLite: full syncs every commit of webhooks to disk, so an answered webhook survives a power "
     "loss or an OS crash; normal syncs only at checkpoints (less disk work; a power loss may lose "
     "the last answered webhooks).",
     "full"},
    {"request-timeout-ms", "SWITCHBOARD_REQUEST_TIMEOUT_MS", "ms",
     "A request must arrive whole within this time of its first byte; slower clients are closed.",
     "10000"},
    {"idle-timeout-ms", "SWITCHBOARD_IDLE_TIMEOUT_MS", "ms",
     "An idle kept-alive connection is closed after this time.", "30000"},
    {"max-connections", "SWITCHBOARD_MAX_CONNECTIONS", "count",
     "Open connections at most; more are answered 503.", "512"},
    {"max-connections-per-address", "SWITCHBOARD_MAX_CONNECTIONS_PER_ADDRESS", "count",
     "Open connections from one client address at most (trusted proxies are not capped); more "
     "are answered 503.",
     "128"},
    {"http-threads", "SWITCHBOARD_HTTP_THREADS", "count",
     "Threads answering webhooks; the webhooks they have in flight are committed together.", "32"},
    {"metrics-token", "SWITCHBOARD_METRICS_TOKEN", "token",
     "Bearer token that GET /metrics requires; without one /metrics is off (404).", ""},
};

class Sources final
{
public:
    Sources(const QCommandLineParser &parser, QSettings *file)
        : m_parser(parser)
        , m_file(file)
        , m_environment(QProcessEnvironment::systemEnvironment())
    {}

    QString value(const Setting &setting) const
    {
        const QString name = QString::fromLatin1(setting.name);
        if (m_parser.isSet(name))
            return m_parser.value(name);
        const QString variable = QString::fromLatin1(setting.variable);
        if (m_environment.contains(variable))
            return m_environment.value(variable);
        if (m_file && m_file->contains(name))
            return m_file->value(name).toString();
        return QString::fromUtf8(setting.fallback);
    }

    QString value(const char *name) const
    {
        for (const Setting &setting : kSettings) {
            if (qstrcmp(setting.name, name) == 0)
                return value(setting);
        }
        Q_UNREACHABLE();
    }

    QString environment(const char *variable) const
    {
        return m_environment.value(QString::fromLatin1(variable));
    }

private:
    const QCommandLineParser &m_parser;
    QSettings *m_file;
    QProcessEnvironment m_environment;
};

std::optional<int> positive(const QString &text, int maximum)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    return ok && value > 0 && value <= maximum ? std::optional<int>(value) : std::nullopt;
}

bool readTokenFile(const QString &path, ServiceConfig &config, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error =
            QStringLiteral("--auth-token-file: cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    // systemd's LoadCredential= hands the service a root-owned 0400 file plus an ACL entry for the
    // service user; stat() shows the ACL mask in the group bits (0440). That directory is private
    // to the service, so there, and only there, the group's read bit is let through.
    const QString credentials = qEnvironmentVariable("CREDENTIALS_DIRECTORY");
    const bool fromSystemd =
        !credentials.isEmpty() &&
        QFileInfo(path).canonicalPath() == QFileInfo(credentials).canonicalFilePath();
    // Nobody else may read the token, nor write another one in: no group or other bit at all.
    QFileDevice::Permissions forbidden = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                         QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                         QFileDevice::WriteOther | QFileDevice::ExeOther;
    if (fromSystemd)
        forbidden &= ~QFileDevice::Permissions(QFileDevice::ReadGroup);
    if (file.permissions() & forbidden) {
        struct stat info = {};
        ::stat(QFile::encodeName(path).constData(), &info);
        *error = QStringLiteral("--auth-token-file: %1 (mode %2) lets other users read or write "
                                "it; chmod 600 it")
                     .arg(path)
                     .arg(info.st_mode & 07777, 4, 8, QLatin1Char('0'));
        return false;
    }
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        const qsizetype equals = line.indexOf('=');
        if (line.isEmpty() || line.startsWith('#') || equals < 0)
            continue;
        const QByteArray key = line.left(equals).trimmed(), value = line.mid(equals + 1).trimmed();
        if (key == "TWILIO_ACCOUNT_SID")
            config.accountSid = QString::fromUtf8(value);
        else if (key == "TWILIO_AUTH_TOKEN")
            config.authToken = value;
    }
    return true;
}

bool parseListen(const QString &text, ServiceConfig &config)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    QString host = text.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    if (!ok || port > 65535)
        return false;
    config.listenAddress = host == QLatin1String("localhost")
                               ? QHostAddress(QHostAddress::LocalHost)
                               : QHostAddress(host);
    config.listenPort = quint16(port);
    return !config.listenAddress.isNull();
}

bool isHttpUrl(const QUrl &url)
{
    return url.isValid() && !url.host().isEmpty() &&
           (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"));
}

} // namespace

std::optional<ServiceConfig> ServiceConfig::load(const QStringList &arguments, QString *error,
                                                 bool *helpShown)
{
    *helpShown = false;
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Answers Twilio's voice webhooks for an IVR (1: forward, 2: voicemail) and "
                       "logs every call.\n"
                       "Commands: run (default), export, migrate --from URL --to URL, "
                       "configure-number +1… (points the Twilio number at --public-url)."));
    parser.addPositionalArgument(
        QStringLiteral("command"),
        QStringLiteral("run | export | migrate | configure-number <number>"),
        QStringLiteral("[command]"));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption configOption(
        QStringLiteral("config"),
        QStringLiteral("INI file with any of the settings below (keys as the flags)."),
        QStringLiteral("file"));
    parser.addOption(configOption);
    for (const Setting &setting : kSettings) {
        QString description = QString::fromUtf8(setting.description) + QStringLiteral(" [env ") +
                              QString::fromLatin1(setting.variable) + QLatin1Char(']');
        if (*setting.fallback)
            description +=
                QStringLiteral(" (default: %1)").arg(QString::fromUtf8(setting.fallback));
        parser.addOption(QCommandLineOption(QString::fromLatin1(setting.name), description,
                                            QString::fromLatin1(setting.valueName)));
    }

    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return std::nullopt;
    }
    if (parser.isSet(helpOption) || parser.isSet(versionOption)) {
        *helpShown = true;
        if (parser.isSet(versionOption))
            std::printf("%s %s\n", qPrintable(QCoreApplication::applicationName()),
                        SWITCHBOARD_VERSION);
        else
            std::printf("%s", qPrintable(parser.helpText()));
        return std::nullopt;
    }

    ServiceConfig config;
    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty())
        config.command = positional.first();
    const bool configureNumber = config.command == QLatin1String("configure-number");
    const QStringList commands{QStringLiteral("run"), QStringLiteral("export"),
                               QStringLiteral("migrate"), QStringLiteral("configure-number")};
    if (!commands.contains(config.command)) {
        *error =
            QStringLiteral("unknown command '%1': use run, export, migrate or configure-number")
                .arg(config.command);
        return std::nullopt;
    }
    if (configureNumber) {
        config.phoneNumber = positional.value(1);
        if (!isE164(config.phoneNumber)) {
            *error =
                QStringLiteral("configure-number: '%1' is not an E.164 number such as +14155550100")
                    .arg(config.phoneNumber);
            return std::nullopt;
        }
    }

    std::unique_ptr<QSettings> file;
    if (parser.isSet(configOption)) {
        const QString path = parser.value(configOption);
        if (!QFileInfo(path).isReadable()) {
            *error = QStringLiteral("--config: cannot read %1").arg(path);
            return std::nullopt;
        }
        file = std::make_unique<QSettings>(path, QSettings::IniFormat);
    }
    const Sources sources(parser, file.get());

    if (config.command == QLatin1String("migrate")) {
        for (const auto &[name, target] :
             {std::pair{"from", &config.migrateFrom}, std::pair{"to", &config.migrateTo}}) {
            const auto migrateUrl = DatabaseUrl::parse(sources.value(name), error);
            if (!migrateUrl) {
                *error = QStringLiteral("--%1: ").arg(QLatin1String(name)) + *error;
                return std::nullopt;
            }
            *target = *migrateUrl;
        }
        return config;
    }

    const QString database = sources.value("database");
    const auto url =
        DatabaseUrl::parse(database.isEmpty() ? defaultDatabaseUrl() : database, error);
    if (!url) {
        *error = QStringLiteral("--database: ") + *error;
        return std::nullopt;
    }
    config.database = *url;
    config.exportFormat = sources.value("format");
    if (config.command == QLatin1String("export")) {
        if (config.exportFormat != QLatin1String("json") &&
            config.exportFormat != QLatin1String("csv")) {
            *error = QStringLiteral("--format: '%1' is not json or csv").arg(config.exportFormat);
            return std::nullopt;
        }
        return config;
    }

    for (const QString &address :
         sources.value("trusted-proxy").split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QHostAddress proxy(address.trimmed());
        if (proxy.isNull()) {
            *error =
                QStringLiteral("--trusted-proxy: '%1' is not an IP address").arg(address.trimmed());
            return std::nullopt;
        }
        config.trustedProxies.append(proxy);
    }
    config.journalPath = sources.value("journal");
    if (config.journalPath.isEmpty() && config.database.engine == DatabaseUrl::Engine::Sqlite) {
        config.journalPath = config.database.path + QStringLiteral(".journal");
    } else if (config.journalPath.isEmpty()) {
        // One journal per database and listening port: instances on one host each have their
        // own, and a service pointed at another database does not take over its webhooks.
        const QByteArray database = QCryptographicHash::hash(
            config.database.toDisplayString().toUtf8(), QCryptographicHash::Sha256);
        config.journalPath = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                             QStringLiteral("/switchboard/journal-%1-%2.jsonl")
                                 .arg(sources.value("listen").section(QLatin1Char(':'), -1),
                                      QString::fromLatin1(database.toHex().left(12)));
    }
    if (!parseListen(sources.value("listen"), config)) {
        *error = QStringLiteral("--listen: '%1' is not HOST:PORT").arg(sources.value("listen"));
        return std::nullopt;
    }

    const QString tokenFile = sources.value("auth-token-file");
    if (!tokenFile.isEmpty()) {
        if (!readTokenFile(tokenFile, config, error))
            return std::nullopt;
    } else {
        config.accountSid = sources.environment("TWILIO_ACCOUNT_SID");
        config.authToken = sources.environment("TWILIO_AUTH_TOKEN").toUtf8();
    }
    if (config.authToken.isEmpty()) {
        *error = QStringLiteral("no Twilio auth token: set TWILIO_AUTH_TOKEN or --auth-token-file");
        return std::nullopt;
    }
    if (!isValidSid(config.accountSid, QLatin1String("AC"))) {
        *error =
            QStringLiteral("TWILIO_ACCOUNT_SID: '%1' is not an Account SID (AC and 32 hex digits)")
                .arg(config.accountSid);
        return std::nullopt;
    }

    CallFlowSettings &flow = config.callFlow;
    flow.forwardTo = sources.value("forward-to");
    if (!configureNumber && !isE164(flow.forwardTo)) {
        *error = QStringLiteral("--forward-to: '%1' is not an E.164 number such as +14155550100")
                     .arg(flow.forwardTo);
        return std::nullopt;
    }

    const QString publicUrl = sources.value("public-url");
    flow.publicUrl = QUrl(publicUrl, QUrl::StrictMode);
    if (!publicUrl.isEmpty() && (!isHttpUrl(flow.publicUrl) || flow.publicUrl.hasQuery())) {
        *error = QStringLiteral("--public-url: '%1' is not an http(s) URL without a query")
                     .arg(publicUrl);
        return std::nullopt;
    }
    if (configureNumber && publicUrl.isEmpty()) {
        *error = QStringLiteral("--public-url: configure-number needs the URL Twilio should call "
                                "(e.g. https://switchboard.example.com)");
        return std::nullopt;
    }
    config.twilioApi = QUrl(sources.value("twilio-api"), QUrl::StrictMode);
    if (!isHttpUrl(config.twilioApi)) {
        *error = QStringLiteral("--twilio-api: '%1' is not an http(s) URL")
                     .arg(sources.value("twilio-api"));
        return std::nullopt;
    }

    flow.greeting = sources.value("greeting");
    flow.voice = sources.value("voice");
    flow.language = sources.value("language");
    const struct
    {
        const char *name;
        int maximum;
        int *target;
    } numbers[] = {
        {"ring-timeout", 600, &flow.ringTimeoutS},
        {"request-timeout-ms", 600000, &config.requestTimeoutMs},
        {"database-timeout-ms", 600000, &config.databaseTimeoutMs},
        {"idle-timeout-ms", 3600000, &config.idleTimeoutMs},
        {"max-connections", 100000, &config.maxConnections},
        {"max-connections-per-address", 100000, &config.maxConnectionsPerAddress},
        {"http-threads", 256, &config.httpThreads},
        {"voicemail-max", 14400, &flow.voicemailMaxS},
        {"menu-repeats", 10, &flow.menuRepeats},
        {"download-retry-ms", 3600000, &config.downloadRetryMs},
        {"download-attempts", 100, &config.downloadAttempts},
    };
    for (const auto &number : numbers) {
        const auto value = positive(sources.value(number.name), number.maximum);
        if (!value) {
            *error = QStringLiteral("--%1: '%2' is not a whole number from 1 to %3")
                         .arg(QString::fromLatin1(number.name), sources.value(number.name))
                         .arg(number.maximum);
            return std::nullopt;
        }
        *number.target = *value;
    }
    const auto sqliteSync = Database::sqliteSyncFromString(sources.value("sqlite-sync"));
    if (!sqliteSync) {
        *error = QStringLiteral("--sqlite-sync: '%1' is not full or normal")
                     .arg(sources.value("sqlite-sync"));
        return std::nullopt;
    }
    config.sqliteSync = *sqliteSync;
    config.metricsToken = sources.value("metrics-token").toUtf8();
    return config;
}

} // namespace Switchboard
