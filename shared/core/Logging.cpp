#include "Logging.h"

Q_LOGGING_CATEGORY(lcDatabase, "switchboard.database")
Q_LOGGING_CATEGORY(lcWebhook, "switchboard.webhook")
Q_LOGGING_CATEGORY(lcRecording, "switchboard.recording")
