#pragma once

// The whole validated gateway-config.xml: an immutable value. A reload builds a new one.

#include "config/clusterconfig.h"
#include "config/keystoreconfig.h"
#include "config/loggingconfig.h"
#include "config/realmconfig.h"
#include "config/serviceconfig.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QThread>

#include <optional>

namespace Postern::Config {

struct GatewayConfig
{
    QString sourceFile;                   // absolute path of the file it came from
    QString revision;                     // of the text it was read from (ConfigDocument::revisionOf)
    QMap<QString, QString> properties;    // <properties>, after substitution
    QList<ServiceConfig> services;
    std::optional<KeystoreConfig> keystore;
    std::optional<KeystoreConfig> truststore; // trusted certificates (client certificates, back-ends)
    QList<RealmConfig> realms;
    std::optional<ClusterConfig> cluster; // none: a gateway on its own
    LoggingConfig logging;                // <logging>: log levels per category
    static constexpr int kMaximumWorkers = 64;
    int workers = 0;                      // <workers>: threads that serve connections; 0 = auto

    // The number of worker threads to run: `workers`, or one per core for auto.
    int workerCount() const { return workers > 0 ? workers : qBound(1, QThread::idealThreadCount(), kMaximumWorkers); }

    const RealmConfig *realm(const QString &name) const
    {
        for (const auto &realm : realms)
            if (realm.name == name)
                return &realm;
        return nullptr;
    }

    const ServiceConfig *service(const QString &name) const
    {
        for (const auto &service : services)
            if (service.name == name)
                return &service;
        return nullptr;
    }

    bool needsTls() const
    {
        for (const auto &service : services)
            for (const auto &url : service.accepts)
                if ((url.scheme() == u"wss" || url.scheme() == u"https") && service.acceptOptions.sslEncryption)
                    return true;
        return false;
    }
};

} // namespace Postern::Config
