#pragma once

// Checks a key store and says what an administrator should know: expired, not yet valid or
// soon expiring certificates, weak keys and signatures, TLS accept hosts no certificate
// covers, and which services use which entry.

#include "config/gatewayconfig.h"
#include "tls/keystore.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace Postern::Tls::StoreCheck {

struct Finding
{
    QString alias;   // empty for findings about the configuration (an uncovered host)
    QString kind;    // "expired", "not-yet-valid", "expiring", "weak-key", "weak-signature", "uncovered-host"
    QString message;
    QJsonObject toJson() const;
};

QList<Finding> check(const Keystore &store, int expiringWithinDays,
                     const QDateTime &now = QDateTime::currentDateTimeUtc());

// The TLS accept hosts of `config` that no key entry covers.
QList<Finding> checkHosts(const Keystore &keystore, const Config::GatewayConfig &config);

// The services whose TLS accepts would present entry `alias` (by host, or as the fallback).
QStringList servicesUsing(const Keystore &keystore, const QString &alias, const Config::GatewayConfig &config);

} // namespace Postern::Tls::StoreCheck
