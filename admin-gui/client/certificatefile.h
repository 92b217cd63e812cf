#pragma once

// What an administrator chose or dropped to import, read and recognised before anything is
// sent: a PKCS#12 file (.p12/.pfx), PEM (certificates and/or a private key, encrypted or
// not) or DER — one file, or a certificate file with a key file beside it (certbot's
// fullchain.pem + privkey.pem). It knows when a password is needed and asks for it through
// Tls::PasswordProvider (a dialog in the console, anything in a test), checks it here (a
// wrong one is asked for again, not sent), and turns it all into certificates.import params.
// The password is kept only until the params are made, and wiped when this is destroyed.
//
// Also the console's other file chores around certificates: reading a CA's reply, writing an
// export (a file that can hold a key is created owner-only).

#include "tls/passwordprovider.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <expected>

namespace Postern::Admin {

class CertificateFile final
{
    Q_DECLARE_TR_FUNCTIONS(CertificateFile)

public:
    enum class Kind {
        Pkcs12,             // a PKCS#12 file: key entry (keystore) or its certificates (truststore)
        KeyAndCertificates, // a private key and the certificates it belongs to
        Certificates,       // certificates only: a truststore entry, or a CA's reply
        KeyOnly,            // a private key without its certificate: needs a certificate file
    };

    // Larger files are refused before reading: a request may carry 4 MiB, base64 makes a
    // third more, and no certificate file is anywhere near this.
    static constexpr qint64 kMaximumSize = 2 * 1024 * 1024;

    // Reads and recognises one file, or a certificate file and a key file.
    static std::expected<CertificateFile, QString> read(const QStringList &paths);
    // The same for bytes already read (`name` is for messages and the file's extension).
    static std::expected<CertificateFile, QString> fromData(const QString &name, const QByteArray &data);

    // Moved, not copied: a copy would be a second place the password lives.
    CertificateFile() = default;
    CertificateFile(CertificateFile &&other) = default;
    CertificateFile &operator=(CertificateFile &&other) = default;
    CertificateFile(const CertificateFile &) = delete;
    CertificateFile &operator=(const CertificateFile &) = delete;
    ~CertificateFile();

    Kind kind() const { return m_kind; }
    // The file names, for messages ("server.p12", "fullchain.pem and privkey.pem").
    QString name() const;
    // Whether a password must be given before the contents can be read (an encrypted key, a
    // PKCS#12 file that is not open with an empty password) and has not been yet.
    bool needsPassword() const;
    // Asks `passwords` until the password opens the file (at most three times); after that
    // the summary, the alias suggested and the import know the contents. An error when the
    // person declined ("No password was given…") or the file cannot be opened.
    std::expected<void, QString> unlock(Tls::PasswordProvider *passwords);

    // What the file holds, in two lines: "A private key and 2 certificates.\nCN=www.example.com,
    // issued by CN=Example CA".
    QString summary() const;
    // A name for the new entry: the PKCS#12 entry's friendly name, else the certificate's
    // first DNS name or common name, else the file's base name.
    QString suggestedAlias() const;

    // certificates.import params (without "store") for `store` ("keystore"/"truststore"), or
    // why this file cannot go there. Needs the password first when one is needed.
    std::expected<QJsonObject, QString> importParams(const QString &store, const QString &alias, bool replace) const;
    // Forgets the password (after the request went out).
    void forgetPassword();

    // A file whose bytes are sent as they are (a CA's reply, its chain).
    static std::expected<QByteArray, QString> readBytes(const QString &path);
    // Writes `data` to `path` atomically; `secret` (it holds a private key) creates it
    // readable by the owner only.
    static std::expected<void, QString> write(const QString &path, const QByteArray &data, bool secret);

private:
    std::expected<void, QString> add(const QString &name, const QByteArray &data);
    std::expected<void, QString> finish();
    std::expected<void, QString> learnPkcs12(const QByteArray &password);
    std::expected<void, QString> learnCertificates(const QByteArray &data);

    Kind m_kind = Kind::Certificates;
    QStringList m_names;
    QByteArray m_pkcs12;
    QByteArray m_certificates; // PEM (several) or DER (one)
    QByteArray m_key;          // PEM or DER, perhaps encrypted
    bool m_encrypted = false;  // a password is needed
    bool m_unlocked = false;
    QByteArray m_password;
    // From the contents, for the summary and the alias.
    int m_certificateCount = 0;
    QString m_subject;
    QString m_commonName;
    QString m_issuer;
    bool m_selfSigned = false;
    QString m_firstName; // the first DNS name
    QString m_friendlyName;
    bool m_pkcs12HasKey = false;
    QByteArray m_pkcs12Certificates; // the PKCS#12 file's certificates as PEM, once unlocked
};

} // namespace Postern::Admin
