#pragma once

// <cluster>: this gateway is one node of several that share broadcasts (and later sessions)
// through Redis. KAAZING's element, with Postern's meaning: <name> is this node's name and
// <connect> the Redis server (redis:// or rediss://, verified against the truststore).

#include "config/sourcelocation.h"

#include <QString>
#include <QUrl>

namespace Postern::Config {

struct ClusterConfig
{
    QString nodeName;     // unique among the nodes: letters, digits, '.', '_', '-'
    QUrl redis;           // redis://host:port or rediss://host:port (port default 6379), normalised
    QString passwordFile; // absolute; empty: no AUTH
    QString user;         // Redis 6 ACL user for AUTH; empty: AUTH with the password only
    SourceLocation where;

    bool isTls() const { return redis.scheme() == u"rediss"; }
};

} // namespace Postern::Config
