#include "keytool.h"

#include "tls/certificatefactory.h"
#include "tls/keystore.h"
#include "util/atomicfile.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <openssl/rand.h>

#include <cstdio>

namespace Postern::Tools {

namespace {

enum ExitCode { Ok = 0, Failed = 1, Usage = 2, NotCovered = 3 };

void out(const QString &text)
{
    const QByteArray line = text.toUtf8() + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
}

void err(const QString &text)
{
    const QByteArray line = QByteArrayLiteral("postern-keytool: ") + text.toUtf8() + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
}

const char *kUsage =
    "Usage: postern-keytool <command> --keystore FILE --password-file FILE [options]\n"
    "\n"
    "Commands:\n"
    "  list                      List the keystore's entries (--json for scripts).\n"
    "  generate                  Generate a key pair and a self-signed certificate:\n"
    "                              --alias NAME --dns NAME... --ip ADDRESS... [--cn NAME]\n"
    "                              [--days N (365)] [--key-type rsa2048|rsa3072|rsa4096|ec-p256|ec-p384|ed25519]\n"
    "                            Creates the keystore when the file does not exist, and then\n"
    "                            its password file too (a random password) if that is missing.\n"
    "  check-host HOST           Exit 0 if an entry covers HOST, 3 if none does.\n"
    "\n"
    "Run 'postern-keytool <command> --help' for a command's options.\n";

struct Store
{
    QString path;
    QByteArray password;
    Tls::Keystore keystore;
};

// Opens the keystore named on the command line; a missing file is an empty store when
// `mayCreate`, and an error otherwise.
std::expected<Store, QString> openStore(const QCommandLineParser &parser, bool mayCreate)
{
    Store store;
    store.path = parser.value(QStringLiteral("keystore"));
    const QString passwordFile = parser.value(QStringLiteral("password-file"));
    if (store.path.isEmpty() || passwordFile.isEmpty())
        return std::unexpected(QStringLiteral("--keystore and --password-file are required"));
    if (!QFileInfo::exists(store.path) && !mayCreate)
        return std::unexpected(QStringLiteral("keystore '%1' does not exist").arg(store.path));
    if (!QFileInfo::exists(store.path) && !QFileInfo::exists(passwordFile)) {
        // A new keystore with no password yet: make a random one, owner-only.
        QByteArray random(24, Qt::Uninitialized);
        if (RAND_bytes(reinterpret_cast<unsigned char *>(random.data()), int(random.size())) != 1)
            return std::unexpected(QStringLiteral("no randomness for a keystore password"));
        if (const auto written = Util::AtomicFile::write(passwordFile, random.toBase64() + '\n', true); !written)
            return std::unexpected(written.error());
        out(QStringLiteral("created password file %1 (a random password, readable by its owner only)").arg(passwordFile));
    }
    const auto password = Tls::Keystore::readPasswordFile(passwordFile);
    if (!password)
        return std::unexpected(password.error());
    store.password = *password;
    if (!QFileInfo::exists(store.path))
        return store;
    auto keystore = Tls::Keystore::load(store.path, store.password);
    if (!keystore)
        return std::unexpected(keystore.error());
    store.keystore = std::move(*keystore);
    return store;
}

QJsonObject describe(const Tls::KeystoreEntry &entry)
{
    const QSslCertificate certificate = entry.certificate();
    QJsonArray names;
    const auto alternatives = certificate.subjectAlternativeNames();
    for (auto it = alternatives.cbegin(); it != alternatives.cend(); ++it)
        names.append(QString((it.key() == QSsl::DnsEntry ? QStringLiteral("DNS:") : QStringLiteral("IP:")) + it.value()));
    return QJsonObject{
        {QStringLiteral("alias"), entry.alias()},
        {QStringLiteral("subject"), certificate.subjectDisplayName()},
        {QStringLiteral("issuer"), certificate.issuerDisplayName()},
        {QStringLiteral("subjectAlternativeNames"), names},
        {QStringLiteral("notBefore"), certificate.effectiveDate().toString(Qt::ISODate)},
        {QStringLiteral("notAfter"), certificate.expiryDate().toString(Qt::ISODate)},
        {QStringLiteral("sha256"), QString::fromLatin1(entry.sha256Fingerprint())},
        {QStringLiteral("chainLength"), int(entry.chain().size())},
    };
}

int list(const QCommandLineParser &parser)
{
    const auto store = openStore(parser, false);
    if (!store) {
        err(store.error());
        return Failed;
    }
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray entries;
        for (const auto &entry : store->keystore.entries())
            entries.append(describe(entry));
        out(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("entries"), entries}}).toJson()));
        return Ok;
    }
    for (const auto &entry : store->keystore.entries()) {
        const QJsonObject d = describe(entry);
        QStringList names;
        for (const auto &name : d.value(QStringLiteral("subjectAlternativeNames")).toArray())
            names << name.toString();
        out(QStringLiteral("%1\n  subject   %2\n  issuer    %3\n  names     %4\n  valid     %5 .. %6\n  SHA-256   %7\n")
                .arg(entry.alias(), d[QStringLiteral("subject")].toString(), d[QStringLiteral("issuer")].toString(),
                     names.join(QStringLiteral(", ")), d[QStringLiteral("notBefore")].toString(),
                     d[QStringLiteral("notAfter")].toString(), d[QStringLiteral("sha256")].toString()));
    }
    if (store->keystore.isEmpty())
        out(QStringLiteral("(the keystore is empty)"));
    return Ok;
}

int generate(const QCommandLineParser &parser)
{
    const QString alias = parser.value(QStringLiteral("alias"));
    if (alias.isEmpty()) {
        err(QStringLiteral("generate needs --alias"));
        return Usage;
    }
    Tls::CertificateRequest request;
    request.commonName = parser.value(QStringLiteral("cn"));
    request.dnsNames = parser.values(QStringLiteral("dns"));
    for (const QString &ip : parser.values(QStringLiteral("ip"))) {
        const QHostAddress address(ip);
        if (address.isNull()) {
            err(QStringLiteral("--ip '%1' is not an IP address").arg(ip));
            return Usage;
        }
        request.ipAddresses.append(address);
    }
    if (request.commonName.isEmpty() && request.dnsNames.isEmpty() && request.ipAddresses.isEmpty()) {
        err(QStringLiteral("generate needs --cn, --dns or --ip"));
        return Usage;
    }
    bool ok = false;
    request.validityDays = parser.value(QStringLiteral("days")).toInt(&ok);
    if (!ok || request.validityDays <= 0 || request.validityDays > 3650) {
        err(QStringLiteral("--days must be a number from 1 to 3650"));
        return Usage;
    }
    const auto spec = Tls::KeySpec::fromName(parser.value(QStringLiteral("key-type")));
    if (!spec) {
        err(QStringLiteral("--key-type '%1' is not one of rsa2048, rsa3072, rsa4096, ec-p256, ec-p384, ed25519")
                .arg(parser.value(QStringLiteral("key-type"))));
        return Usage;
    }
    auto store = openStore(parser, true);
    if (!store) {
        err(store.error());
        return Failed;
    }
    if (store->keystore.find(alias)) {
        err(QStringLiteral("alias '%1' already exists in '%2'").arg(alias, store->path));
        return Failed;
    }
    const auto key = Tls::CertificateFactory::generateKey(*spec);
    if (!key) {
        err(key.error());
        return Failed;
    }
    const auto certificate = Tls::CertificateFactory::selfSigned(key->get(), request);
    if (!certificate) {
        err(certificate.error());
        return Failed;
    }
    const Tls::KeystoreEntry entry(alias, *key, {*certificate});
    store->keystore.insert(entry);
    if (const auto saved = store->keystore.save(store->path, store->password); !saved) {
        err(saved.error());
        return Failed;
    }
    out(QStringLiteral("generated '%1' (%2, self-signed, %3 days) in %4\nSHA-256 fingerprint: %5")
            .arg(alias, spec->name()).arg(request.validityDays).arg(store->path,
                                                                    QString::fromLatin1(entry.sha256Fingerprint())));
    return Ok;
}

int checkHost(const QCommandLineParser &parser, const QString &host)
{
    const auto store = openStore(parser, false);
    if (!store) {
        err(store.error());
        return Failed;
    }
    if (const auto *entry = store->keystore.entryForHost(host)) {
        out(QStringLiteral("'%1' is covered by '%2' (SHA-256 %3)")
                .arg(host, entry->alias(), QString::fromLatin1(entry->sha256Fingerprint())));
        return Ok;
    }
    out(QStringLiteral("no entry covers '%1'").arg(host));
    return NotCovered;
}

} // namespace

int runKeytool(const QStringList &arguments)
{
    if (arguments.size() < 2 || arguments.at(1) == u"--help" || arguments.at(1) == u"-h") {
        std::fputs(kUsage, arguments.size() < 2 ? stderr : stdout);
        return arguments.size() < 2 ? Usage : Ok;
    }
    if (arguments.at(1) == u"--version") {
        out(QStringLiteral("postern-keytool ") + QStringLiteral(POSTERN_VERSION));
        return Ok;
    }
    const QString command = arguments.at(1);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("postern-keytool ") + command);
    parser.addHelpOption();
    parser.addOption({QStringLiteral("keystore"), QStringLiteral("The PKCS#12 keystore."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("password-file"), QStringLiteral("The file holding its password."),
                      QStringLiteral("file")});
    if (command == u"list") {
        parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON.")});
    } else if (command == u"generate") {
        parser.addOption({QStringLiteral("alias"), QStringLiteral("The new entry's alias."), QStringLiteral("name")});
        parser.addOption({QStringLiteral("cn"), QStringLiteral("Subject common name."), QStringLiteral("name")});
        parser.addOption({QStringLiteral("dns"), QStringLiteral("A DNS subject alternative name (repeatable)."),
                          QStringLiteral("name")});
        parser.addOption({QStringLiteral("ip"), QStringLiteral("An IP subject alternative name (repeatable)."),
                          QStringLiteral("address")});
        parser.addOption({QStringLiteral("days"), QStringLiteral("Validity in days."), QStringLiteral("n"),
                          QStringLiteral("365")});
        parser.addOption({QStringLiteral("key-type"), QStringLiteral("Key type."), QStringLiteral("type"),
                          QStringLiteral("ec-p256")});
    } else if (command == u"check-host") {
        parser.addPositionalArgument(QStringLiteral("host"), QStringLiteral("The host name or address."));
    } else {
        err(QStringLiteral("unknown command '%1'").arg(command));
        std::fputs(kUsage, stderr);
        return Usage;
    }
    QStringList rest = arguments;
    rest.removeAt(1);
    if (!parser.parse(rest)) {
        err(parser.errorText());
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out(parser.helpText());
        return Ok;
    }
    if (command == u"list")
        return list(parser);
    if (command == u"generate")
        return generate(parser);
    if (parser.positionalArguments().size() != 1) {
        err(QStringLiteral("check-host takes one host"));
        return Usage;
    }
    return checkHost(parser, parser.positionalArguments().first());
}

} // namespace Postern::Tools
