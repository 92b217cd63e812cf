#pragma once

// What the management API may see and do of the running gateway; App::Gateway implements it.
// Kept to an interface so that management does not depend on the application layer.

#include "config/gatewayconfig.h"

#include <QDateTime>
#include <QList>
#include <QStringList>

#include <expected>
#include <functional>
#include <memory>

namespace Postern {
class LogRing;
class Metrics;
}
namespace Postern::Cluster { class ClusterNode; }
namespace Postern::Frontdoor { class TlsContext; }
namespace Postern::Sessions { class SessionRegistry; }

namespace Postern::Management {

class GatewayControl
{
public:
    struct Listener
    {
        QString address;  // "127.0.0.1:9000"
        QString display;  // "localhost:9000 (TLS)"
        QStringList services;
    };

    virtual ~GatewayControl() = default;

    virtual const Config::GatewayConfig &runningConfig() const = 0;
    // Makes `config` live as a reload does, or changes nothing and says why.
    virtual std::expected<void, QStringList> applyConfig(const Config::GatewayConfig &config) = 0;
    // The checks a reload makes beyond the loader's (keystore, listeners, realms, back-ends),
    // without applying anything.
    virtual std::expected<void, QStringList> checkConfig(const Config::GatewayConfig &config) const = 0;
    // applyConfig() and checkConfig() never wait for DNS (the event loop serves every
    // connection): the accept host names of `config` they would need resolved first...
    virtual QStringList unresolvedHosts(const Config::GatewayConfig &config) const = 0;
    // ...which this does in the background; `done` runs from the event loop, in `context`,
    // once each name has an answer or the time for one is up.
    virtual void resolveHosts(const QStringList &names, QObject *context, std::function<void()> done) = 0;
    virtual QList<Listener> listeners() const = 0;
    virtual QDateTime startedAt() const = 0;
    virtual Sessions::SessionRegistry *sessions() const = 0;
    virtual LogRing *logRing() const = 0;
    virtual Metrics *metrics() const = 0;
    // This gateway as a cluster node; null without <cluster>. A reload may replace it.
    virtual Cluster::ClusterNode *clusterNode() const = 0;
};

} // namespace Postern::Management
