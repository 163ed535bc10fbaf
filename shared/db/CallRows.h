#pragma once

#include "core/CallRecord.h"

#include <QSqlQuery>
#include <QString>

namespace Switchboard::CallRows {

// "SELECT <every call and voicemail column but the audio>[, extraColumns] FROM calls c LEFT
// JOIN voicemails v"; append WHERE / ORDER BY. The extra columns come from columnCount() on.
QString selectSql(const QString &extraColumns = {});
int columnCount();

// Reads the current row of a query started with selectSql().
CallRecord fromQuery(const QSqlQuery &query);

// Milliseconds since the epoch, and back; NULL for an invalid time.
QVariant toColumn(const QDateTime &time);
QDateTime fromColumn(const QVariant &value);

} // namespace Switchboard::CallRows
