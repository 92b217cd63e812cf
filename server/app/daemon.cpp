#include "app/daemon.h"

#include "app/gateway.h"
#include "app/logformat.h"
#include "app/signalwatcher.h"
#include "app/systemdnotifier.h"
#include "config/configloader.h"
#include "config/valueparser.h"
#include "logging.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QScopeGuard>
#include <QFileInfo>

#include <cstdio>

namespace Postern::App {

namespace {

void printLine(FILE *stream, const QString &text)
{
    const QByteArray line = text.toUtf8() + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stream);
}

} // namespace

int runDaemon(QCoreApplication &application)
{
    QCoreApplication::setApplicationName(QStringLiteral("posternd"));
    QCoreApplication::setApplicationVersion(QStringLiteral(POSTERN_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Postern, a secure WebSocket gateway."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption configOption({QStringLiteral("c"), QStringLiteral("config")},
                                          QStringLiteral("The gateway configuration (default: $POSTERN_CONFIG, "
                                                         "else conf/gateway-config.xml)."),
                                          QStringLiteral("file"));
    const QCommandLineOption checkOption(QStringLiteral("check"),
                                         QStringLiteral("Validate the configuration and its keystore, list every "
                                                        "problem, and exit (0 when valid)."));
    const QCommandLineOption verboseOption(QStringLiteral("verbose"), QStringLiteral("Log debug messages."));
    const QCommandLineOption drainOption(QStringLiteral("drain-timeout"),
                                         QStringLiteral("On SIGTERM, how long sessions get to close (default 10s)."),
                                         QStringLiteral("duration"), QStringLiteral("10s"));
    parser.addOptions({configOption, checkOption, verboseOption, drainOption});
    if (!parser.parse(application.arguments())) {
        printLine(stderr, parser.errorText() + QStringLiteral("\nTry 'posternd --help'."));
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printLine(stdout, parser.helpText());
        return 0;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        printLine(stdout, QStringLiteral("posternd ") + QStringLiteral(POSTERN_VERSION));
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        printLine(stderr, QStringLiteral("unexpected argument '%1'\nTry 'posternd --help'.")
                              .arg(parser.positionalArguments().first()));
        return 2;
    }
    const auto drainTimeout = Config::ValueParser::parseDuration(parser.value(drainOption));
    if (!drainTimeout) {
        printLine(stderr, QStringLiteral("--drain-timeout: '%1' is not a duration").arg(parser.value(drainOption)));
        return 2;
    }
    QString configPath = parser.value(configOption);
    if (configPath.isEmpty())
        configPath = qEnvironmentVariable("POSTERN_CONFIG", QStringLiteral("conf/gateway-config.xml"));
    configPath = QFileInfo(configPath).absoluteFilePath();

    installLogHandler(parser.isSet(verboseOption));

    const auto config = Config::ConfigLoader::loadFile(configPath);
    if (!config) {
        for (const auto &error : config.error())
            printLine(stderr, QStringLiteral("error: ") + error.toString());
        printLine(stderr, QStringLiteral("%1: %2 problem(s); the gateway was not started")
                              .arg(configPath).arg(config.error().size()));
        return 1;
    }

    if (parser.isSet(checkOption)) {
        QStringList warnings;
        QStringList errors;
        const auto tls = Gateway::loadTls(*config, &warnings);
        if (!tls)
            errors << tls.error();
        if (const auto listeners = Gateway::checkListeners(*config); !listeners)
            errors << listeners.error();
        if (const auto realms = Gateway::loadRealms(*config, tls ? tls->get() : nullptr, &warnings); !realms)
            errors << realms.error();
        if (const auto backends = Gateway::checkBackends(*config, tls ? tls->get() : nullptr); !backends)
            errors << backends.error();
        if (const auto management = Gateway::checkManagement(*config); !management)
            errors << management.error();
        for (const QString &warning : std::as_const(warnings))
            printLine(stderr, QStringLiteral("warning: ") + warning);
        for (const QString &error : std::as_const(errors))
            printLine(stderr, QStringLiteral("error: ") + error);
        if (!errors.isEmpty())
            return 1;
        printLine(stdout, QStringLiteral("%1: configuration is valid (%2 service(s))")
                              .arg(configPath).arg(config->services.size()));
        return 0;
    }

    Gateway gateway;
    setLogRing(gateway.logRing()); // the management API's logs.tail and live tail
    const auto forgetRing = qScopeGuard([] { setLogRing(nullptr); });
    if (const auto applied = gateway.apply(*config); !applied) {
        for (const QString &error : applied.error())
            qCCritical(lcGateway).noquote() << error;
        return 1;
    }
    qCInfo(lcGateway).noquote() << "posternd" << POSTERN_VERSION << "started with" << configPath;
    for (const QString &line : gateway.listeningDescriptions())
        qCInfo(lcGateway).noquote() << "listening on" << line;
    for (const auto &service : config->services) {
        if (!service.enabled)
            qCInfo(lcGateway).noquote() << QStringLiteral("service '%1' (%2) is disabled").arg(service.name, service.type);
        else
            for (const QUrl &url : service.accepts)
                qCInfo(lcGateway).noquote() << QStringLiteral("service '%1' (%2) at %3")
                                                   .arg(service.name, service.type, url.toString());
    }

    SystemdNotifier systemd;
    systemd.ready(QStringLiteral("serving %1 service(s) from %2").arg(config->services.size()).arg(configPath));

    SignalWatcher signals;
    QObject::connect(&signals, &SignalWatcher::reloadRequested, &gateway, [&] {
        qCInfo(lcGateway).noquote() << "SIGHUP: reloading" << configPath;
        systemd.reloading(QStringLiteral("reloading %1").arg(configPath));
        if (const auto reloaded = gateway.reload(configPath); !reloaded) {
            for (const QString &error : reloaded.error())
                qCWarning(lcGateway).noquote() << "reload refused:" << error;
            qCWarning(lcGateway) << "the running configuration stays in force";
            systemd.ready(QStringLiteral("reload refused (%1); the running configuration stays in force")
                              .arg(reloaded.error().value(0)));
            return;
        }
        qCInfo(lcGateway) << "configuration reloaded";
        for (const QString &line : gateway.listeningDescriptions())
            qCInfo(lcGateway).noquote() << "listening on" << line;
        systemd.ready(QStringLiteral("reloaded: serving %1 service(s) from %2")
                          .arg(gateway.runningConfig().services.size()).arg(configPath));
    });
    QObject::connect(&signals, &SignalWatcher::terminateRequested, &gateway, [&] {
        qCInfo(lcGateway) << "stopping";
        systemd.stopping(QStringLiteral("stopping: draining sessions"));
        gateway.shutdown(*drainTimeout);
    });
    QObject::connect(&gateway, &Gateway::stopped, &application, [] {
        qCInfo(lcGateway) << "stopped";
        QCoreApplication::exit(0);
    });
    return application.exec();
}

} // namespace Postern::App
