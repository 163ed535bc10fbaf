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
#include <variant>

namespace Switchboard {
namespace {

enum Command : unsigned
{
    Run = 1,
    Export = 2,
    Migrate = 4,
    ConfigureNumber = 8,
    Flow = 16,
};
constexpr unsigned kServing = Run | ConfigureNumber; // the commands that answer or wire calls

// What a setting's value is checked against while it is read.
struct Context
{
    Command command;
};

bool isHttpUrl(const QUrl &url)
{
    return url.isValid() && !url.host().isEmpty() &&
           (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"));
}

std::optional<int> positive(const QString &text, int maximum)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    return ok && value > 0 && value <= maximum ? std::optional<int>(value) : std::nullopt;
}

// The kinds of value a setting holds. Each points into a ServiceConfig; read() stores the text
// there and returns what is wrong with it (empty when nothing is); shown() is the value as
// --help prints it as the default.

struct Number
{
    int *value;
    int maximum;

    QString read(const QString &text, const Context &) const
    {
        const auto number = positive(text, maximum);
        if (!number)
            return QStringLiteral("'%1' is not a whole number from 1 to %2").arg(text).arg(maximum);
        *value = *number;
        return {};
    }
    QString shown() const { return QString::number(*value); }
};

struct Text
{
    QString *value;

    QString read(const QString &text, const Context &) const
    {
        *value = text;
        return {};
    }
    QString shown() const { return *value; }
};

struct Token
{
    QByteArray *value;

    QString read(const QString &text, const Context &) const
    {
        *value = text.toUtf8();
        return {};
    }
    QString shown() const { return QString::fromUtf8(*value); }
};

struct ListenAddress
{
    QHostAddress *address;
    quint16 *port;

    QString read(const QString &text, const Context &) const
    {
        const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
        QString host = text.left(colon);
        if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
            host = host.mid(1, host.size() - 2);
        bool ok = false;
        const uint number = text.mid(colon + 1).toUInt(&ok);
        if (colon > 0 && ok && number <= 65535) {
            *address = host == QLatin1String("localhost") ? QHostAddress(QHostAddress::LocalHost)
                                                          : QHostAddress(host);
            *port = quint16(number);
            if (!address->isNull())
                return {};
        }
        return QStringLiteral("'%1' is not HOST:PORT").arg(text);
    }
    QString shown() const
    {
        const QString host = address->protocol() == QAbstractSocket::IPv6Protocol
                                 ? QLatin1Char('[') + address->toString() + QLatin1Char(']')
                                 : address->toString();
        return host + QLatin1Char(':') + QString::number(*port);
    }
};

// A database URL; an empty one means the call log in the platform data folder when
// `defaultLocation` is set.
struct CallLog
{
    DatabaseUrl *value;
    bool defaultLocation;

    QString read(const QString &text, const Context &) const
    {
        QString problem;
        const auto url = DatabaseUrl::parse(
            text.isEmpty() && defaultLocation ? defaultDatabaseUrl() : text, &problem);
        if (!url)
            return problem;
        *value = *url;
        return {};
    }
    QString shown() const { return {}; }
};

// Where this service is reached: empty (the listen address), or an http(s) URL without a query.
struct PublicUrl
{
    QUrl *value;

    QString read(const QString &text, const Context &) const
    {
        *value = QUrl(text, QUrl::StrictMode);
        if (!text.isEmpty() && (!isHttpUrl(*value) || value->hasQuery()))
            return QStringLiteral("'%1' is not an http(s) URL without a query").arg(text);
        return {};
    }
    QString shown() const { return value->toString(); }
};

struct HttpUrl
{
    QUrl *value;

    QString read(const QString &text, const Context &) const
    {
        *value = QUrl(text, QUrl::StrictMode);
        return isHttpUrl(*value) ? QString()
                                 : QStringLiteral("'%1' is not an http(s) URL").arg(text);
    }
    QString shown() const { return value->toString(); }
};

// The staff phone; configure-number does not forward calls, so it needs none.
struct StaffPhone
{
    QString *value;

    QString read(const QString &text, const Context &context) const
    {
        *value = text;
        if (context.command != ConfigureNumber && !isE164(text))
            return QStringLiteral("'%1' is not an E.164 number such as +14155550100").arg(text);
        return {};
    }
    QString shown() const { return *value; }
};

struct ExportFormat
{
    QString *value;

    QString read(const QString &text, const Context &) const
    {
        *value = text;
        if (text != QLatin1String("json") && text != QLatin1String("csv"))
            return QStringLiteral("'%1' is not json or csv").arg(text);
        return {};
    }
    QString shown() const { return *value; }
};

// Comma-separated IP addresses.
struct Addresses
{
    QList<QHostAddress> *value;

    QString read(const QString &text, const Context &) const
    {
        value->clear();
        for (const QString &item : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QHostAddress address(item.trimmed());
            if (address.isNull())
                return QStringLiteral("'%1' is not an IP address").arg(item.trimmed());
            value->append(address);
        }
        return {};
    }
    QString shown() const
    {
        QStringList addresses;
        for (const QHostAddress &address : *value)
            addresses.append(address.toString());
        return addresses.join(QLatin1Char(','));
    }
};

struct SqliteSyncLevel
{
    Database::SqliteSync *value;

    QString read(const QString &text, const Context &) const
    {
        const auto level = Database::sqliteSyncFromString(text);
        if (!level)
            return QStringLiteral("'%1' is not full or normal").arg(text);
        *value = *level;
        return {};
    }
    QString shown() const
    {
        return *value == Database::SqliteSync::Full ? QStringLiteral("full")
                                                    : QStringLiteral("normal");
    }
};

// The Twilio credentials: from the file the setting names, else from the environment.
struct Credentials
{
    ServiceConfig *config;

    QString read(const QString &path, const Context &) const;
    QString shown() const { return {}; }
};

using Value = std::variant<Number, Text, Token, ListenAddress, CallLog, PublicUrl, HttpUrl,
                           StaffPhone, ExportFormat, Addresses, SqliteSyncLevel, Credentials>;

// Names the settings load() looks at once all are read; kSettings lists them in this order.
enum class Key
{
    Listen,
    Database,
    PublicUrl,
    ForwardTo,
    TwilioApi,
    AuthTokenFile,
    Greeting,
    Voice,
    Language,
    RingTimeout,
    VoicemailMax,
    MenuRepeats,
    DownloadRetryMs,
    DownloadAttempts,
    Format,
    From,
    To,
    TrustedProxy,
    Journal,
    DatabaseTimeoutMs,
    SqliteSync,
    RequestTimeoutMs,
    IdleTimeoutMs,
    MaxConnections,
    MaxConnectionsPerAddress,
    HttpThreads,
    MaxPendingAnswers,
    MetricsToken,
    Count,
};

// One setting: its flag (also its key in the INI file), its environment variable, the commands
// that read it, and where its value goes in a ServiceConfig (whose member holds its default).
struct Setting
{
    Key key;
    const char *name;
    const char *variable;
    const char *valueName;
    const char *description;
    unsigned commands;
    Value (*value)(ServiceConfig &config);
};

constexpr Setting kSettings[] = {
    {Key::Listen, "listen", "SWITCHBOARD_LISTEN", "host:port", "Address to listen on.", kServing,
     [](ServiceConfig &c) -> Value {
         return ListenAddress{&c.listenAddress, &c.listenPort};
     }},
    {Key::Database, "database", "SWITCHBOARD_DATABASE", "url",
     "sqlite:/absolute/path.db or postgresql://user@host:port/db.", kServing | Export | Flow,
     [](ServiceConfig &c) -> Value {
         return CallLog{&c.database, true};
     }},
    {Key::PublicUrl, "public-url", "SWITCHBOARD_PUBLIC_URL", "url",
     "The base URL Twilio uses to reach this service (a tunnel or proxy address). Signatures are "
     "checked against it; defaults to http://<listen address>.",
     kServing, [](ServiceConfig &c) -> Value { return PublicUrl{&c.callFlow.publicUrl}; }},
    {Key::ForwardTo, "forward-to", "SWITCHBOARD_FORWARD_TO", "number",
     "The staff phone that callers who press 1 are forwarded to (E.164).", kServing,
     [](ServiceConfig &c) -> Value { return StaffPhone{&c.callFlow.forwardTo}; }},
    {Key::TwilioApi, "twilio-api", "SWITCHBOARD_TWILIO_API", "url",
     "Twilio's API; the only host recordings are fetched from and credentials sent to.", kServing,
     [](ServiceConfig &c) -> Value { return HttpUrl{&c.twilioApi}; }},
    {Key::AuthTokenFile, "auth-token-file", "SWITCHBOARD_AUTH_TOKEN_FILE", "file",
     "File with TWILIO_ACCOUNT_SID=… and TWILIO_AUTH_TOKEN=… lines, mode 0600 (else the TWILIO_* "
     "environment variables are used).",
     kServing, [](ServiceConfig &c) -> Value { return Credentials{&c}; }},
    {Key::Greeting, "greeting", "SWITCHBOARD_GREETING", "text", "The menu the caller hears.",
     kServing, [](ServiceConfig &c) -> Value { return Text{&c.callFlow.greeting}; }},
    {Key::Voice, "voice", "SWITCHBOARD_VOICE", "name", "Twilio <Say> voice.", kServing,
     [](ServiceConfig &c) -> Value { return Text{&c.callFlow.voice}; }},
    {Key::Language, "language", "SWITCHBOARD_LANGUAGE", "tag", "Twilio <Say> language.", kServing,
     [](ServiceConfig &c) -> Value { return Text{&c.callFlow.language}; }},
    {Key::RingTimeout, "ring-timeout", "SWITCHBOARD_RING_TIMEOUT", "seconds",
     "How long the staff phone rings before voicemail.", kServing,
     [](ServiceConfig &c) -> Value {
         return Number{&c.callFlow.ringTimeoutS, 600};
     }},
    {Key::VoicemailMax, "voicemail-max", "SWITCHBOARD_VOICEMAIL_MAX", "seconds",
     "Longest voicemail.", kServing,
     [](ServiceConfig &c) -> Value {
         return Number{&c.callFlow.voicemailMaxS, 14400};
     }},
    {Key::MenuRepeats, "menu-repeats", "SWITCHBOARD_MENU_REPEATS", "count",
     "How often the menu is played before voicemail when nobody presses a key.", kServing,
     [](ServiceConfig &c) -> Value {
         return Number{&c.callFlow.menuRepeats, 10};
     }},
    {Key::DownloadRetryMs, "download-retry-ms", "SWITCHBOARD_DOWNLOAD_RETRY_MS", "ms",
     "First delay before retrying a failed recording download; it doubles each time.", kServing,
     [](ServiceConfig &c) -> Value {
         return Number{&c.downloadRetryMs, 3600000};
     }},
    {Key::DownloadAttempts, "download-attempts", "SWITCHBOARD_DOWNLOAD_ATTEMPTS", "count",
     "Recording download attempts before it is marked failed.", kServing,
     [](ServiceConfig &c) -> Value {
         return Number{&c.downloadAttempts, 100};
     }},
    {Key::Format, "format", "SWITCHBOARD_EXPORT_FORMAT", "json|csv", "export: output format.",
     Export, [](ServiceConfig &c) -> Value { return ExportFormat{&c.exportFormat}; }},
    {Key::From, "from", "SWITCHBOARD_MIGRATE_FROM", "url",
     "migrate: the call log to copy (e.g. sqlite:/var/lib/switchboard/calls.db).", Migrate,
     [](ServiceConfig &c) -> Value {
         return CallLog{&c.migrateFrom, false};
     }},
    {Key::To, "to", "SWITCHBOARD_MIGRATE_TO", "url",
     "migrate: the empty database to copy it into (e.g. postgresql://switchboard@db/switchboard).",
     Migrate,
     [](ServiceConfig &c) -> Value {
         return CallLog{&c.migrateTo, false};
     }},
    {Key::TrustedProxy, "trusted-proxy", "SWITCHBOARD_TRUSTED_PROXIES", "addresses",
     "Comma-separated addresses of reverse proxies whose X-Forwarded-Proto and X-Forwarded-Host "
     "say which URL Twilio requested (default: none; --public-url decides).",
     kServing, [](ServiceConfig &c) -> Value { return Addresses{&c.trustedProxies}; }},
    {Key::Journal, "journal", "SWITCHBOARD_JOURNAL", "file",
     "Where webhooks wait while the database is unavailable (default: beside a SQLite database, "
     "else in the data folder).",
     kServing, [](ServiceConfig &c) -> Value { return Text{&c.journalPath}; }},
    {Key::DatabaseTimeoutMs, "database-timeout-ms", "SWITCHBOARD_DATABASE_TIMEOUT_MS", "ms",
     "How long a write waits for a database lock before the webhook goes to the journal.", kServing,
     [](ServiceConfig &c) -> Value {
         return Number{&c.databaseTimeoutMs, 600000};
     }},
    {Key::SqliteSync, "sqlite-sync", "SWITCHBOARD_SQLITE_SYNC", "full|normal",
     "SQLite: full syncs every commit of webhooks to disk, so an answered webhook survives a power "
     "loss or an OS crash; normal syncs only at checkpoints (less disk work; a power loss may lose "
     "the last answered webhooks).",
     kServing, [](ServiceConfig &c) -> Value { return SqliteSyncLevel{&c.sqliteSync}; }},
    {Key::RequestTimeoutMs, "request-timeout-ms", "SWITCHBOARD_REQUEST_TIMEOUT_MS", "ms",
     "A request must arrive whole within this time of its first byte; slower clients are closed.",
     kServing,
     [](ServiceConfig &c) -> Value {
         return Number{&c.requestTimeoutMs, 600000};
     }},
    {Key::IdleTimeoutMs, "idle-timeout-ms", "SWITCHBOARD_IDLE_TIMEOUT_MS", "ms",
     "An idle kept-alive connection is closed after this time.", kServing,
     [](ServiceConfig &c) -> Value {
         return Number{&c.idleTimeoutMs, 3600000};
     }},
    {Key::MaxConnections, "max-connections", "SWITCHBOARD_MAX_CONNECTIONS", "count",
     "Open connections at most; more are answered 503.", kServing,
     [](ServiceConfig &c) -> Value {
         return Number{&c.maxConnections, 100000};
     }},
    {Key::MaxConnectionsPerAddress, "max-connections-per-address",
     "SWITCHBOARD_MAX_CONNECTIONS_PER_ADDRESS", "count",
     "Open connections from one client address at most (trusted proxies are not capped); more "
     "are answered 503.",
     kServing,
     [](ServiceConfig &c) -> Value {
         return Number{&c.maxConnectionsPerAddress, 100000};
     }},
    {Key::HttpThreads, "http-threads", "SWITCHBOARD_HTTP_THREADS", "count",
     "Threads reading requests and writing answers; none waits for a webhook's commit.", kServing,
     [](ServiceConfig &c) -> Value {
         return Number{&c.httpThreads, 256};
     }},
    {Key::MaxPendingAnswers, "max-pending-answers", "SWITCHBOARD_MAX_PENDING_ANSWERS", "count",
     "Webhooks waiting for their commit at most; more are answered 503 with Retry-After.", kServing,
     [](ServiceConfig &c) -> Value {
         return Number{&c.maxPendingAnswers, 100000};
     }},
    {Key::MetricsToken, "metrics-token", "SWITCHBOARD_METRICS_TOKEN", "token",
     "Bearer token that GET /metrics requires; without one /metrics is off (404).", kServing,
     [](ServiceConfig &c) -> Value { return Token{&c.metricsToken}; }},
};

constexpr bool inKeyOrder()
{
    for (size_t i = 0; i < std::size(kSettings); ++i) {
        if (kSettings[i].key != Key(i))
            return false;
    }
    return std::size(kSettings) == size_t(Key::Count);
}
static_assert(inKeyOrder(), "kSettings must list every Key once, in Key's order");

const Setting &setting(Key key)
{
    return kSettings[size_t(key)];
}

// The default of a setting as text, as --help shows it and as it is read when set nowhere.
QString defaultText(const Setting &setting)
{
    ServiceConfig defaults;
    return std::visit([](const auto &value) { return value.shown(); }, setting.value(defaults));
}

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
        if (m_file && m_file->contains(name)) {
            // QSettings reads an unquoted value with commas (a greeting, a list of proxies) as a
            // list, whose toString() is empty.
            const QVariant value = m_file->value(name);
            return value.typeId() == QMetaType::QStringList
                       ? value.toStringList().join(QStringLiteral(", "))
                       : value.toString();
        }
        return defaultText(setting);
    }

    // Whether the setting is given anywhere, rather than left to its default.
    bool isGiven(const Setting &setting) const
    {
        const QString name = QString::fromLatin1(setting.name);
        return m_parser.isSet(name) ||
               m_environment.contains(QString::fromLatin1(setting.variable)) ||
               (m_file && m_file->contains(name));
    }

private:
    const QCommandLineParser &m_parser;
    QSettings *m_file;
    QProcessEnvironment m_environment;
};

// Returns what is wrong with the file, empty when the credentials were read from it.
QString readTokenFile(const QString &path, ServiceConfig &config)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
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
        return QStringLiteral("%1 (mode %2) lets other users read or write it; chmod 600 it")
            .arg(path)
            .arg(info.st_mode & 07777, 4, 8, QLatin1Char('0'));
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
    return {};
}

QString Credentials::read(const QString &path, const Context &) const
{
    if (!path.isEmpty())
        return readTokenFile(path, *config);
    config->accountSid = qEnvironmentVariable("TWILIO_ACCOUNT_SID");
    config->authToken = qEnvironmentVariable("TWILIO_AUTH_TOKEN").toUtf8();
    return {};
}

// One per database and listening port, so that instances on one host each have their own, and a
// service pointed at another database does not take over its webhooks.
QString defaultJournalPath(const DatabaseUrl &database, const QString &listen)
{
    if (database.engine == DatabaseUrl::Engine::Sqlite)
        return database.path + QStringLiteral(".journal");
    const QByteArray hash =
        QCryptographicHash::hash(database.toDisplayString().toUtf8(), QCryptographicHash::Sha256);
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/switchboard/journal-%1-%2.jsonl")
               .arg(listen.section(QLatin1Char(':'), -1),
                    QString::fromLatin1(hash.toHex().left(12)));
}

std::optional<Command> commandNamed(const QString &name)
{
    if (name == QLatin1String("run"))
        return Run;
    if (name == QLatin1String("export"))
        return Export;
    if (name == QLatin1String("migrate"))
        return Migrate;
    if (name == QLatin1String("configure-number"))
        return ConfigureNumber;
    if (name == QLatin1String("flow"))
        return Flow;
    return std::nullopt;
}

void addSettingOptions(QCommandLineParser &parser)
{
    for (const Setting &setting : kSettings) {
        QString description = QString::fromUtf8(setting.description) + QStringLiteral(" [env ") +
                              QString::fromLatin1(setting.variable) + QLatin1Char(']');
        const QString fallback = defaultText(setting);
        if (!fallback.isEmpty())
            description += QStringLiteral(" (default: %1)").arg(fallback);
        parser.addOption(QCommandLineOption(QString::fromLatin1(setting.name), description,
                                            QString::fromLatin1(setting.valueName)));
    }
}

// The options every command knows, besides the settings'.
struct CommandLineOptions
{
    QCommandLineOption help;
    QCommandLineOption version;
    QCommandLineOption config;
};

CommandLineOptions describeCommandLine(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
        QStringLiteral("Answers Twilio's voice webhooks for an IVR (1: forward, 2: voicemail) and "
                       "logs every call.\n"
                       "Commands: run (default), export, migrate --from URL --to URL, "
                       "configure-number +1… (points the Twilio number at --public-url), "
                       "flow show | set FILE.json | history (the call flow in the database)."));
    parser.addPositionalArgument(
        QStringLiteral("command"),
        QStringLiteral("run | export | migrate | configure-number <number> | flow <action>"),
        QStringLiteral("[command]"));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    const QCommandLineOption config(
        QStringLiteral("config"),
        QStringLiteral("INI file with any of the settings below (keys as the flags)."),
        QStringLiteral("file"));
    parser.addOption(config);
    addSettingOptions(parser);
    return {help, version, config};
}

// Prints the help or the version when asked for either: then there is nothing to run.
bool showHelpOrVersion(const QCommandLineParser &parser, const CommandLineOptions &options)
{
    if (parser.isSet(options.version)) {
        std::printf("%s %s\n", qPrintable(QCoreApplication::applicationName()),
                    SWITCHBOARD_VERSION);
        return true;
    }
    if (parser.isSet(options.help)) {
        std::printf("%s", qPrintable(parser.helpText()));
        return true;
    }
    return false;
}

// The command and its own arguments (configure-number's number, flow's action and file).
std::optional<Command> readCommand(const QStringList &positional, ServiceConfig &config,
                                   QString *error)
{
    if (!positional.isEmpty())
        config.command = positional.first();
    const auto command = commandNamed(config.command);
    if (!command) {
        *error = QStringLiteral(
                     "unknown command '%1': use run, export, migrate, configure-number or flow")
                     .arg(config.command);
        return std::nullopt;
    }
    if (*command == ConfigureNumber) {
        config.phoneNumber = positional.value(1);
        if (!isE164(config.phoneNumber)) {
            *error =
                QStringLiteral("configure-number: '%1' is not an E.164 number such as +14155550100")
                    .arg(config.phoneNumber);
            return std::nullopt;
        }
    }
    if (*command == Flow) {
        config.flowArguments = positional.mid(1);
        const QString action = config.flowArguments.value(0);
        const int expected = action == QLatin1String("set") ? 2 : 1;
        if ((action != QLatin1String("show") && action != QLatin1String("set") &&
             action != QLatin1String("history")) ||
            config.flowArguments.size() != expected) {
            *error = QStringLiteral("flow: use flow show, flow set FILE.json or flow history");
            return std::nullopt;
        }
    }
    return command;
}

// The --config file, when one is given; false when it cannot be read.
bool openConfigFile(const QCommandLineParser &parser, const QCommandLineOption &option,
                    std::unique_ptr<QSettings> *file, QString *error)
{
    if (!parser.isSet(option))
        return true;
    const QString path = parser.value(option);
    if (!QFileInfo(path).isReadable()) {
        *error = QStringLiteral("--config: cannot read %1").arg(path);
        return false;
    }
    *file = std::make_unique<QSettings>(path, QSettings::IniFormat);
    return true;
}

// Every setting `command` uses, from wherever it is given, checked as it is read.
bool readSettings(const Sources &sources, Command command, ServiceConfig &config, QString *error)
{
    const Context context{command};
    for (const Setting &setting : kSettings) {
        if (!(setting.commands & command))
            continue;
        const QString problem = std::visit(
            [&](const auto &value) { return value.read(sources.value(setting), context); },
            setting.value(config));
        if (!problem.isEmpty()) {
            *error = QStringLiteral("--%1: ").arg(QLatin1String(setting.name)) + problem;
            return false;
        }
        if (sources.isGiven(setting))
            config.givenSettings.append(QString::fromLatin1(setting.name));
    }
    return true;
}

// What a command that answers or wires calls needs on top: the account's credentials, a
// journal, and for configure-number the URL Twilio should call.
bool completeServingSettings(const Sources &sources, Command command, ServiceConfig &config,
                             QString *error)
{
    if (config.journalPath.isEmpty())
        config.journalPath =
            defaultJournalPath(config.database, sources.value(setting(Key::Listen)));
    if (config.authToken.isEmpty()) {
        *error = QStringLiteral("no Twilio auth token: set TWILIO_AUTH_TOKEN or --auth-token-file");
        return false;
    }
    if (!isValidSid(config.accountSid, QLatin1String("AC"))) {
        *error =
            QStringLiteral("TWILIO_ACCOUNT_SID: '%1' is not an Account SID (AC and 32 hex digits)")
                .arg(config.accountSid);
        return false;
    }
    if (command == ConfigureNumber && config.callFlow.publicUrl.isEmpty()) {
        *error = QStringLiteral("--public-url: configure-number needs the URL Twilio should call "
                                "(e.g. https://switchboard.example.com)");
        return false;
    }
    return true;
}

} // namespace

std::optional<ServiceConfig> ServiceConfig::load(const QStringList &arguments, QString *error,
                                                 bool *helpShown)
{
    *helpShown = false;
    QCommandLineParser parser;
    const CommandLineOptions options = describeCommandLine(parser);
    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return std::nullopt;
    }
    if (showHelpOrVersion(parser, options)) {
        *helpShown = true;
        return std::nullopt;
    }
    ServiceConfig config;
    const std::optional<Command> command = readCommand(parser.positionalArguments(), config, error);
    std::unique_ptr<QSettings> file;
    if (!command || !openConfigFile(parser, options.config, &file, error))
        return std::nullopt;
    const Sources sources(parser, file.get());
    if (!readSettings(sources, *command, config, error))
        return std::nullopt;
    if ((*command & kServing) && !completeServingSettings(sources, *command, config, error))
        return std::nullopt;
    return config;
}

} // namespace Switchboard
