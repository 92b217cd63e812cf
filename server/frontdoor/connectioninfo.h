#pragma once

// What the front door learnt about a client connection, handed to the service that takes it.

#include <QDateTime>
#include <QHostAddress>
#include <QString>
#include <QStringList>

namespace Postern::Frontdoor {

struct ConnectionInfo
{
    QHostAddress peerAddress;
    quint16 peerPort = 0;
    quint16 localPort = 0;
    bool secure = false;
    QString origin;      // the WebSocket handshake's Origin (browsers send one), cut at 256 characters
    QString serverName;  // SNI, when the client sent one
    QString tlsProtocol; // "TLSv1.3"
    QString tlsCipher;
    // Verified against the truststore, when one was asked for: RFC 2253 DN and common name.
    QString clientCertificateSubject;
    QString clientCertificateCommonName;
    QString user;        // the realm's login, when the service has a realm
    QStringList roles;
    QDateTime loginTime; // when that login was checked (session-timeout counts from it)

    QString peer() const
    {
        return (peerAddress.protocol() == QAbstractSocket::IPv6Protocol
                    ? u'[' + peerAddress.toString() + u']'
                    : peerAddress.toString())
            + u':' + QString::number(peerPort);
    }
};

} // namespace Postern::Frontdoor
