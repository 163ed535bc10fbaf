#pragma once

#include "CallSettings.h"
#include "SimulationRun.h"

#include <QHostAddress>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace Switchboard {

// Everything switchboard-sim's command line can say.
struct SimOptions
{
    CallSettings settings;
    SimulationRun::Plan plan;
    QHostAddress mediaAddress = QHostAddress::LocalHost;
    quint16 mediaPort = 8090;
    int failDownloads = 0;
    bool waitDownloads = true;
    int waitDownloadsSeconds = 30;
    bool json = false;
    int callBacks = 0; // call backs to wait for on the REST Calls endpoint
    FarEnd callBackStaff;
    FarEnd callBackCaller;
    int waitCallBacksSeconds = 60;

    enum class Outcome
    {
        Run,
        ShowText, // --help or --version: print `message` and exit 0
        Error,    // bad usage: print `message` and exit 2
    };

    static Outcome parse(const QStringList &arguments, const QProcessEnvironment &environment,
                         SimOptions *options, QString *message);
};

} // namespace Switchboard
