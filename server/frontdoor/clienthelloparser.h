#pragma once

// Reads the server name (SNI) from the first TLS record a client sends, without consuming
// it, so the listener can choose the certificate before the handshake starts (Qt 6.4 has
// no server-side SNI callback).

#include <QByteArrayView>
#include <QString>

namespace Postern::Frontdoor::ClientHelloParser {

enum class Status {
    NeedMore,  // the ClientHello is not complete yet
    NotTls,    // the bytes are not a TLS handshake (a plain HTTP request, say)
    Complete,  // parsed; serverName may be empty when the client sent none
};

struct Result
{
    Status status = Status::NeedMore;
    QString serverName;
};

// The largest prefix worth waiting for: one TLS record.
constexpr qsizetype kMaximumRecord = 5 + 16384;

Result parse(QByteArrayView data);

} // namespace Postern::Frontdoor::ClientHelloParser
