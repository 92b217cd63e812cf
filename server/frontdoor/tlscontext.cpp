#include "frontdoor/tlscontext.h"

#include <QSslSocket>

namespace Postern::Frontdoor {

QList<QSslCertificate> TlsContext::servedChain(QList<QSslCertificate> chain)
{
    // A self-signed certificate at the end is a root: a client cannot trust a root because the
    // server sent it, so it is left out (RFC 8446 §4.4.2, RFC 5246 §7.4.2 allow that). Besides
    // the bytes on the wire, Qt copies each certificate after the leaf into every connection's
    // OpenSSL context, and that copy measured 18 % of posternd's CPU per wss handshake.
    if (chain.size() > 1 && chain.last().isSelfSigned())
        chain.removeLast();
    return chain;
}

TlsContext::TlsContext(Tls::Keystore keystore, Tls::Keystore truststore)
    : m_keystore(std::move(keystore)), m_truststore(std::move(truststore))
{
    for (const auto &entry : m_truststore.entries())
        if (!entry.hasPrivateKey())
            m_trusted.append(entry.certificate());
    for (const auto &entry : m_keystore.entries())
        if (entry.hasPrivateKey())
            m_configurations.insert(entry.alias(), configurationForEntry(entry));
}

QSslConfiguration TlsContext::configurationForEntry(const Tls::KeystoreEntry &entry) const
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // client certificates: Security issue
    // No certificate authorities: a client certificate is verified by ClientCertificateVerifier
    // against the truststore, never by Qt against the system's CAs, and an empty list spares
    // each connection's TLS context the loading of the system's CA folders (which Qt does for
    // every socket whose configuration allows loading them on demand).
    configuration.setCaCertificates({});
    configuration.setLocalCertificateChain(servedChain(entry.certificateChain()));
    configuration.setPrivateKey(entry.privateKey());
    // A server has no use for Qt's one-session cache (it serves client resumption), and it is
    // the only thing Qt would write into an OpenSSL context that ServerTlsContexts shares.
    configuration.setSslOption(QSsl::SslOptionDisableSessionSharing, true);
    return configuration;
}

const Tls::KeystoreEntry *TlsContext::entryFor(const QString &serverName, const QString &fallbackHost) const
{
    const Tls::KeystoreEntry *entry = serverName.isEmpty() ? nullptr : m_keystore.entryForHost(serverName);
    if (!entry)
        entry = m_keystore.entryForHost(fallbackHost);
    if (!entry)
        entry = m_keystore.firstKeyEntry();
    return entry;
}

} // namespace Postern::Frontdoor
