#pragma once

// What the front door learnt about a client connection, handed to the service that takes it.

#include <QHostAddress>
#include <QString>

namespace Postern::Frontdoor {

struct ConnectionInfo
{
    QHostAddress peerAddress;
    quint16 peerPort = 0;
    quint16 localPort = 0;
    bool secure = false;
    QString serverName;  // SNI, when the client sent one
    QString tlsProtocol; // "TLSv1.3"
    QString tlsCipher;
    QString clientCertificateSubject; // verified against the truststore, when one was asked for

    QString peer() const
    {
        return (peerAddress.protocol() == QAbstractSocket::IPv6Protocol
                    ? u'[' + peerAddress.toString() + u']'
                    : peerAddress.toString())
            + u':' + QString::number(peerPort);
    }
};

} // namespace Postern::Frontdoor
