#include "keytool.h"

#include "auth/passwordhasher.h"
#include "config/configloader.h"
#include "terminalpasswordprovider.h"
#include "tls/certificatedetails.h"
#include "tls/certificatefactory.h"
#include "tls/certificateimporter.h"
#include "tls/csrfactory.h"
#include "tls/keystore.h"
#include "tls/storecheck.h"
#include "tls/storeoperations.h"
#include "util/atomicfile.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <openssl/pem.h>
#include <openssl/rand.h>

#include <cstdio>
#include <functional>
#include <unistd.h>

namespace Postern::Tools {

namespace {

enum ExitCode { Ok = 0, Failed = 1, Usage = 2, NotClean = 3 };

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

// A failed step: the message to print and the exit code.
struct Failure
{
    QString message;
    int code = Failed;
};

template<typename T>
using Result = std::expected<T, Failure>;

Failure usage(const QString &message) { return {message, Usage}; }

Result<QByteArray> readFile(const QString &path, const QString &what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::unexpected(Failure{QStringLiteral("cannot read %1 '%2': %3").arg(what, path, file.errorString())});
    return file.readAll();
}

QString opt(const QCommandLineParser &parser, const char *name) { return parser.value(QString::fromLatin1(name)); }

// ---- the store named on the command line ----

struct Store
{
    QString path;
    QByteArray password;
    Tls::Keystore keystore;

    Result<void> save() const
    {
        if (const auto saved = keystore.save(path, password); !saved)
            return std::unexpected(Failure{saved.error()});
        return {};
    }
    Result<const Tls::KeystoreEntry *> entry(const QString &alias) const
    {
        if (alias.isEmpty())
            return std::unexpected(usage(QStringLiteral("--alias is required")));
        if (const auto *found = keystore.find(alias))
            return found;
        return std::unexpected(Failure{QStringLiteral("no entry '%1' in '%2'").arg(alias, path)});
    }
};

Result<Store> openStore(const QCommandLineParser &parser, bool mayCreate)
{
    Store store;
    store.path = opt(parser, "keystore");
    if (store.path.isEmpty())
        store.path = opt(parser, "truststore");
    const QString passwordFile = opt(parser, "password-file");
    if (store.path.isEmpty() || passwordFile.isEmpty())
        return std::unexpected(usage(QStringLiteral("--keystore (or --truststore) and --password-file are required")));
    const bool exists = QFileInfo::exists(store.path);
    if (!exists && !mayCreate)
        return std::unexpected(Failure{QStringLiteral("store '%1' does not exist").arg(store.path)});
    if (!exists && !QFileInfo::exists(passwordFile)) {
        // A new store with no password yet: make a random one, owner-only.
        QByteArray random(24, Qt::Uninitialized);
        if (RAND_bytes(reinterpret_cast<unsigned char *>(random.data()), int(random.size())) != 1)
            return std::unexpected(Failure{QStringLiteral("no randomness for a password")});
        if (const auto written = Util::AtomicFile::write(passwordFile, random.toBase64() + '\n', true); !written)
            return std::unexpected(Failure{written.error()});
        out(QStringLiteral("created password file %1 (a random password, readable by its owner only)").arg(passwordFile));
    }
    const auto password = Tls::Keystore::readPasswordFile(passwordFile);
    if (!password)
        return std::unexpected(Failure{password.error()});
    store.password = *password;
    if (!exists)
        return store;
    auto keystore = Tls::Keystore::load(store.path, store.password);
    if (!keystore)
        return std::unexpected(Failure{keystore.error()});
    store.keystore = std::move(*keystore);
    return store;
}

Result<Tls::CertificateRequest> requestFrom(const QCommandLineParser &parser)
{
    Tls::CertificateRequest request;
    request.commonName = opt(parser, "cn");
    request.organization = opt(parser, "org");
    request.dnsNames = parser.values(QStringLiteral("dns"));
    for (const QString &ip : parser.values(QStringLiteral("ip"))) {
        const QHostAddress address(ip);
        if (address.isNull())
            return std::unexpected(usage(QStringLiteral("--ip '%1' is not an IP address").arg(ip)));
        request.ipAddresses.append(address);
    }
    bool ok = false;
    request.validityDays = opt(parser, "days").toInt(&ok);
    if (!ok || request.validityDays <= 0 || request.validityDays > 3650)
        return std::unexpected(usage(QStringLiteral("--days must be a number from 1 to 3650")));
    return request;
}

Result<Tls::KeySpec> keySpecFrom(const QCommandLineParser &parser)
{
    const auto spec = Tls::KeySpec::fromName(opt(parser, "key-type"));
    if (!spec)
        return std::unexpected(usage(QStringLiteral("--key-type '%1' is not one of rsa2048, rsa3072, rsa4096, "
                                                    "ec-p256, ec-p384, ed25519")
                                         .arg(opt(parser, "key-type"))));
    return *spec;
}

Result<void> refuseExisting(const Store &store, const QString &alias, const QCommandLineParser &parser)
{
    if (alias.trimmed().isEmpty())
        return std::unexpected(usage(QStringLiteral("--alias is required")));
    if (store.keystore.find(alias) && !parser.isSet(QStringLiteral("replace")))
        return std::unexpected(Failure{QStringLiteral("alias '%1' already exists in '%2' (use --replace to overwrite it)")
                                           .arg(alias, store.path)});
    return {};
}

void printCertificate(const Tls::CertificateDetails &d, const QString &indent)
{
    const QString key = d.keyType + (d.curve.isEmpty() ? QStringLiteral(" %1 bits").arg(d.keyBits) : u' ' + d.curve);
    out(indent + QStringLiteral("subject     ") + d.subject);
    out(indent + QStringLiteral("issuer      ") + d.issuer + (d.selfSigned ? QStringLiteral("  (self-signed)") : QString()));
    if (!d.subjectAlternativeNames.isEmpty())
        out(indent + QStringLiteral("names       ") + d.subjectAlternativeNames.join(QStringLiteral(", ")));
    out(indent + QStringLiteral("valid       %1 .. %2  (%3 days left)")
                     .arg(d.notBefore.toString(Qt::ISODate), d.notAfter.toString(Qt::ISODate)).arg(d.daysLeft()));
    out(indent + QStringLiteral("key         ") + key + QStringLiteral(", signed ") + d.signatureAlgorithm);
    out(indent + QStringLiteral("serial      ") + d.serialNumber);
    if (d.certificateAuthority)
        out(indent + QStringLiteral("CA          yes"));
    if (!d.keyUsage.isEmpty() || !d.extendedKeyUsage.isEmpty())
        out(indent + QStringLiteral("usage       ") + (d.keyUsage + d.extendedKeyUsage).join(QStringLiteral(", ")));
    out(indent + QStringLiteral("SHA-256     ") + d.sha256Fingerprint);
    out(indent + QStringLiteral("SHA-1       ") + d.sha1Fingerprint);
}

void printEntry(const Tls::KeystoreEntry &entry, bool wholeChain)
{
    out(QStringLiteral("%1  [%2]").arg(entry.alias(), entry.hasPrivateKey() ? QStringLiteral("key entry")
                                                                           : QStringLiteral("trusted certificate")));
    for (qsizetype i = 0; i < (wholeChain ? entry.chain().size() : 1); ++i) {
        if (wholeChain && entry.chain().size() > 1)
            out(QStringLiteral("  chain %1/%2").arg(i + 1).arg(entry.chain().size()));
        printCertificate(Tls::CertificateDetails::of(entry.chain()[i].get()), QStringLiteral("    "));
    }
    if (!wholeChain && entry.chain().size() > 1)
        out(QStringLiteral("    chain       %1 certificates (show --alias %2 lists them)").arg(entry.chain().size()).arg(entry.alias()));
}

void printJson(const QJsonObject &object)
{
    out(QString::fromUtf8(QJsonDocument(object).toJson()).trimmed());
}

// ---- commands ----

Result<int> list(const QCommandLineParser &parser)
{
    const auto store = openStore(parser, false);
    if (!store)
        return std::unexpected(store.error());
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray entries;
        for (const auto &entry : store->keystore.entries())
            entries.append(Tls::StoreOperations::entryJson(entry));
        printJson({{QStringLiteral("entries"), entries}});
        return Ok;
    }
    for (const auto &entry : store->keystore.entries()) {
        printEntry(entry, false);
        out({});
    }
    if (store->keystore.isEmpty())
        out(QStringLiteral("(the store is empty)"));
    return Ok;
}

Result<int> show(const QCommandLineParser &parser)
{
    const auto store = openStore(parser, false);
    if (!store)
        return std::unexpected(store.error());
    const auto entry = store->entry(opt(parser, "alias"));
    if (!entry)
        return std::unexpected(entry.error());
    if (parser.isSet(QStringLiteral("json")))
        printJson(Tls::StoreOperations::entryJson(**entry));
    else
        printEntry(**entry, true);
    return Ok;
}

Result<int> generate(const QCommandLineParser &parser)
{
    const QString alias = opt(parser, "alias");
    auto request = requestFrom(parser);
    if (!request)
        return std::unexpected(request.error());
    if (request->commonName.isEmpty() && request->dnsNames.isEmpty() && request->ipAddresses.isEmpty())
        return std::unexpected(usage(QStringLiteral("generate needs --cn, --dns or --ip")));
    const auto spec = keySpecFrom(parser);
    if (!spec)
        return std::unexpected(spec.error());
    auto store = openStore(parser, true);
    if (!store)
        return std::unexpected(store.error());
    if (const auto fresh = refuseExisting(*store, alias, parser); !fresh)
        return std::unexpected(fresh.error());
    const auto generated = Tls::StoreOperations::generate(alias, *request, *spec);
    if (!generated)
        return std::unexpected(Failure{generated.error()});
    const Tls::KeystoreEntry &entry = *generated;
    store->keystore.insert(entry);
    if (const auto saved = store->save(); !saved)
        return std::unexpected(saved.error());
    out(QStringLiteral("generated '%1' (%2, self-signed, %3 days) in %4\nSHA-256 fingerprint: %5")
            .arg(alias, spec->name()).arg(request->validityDays).arg(store->path,
                                                                     QString::fromLatin1(entry.sha256Fingerprint())));
    return Ok;
}

Result<int> importKey(const QCommandLineParser &parser)
{
    const QString alias = opt(parser, "alias");
    auto store = openStore(parser, true);
    if (!store)
        return std::unexpected(store.error());
    if (const auto fresh = refuseExisting(*store, alias, parser); !fresh)
        return std::unexpected(fresh.error());
    std::expected<Tls::KeystoreEntry, QString> entry = std::unexpected(QString());
    if (parser.isSet(QStringLiteral("pkcs12"))) {
        if (parser.isSet(QStringLiteral("cert")) || parser.isSet(QStringLiteral("key")))
            return std::unexpected(usage(QStringLiteral("use either --pkcs12 or --cert/--key, not both")));
        const auto data = readFile(opt(parser, "pkcs12"), QStringLiteral("PKCS#12 file"));
        if (!data)
            return std::unexpected(data.error());
        TerminalPasswordProvider passwords(opt(parser, "pkcs12-password-file"));
        const auto password = passwords.password(QStringLiteral("the PKCS#12 file %1").arg(opt(parser, "pkcs12")));
        if (!password)
            return std::unexpected(Failure{QStringLiteral("the PKCS#12 file needs its password "
                                                          "(--pkcs12-password-file, or run on a terminal)")});
        entry = Tls::CertificateImporter::keyEntryFromPkcs12(alias, *data, *password);
    } else {
        const QStringList certFiles = parser.values(QStringLiteral("cert"));
        if (certFiles.isEmpty() || !parser.isSet(QStringLiteral("key")))
            return std::unexpected(usage(QStringLiteral("import needs --cert FILE (repeatable) and --key FILE, or --pkcs12 FILE")));
        QList<Tls::SharedCertificate> certificates;
        for (const QString &file : certFiles) {
            const auto data = readFile(file, QStringLiteral("certificate file"));
            if (!data)
                return std::unexpected(data.error());
            const auto read = Tls::CertificateImporter::readCertificates(*data);
            if (!read)
                return std::unexpected(Failure{QStringLiteral("%1: %2").arg(file, read.error())});
            certificates += *read;
        }
        const auto keyData = readFile(opt(parser, "key"), QStringLiteral("key file"));
        if (!keyData)
            return std::unexpected(keyData.error());
        TerminalPasswordProvider passwords(opt(parser, "key-password-file"));
        const auto key = Tls::CertificateImporter::readPrivateKey(
            *keyData, &passwords, QStringLiteral("the private key in %1").arg(opt(parser, "key")));
        if (!key)
            return std::unexpected(Failure{key.error()});
        entry = Tls::CertificateImporter::keyEntry(alias, certificates, *key);
    }
    if (!entry)
        return std::unexpected(Failure{entry.error()});
    store->keystore.insert(*entry);
    if (const auto saved = store->save(); !saved)
        return std::unexpected(saved.error());
    out(QStringLiteral("imported '%1' (%2 certificate(s) in its chain) into %3\nSHA-256 fingerprint: %4")
            .arg(alias).arg(entry->chain().size()).arg(store->path, QString::fromLatin1(entry->sha256Fingerprint())));
    return Ok;
}

Result<int> trust(const QCommandLineParser &parser)
{
    const QString alias = opt(parser, "alias");
    auto store = openStore(parser, true);
    if (!store)
        return std::unexpected(store.error());
    const bool pkcs12 = parser.isSet(QStringLiteral("pkcs12"));
    if (pkcs12 == parser.isSet(QStringLiteral("cert")))
        return std::unexpected(usage(QStringLiteral("trust needs one of --cert FILE or --pkcs12 FILE")));
    const QString file = pkcs12 ? opt(parser, "pkcs12") : opt(parser, "cert");
    const auto data = readFile(file, QStringLiteral("certificate file"));
    if (!data)
        return std::unexpected(data.error());
    QByteArray password;
    if (pkcs12) {
        TerminalPasswordProvider passwords(opt(parser, "pkcs12-password-file"));
        const auto given = passwords.password(QStringLiteral("the PKCS#12 file %1").arg(file));
        if (!given)
            return std::unexpected(Failure{QStringLiteral("the PKCS#12 file needs its password")});
        password = *given;
    }
    const auto entries = Tls::CertificateImporter::trustedEntries(alias, *data, pkcs12 ? password : QByteArray());
    if (!entries)
        return std::unexpected(Failure{QStringLiteral("%1: %2").arg(file, entries.error())});
    for (const auto &entry : *entries)
        if (const auto fresh = refuseExisting(*store, entry.alias(), parser); !fresh)
            return std::unexpected(fresh.error());
    for (const auto &entry : *entries) {
        store->keystore.insert(entry);
        out(QStringLiteral("trusted '%1': %2 (SHA-256 %3)")
                .arg(entry.alias(), Tls::CertificateDetails::of(entry.leaf()).subject,
                     QString::fromLatin1(entry.sha256Fingerprint())));
    }
    if (const auto saved = store->save(); !saved)
        return std::unexpected(saved.error());
    return Ok;
}

Result<int> csr(const QCommandLineParser &parser)
{
    const QString alias = opt(parser, "alias");
    const QString outFile = opt(parser, "out");
    if (alias.isEmpty() || outFile.isEmpty())
        return std::unexpected(usage(QStringLiteral("csr needs --alias and --out")));
    auto request = requestFrom(parser);
    if (!request)
        return std::unexpected(request.error());
    auto store = openStore(parser, true);
    if (!store)
        return std::unexpected(store.error());
    const bool exists = store->keystore.find(alias) != nullptr;
    const bool empty = request->commonName.isEmpty() && request->dnsNames.isEmpty() && request->ipAddresses.isEmpty();
    if (!exists && empty)
        return std::unexpected(usage(QStringLiteral("a new key needs --cn, --dns or --ip")));
    Tls::KeySpec spec;
    if (!exists) {
        const auto chosen = keySpecFrom(parser);
        if (!chosen)
            return std::unexpected(chosen.error());
        spec = *chosen;
    }
    bool createdKey = false;
    const auto pem = Tls::StoreOperations::requestCertificate(store->keystore, alias, *request, spec, &createdKey);
    if (!pem)
        return std::unexpected(Failure{pem.error()});
    if (createdKey) {
        if (const auto saved = store->save(); !saved)
            return std::unexpected(saved.error());
        out(QStringLiteral("generated a %1 key for '%2' (self-signed until the CA's reply is installed)")
                .arg(spec.name(), alias));
    }
    if (const auto written = Util::AtomicFile::write(outFile, *pem, false); !written)
        return std::unexpected(Failure{written.error()});
    out(QStringLiteral("wrote the certificate signing request for '%1' to %2").arg(alias, outFile));
    return Ok;
}

Result<int> installReply(const QCommandLineParser &parser)
{
    auto store = openStore(parser, false);
    if (!store)
        return std::unexpected(store.error());
    const auto pending = store->entry(opt(parser, "alias"));
    if (!pending)
        return std::unexpected(pending.error());
    if (!parser.isSet(QStringLiteral("reply")))
        return std::unexpected(usage(QStringLiteral("install-reply needs --reply FILE")));
    const auto data = readFile(opt(parser, "reply"), QStringLiteral("reply"));
    if (!data)
        return std::unexpected(data.error());
    const auto reply = Tls::CertificateImporter::readCertificates(*data);
    if (!reply)
        return std::unexpected(Failure{reply.error()});
    QList<Tls::SharedCertificate> issuers;
    if (parser.isSet(QStringLiteral("issuers"))) {
        const auto issuerData = readFile(opt(parser, "issuers"), QStringLiteral("issuer certificates"));
        if (!issuerData)
            return std::unexpected(issuerData.error());
        const auto read = Tls::CertificateImporter::readCertificates(*issuerData);
        if (!read)
            return std::unexpected(Failure{read.error()});
        issuers = *read;
    }
    const auto installed = Tls::CsrFactory::installReply(**pending, *reply, issuers);
    if (!installed)
        return std::unexpected(Failure{installed.error()});
    store->keystore.insert(*installed);
    if (const auto saved = store->save(); !saved)
        return std::unexpected(saved.error());
    out(QStringLiteral("installed the reply onto '%1': %2, chain of %3\nSHA-256 fingerprint: %4")
            .arg(installed->alias(), Tls::CertificateDetails::of(installed->leaf()).subject)
            .arg(installed->chain().size())
            .arg(QString::fromLatin1(installed->sha256Fingerprint())));
    return Ok;
}

Result<int> exportEntry(const QCommandLineParser &parser)
{
    const auto store = openStore(parser, false);
    if (!store)
        return std::unexpected(store.error());
    const auto entry = store->entry(opt(parser, "alias"));
    if (!entry)
        return std::unexpected(entry.error());
    const QString outFile = opt(parser, "out");
    if (outFile.isEmpty())
        return std::unexpected(usage(QStringLiteral("export needs --out FILE")));
    const auto format = Tls::StoreOperations::exportFormatFromName(opt(parser, "format"));
    if (!format)
        return std::unexpected(usage(QStringLiteral("--format must be pem, der or pkcs12")));
    const bool chain = parser.isSet(QStringLiteral("chain"));
    if (*format == Tls::StoreOperations::ExportFormat::Der && chain)
        return std::unexpected(usage(QStringLiteral("DER holds one certificate; use --format pem for --chain")));
    QByteArray password;
    const bool secret = *format == Tls::StoreOperations::ExportFormat::Pkcs12;
    if (secret && (*entry)->hasPrivateKey()) {
        TerminalPasswordProvider passwords(opt(parser, "export-password-file"));
        const auto given = passwords.password(QStringLiteral("the exported PKCS#12 file"));
        if (!given || given->isEmpty())
            return std::unexpected(Failure{QStringLiteral("a PKCS#12 export needs a password "
                                                          "(--export-password-file, or run on a terminal)")});
        password = *given;
    }
    const auto exported = Tls::StoreOperations::exportEntry(**entry, *format, chain, password);
    if (!exported)
        return std::unexpected(Failure{exported.error()});
    const QByteArray &data = *exported;
    if (const auto written = Util::AtomicFile::write(outFile, data, secret); !written)
        return std::unexpected(Failure{written.error()});
    out(QStringLiteral("exported '%1' as %2 to %3").arg((*entry)->alias(), opt(parser, "format").toLower(), outFile));
    return Ok;
}

Result<Config::GatewayConfig> loadConfig(const QCommandLineParser &parser)
{
    const auto config = Config::ConfigLoader::loadFile(opt(parser, "config"));
    if (!config)
        return std::unexpected(Failure{QStringLiteral("cannot use the configuration: %1")
                                           .arg(config.error().first().toString())});
    return *config;
}

Result<int> remove(const QCommandLineParser &parser)
{
    auto store = openStore(parser, false);
    if (!store)
        return std::unexpected(store.error());
    const QString alias = opt(parser, "alias");
    const auto entry = store->entry(alias);
    if (!entry)
        return std::unexpected(entry.error());
    if (parser.isSet(QStringLiteral("config")) && !parser.isSet(QStringLiteral("force"))) {
        const auto config = loadConfig(parser);
        if (!config)
            return std::unexpected(config.error());
        const QStringList users = Tls::StoreCheck::servicesUsing(store->keystore, alias, *config);
        if (!users.isEmpty())
            return std::unexpected(Failure{QStringLiteral("'%1' is in use by service(s) %2; delete it with --force if "
                                                          "you mean it").arg(alias, users.join(QStringLiteral(", ")))});
    }
    store->keystore.remove(alias);
    if (const auto saved = store->save(); !saved)
        return std::unexpected(saved.error());
    out(QStringLiteral("deleted '%1' from %2 (the previous file is kept as %2.bak)").arg(alias, store->path));
    return Ok;
}

Result<int> rename(const QCommandLineParser &parser)
{
    auto store = openStore(parser, false);
    if (!store)
        return std::unexpected(store.error());
    const QString alias = opt(parser, "alias");
    if (const auto entry = store->entry(alias); !entry)
        return std::unexpected(entry.error());
    if (const auto renamed = store->keystore.rename(alias, opt(parser, "to")); !renamed)
        return std::unexpected(Failure{renamed.error()});
    if (const auto saved = store->save(); !saved)
        return std::unexpected(saved.error());
    out(QStringLiteral("renamed '%1' to '%2'").arg(alias, opt(parser, "to")));
    return Ok;
}

Result<int> check(const QCommandLineParser &parser)
{
    const auto store = openStore(parser, false);
    if (!store)
        return std::unexpected(store.error());
    bool ok = false;
    const int days = opt(parser, "days").toInt(&ok);
    if (!ok || days < 0)
        return std::unexpected(usage(QStringLiteral("--days must be a whole number of days")));
    QList<Tls::StoreCheck::Finding> findings = Tls::StoreCheck::check(store->keystore, days);
    if (parser.isSet(QStringLiteral("config"))) {
        const auto config = loadConfig(parser);
        if (!config)
            return std::unexpected(config.error());
        findings += Tls::StoreCheck::checkHosts(store->keystore, *config);
    }
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const auto &finding : findings)
            array.append(finding.toJson());
        printJson({{QStringLiteral("findings"), array}});
    } else {
        for (const auto &finding : findings)
            out(QStringLiteral("%1: %2").arg(finding.kind, finding.message));
        if (findings.isEmpty())
            out(QStringLiteral("no findings: %1 entr%2 checked").arg(store->keystore.entries().size())
                    .arg(store->keystore.entries().size() == 1 ? QStringLiteral("y") : QStringLiteral("ies")));
    }
    return findings.isEmpty() ? Ok : NotClean;
}

Result<int> checkHost(const QCommandLineParser &parser)
{
    if (parser.positionalArguments().size() != 1)
        return std::unexpected(usage(QStringLiteral("check-host takes one host")));
    const QString host = parser.positionalArguments().first();
    const auto store = openStore(parser, false);
    if (!store)
        return std::unexpected(store.error());
    if (const auto *entry = store->keystore.entryForHost(host)) {
        out(QStringLiteral("'%1' is covered by '%2' (SHA-256 %3)")
                .arg(host, entry->alias(), QString::fromLatin1(entry->sha256Fingerprint())));
        return Ok;
    }
    out(QStringLiteral("no entry covers '%1'").arg(host));
    return NotClean;
}

Result<int> hashPassword(const QCommandLineParser &parser)
{
    QByteArray password;
    if (parser.isSet(QStringLiteral("password-file"))) {
        const auto read = Tls::Keystore::readPasswordFile(opt(parser, "password-file"));
        if (!read)
            return std::unexpected(Failure{read.error()});
        password = *read;
    } else if (::isatty(STDIN_FILENO)) {
        TerminalPasswordProvider terminal({});
        const auto first = terminal.password(QStringLiteral("the new password"));
        const auto second = terminal.password(QStringLiteral("the new password (again)"));
        if (!first || !second || *first != *second)
            return std::unexpected(Failure{QStringLiteral("the two passwords differ")});
        password = *first;
    } else {
        // A script: the first line of standard input.
        char buffer[4096] = {};
        if (!std::fgets(buffer, sizeof buffer, stdin))
            return std::unexpected(Failure{QStringLiteral("no password on standard input")});
        password = QByteArray(buffer);
        std::fill(std::begin(buffer), std::end(buffer), '\0');
        while (password.endsWith('\n') || password.endsWith('\r'))
            password.chop(1);
    }
    if (password.isEmpty())
        return std::unexpected(Failure{QStringLiteral("an empty password cannot be hashed")});
    const auto hashed = Auth::PasswordHasher::hash(password);
    password.fill('\0');
    if (!hashed)
        return std::unexpected(Failure{hashed.error()});
    out(QString::fromLatin1(*hashed));
    return Ok;
}

// ---- the command table ----

QCommandLineOption option(const char *name, const char *description, const char *valueName = nullptr,
                          const char *defaultValue = nullptr)
{
    QCommandLineOption result(QString::fromLatin1(name), QString::fromLatin1(description));
    if (valueName)
        result.setValueName(QString::fromLatin1(valueName));
    if (defaultValue)
        result.setDefaultValue(QString::fromLatin1(defaultValue));
    return result;
}

struct Command
{
    const char *name;
    const char *summary;
    QList<QCommandLineOption> options;
    std::function<Result<int>(const QCommandLineParser &)> run;
    const char *positional = nullptr;
};

QList<Command> commands()
{
    const auto alias = option("alias", "The entry's alias.", "name");
    const auto json = option("json", "Print JSON for scripts.");
    const auto replace = option("replace", "Overwrite an entry with the same alias.");
    const QList<QCommandLineOption> subject = {
        option("cn", "Subject common name.", "name"), option("org", "Subject organisation.", "name"),
        option("dns", "A DNS subject alternative name (repeatable).", "name"),
        option("ip", "An IP subject alternative name (repeatable).", "address"),
        option("days", "Validity in days.", "n", "365"),
        option("key-type", "rsa2048, rsa3072, rsa4096, ec-p256, ec-p384 or ed25519.", "type", "ec-p256")};
    const auto config = option("config", "A gateway-config.xml, to see which services use an entry.", "file");
    return {
        {"list", "List the entries, with the leaf certificate of each.", {json}, list},
        {"show", "Show one entry with its whole chain.", {alias, json}, show},
        {"generate", "Generate a key pair and a self-signed certificate.", QList<QCommandLineOption>{alias, replace} + subject,
         generate},
        {"import", "Import a key entry: --cert FILE... --key FILE, or --pkcs12 FILE.",
         {alias, replace, option("cert", "A PEM or DER certificate file; PEM may hold the chain (repeatable).", "file"),
          option("key", "The private key, PEM or DER, encrypted or not.", "file"),
          option("key-password-file", "The encrypted key's password (else asked on the terminal).", "file"),
          option("pkcs12", "A PKCS#12 (.p12/.pfx) file with one key entry.", "file"),
          option("pkcs12-password-file", "Its password (else asked on the terminal).", "file")},
         importKey},
        {"trust", "Add trusted certificates (CA or peer) to a truststore: --cert FILE or --pkcs12 FILE.",
         {alias, replace, option("cert", "PEM (one or more certificates) or DER.", "file"),
          option("pkcs12", "The certificates of a PKCS#12 file.", "file"),
          option("pkcs12-password-file", "Its password.", "file")},
         trust},
        {"csr", "Write a certificate signing request for an entry's key, or for a new key.",
         QList<QCommandLineOption>{alias, option("out", "Where to write the PEM request.", "file")} + subject, csr},
        {"install-reply", "Install the CA's reply (the signed certificate and its chain) onto the entry's key.",
         {alias, option("reply", "The CA's reply: PEM certificate(s) or DER.", "file"),
          option("issuers", "PEM certificates to complete the chain with, if the reply stops short.", "file")},
         installReply},
        {"export", "Export a certificate, a chain, or an entry with its key as PKCS#12.",
         {alias, option("out", "The file to write.", "file"), option("format", "pem, der or pkcs12.", "format", "pem"),
          option("chain", "With pem: the whole chain, not only the leaf."),
          option("export-password-file", "The PKCS#12 file's password (else asked on the terminal).", "file")},
         exportEntry},
        {"delete", "Delete an entry (refused while a service uses it, unless --force).",
         {alias, config, option("force", "Delete even if a service uses it.")}, remove},
        {"rename", "Rename an entry.", {alias, option("to", "The new alias.", "name")}, rename},
        {"check", "Report expired, expiring, not yet valid, weak and uncovered certificates (exit 3 if any).",
         {config, json, option("days", "Warn about certificates expiring within this many days.", "n", "30")}, check},
        {"check-host", "Exit 0 if a key entry covers HOST, 3 if none does.", {}, checkHost, "host"},
        {"hash-password", "Print an Argon2id hash of a password (from --password-file, the terminal, or "
                          "standard input) for a users file.", {}, hashPassword},
    };
}

QString usageText(const QList<Command> &all)
{
    QString text = QStringLiteral("Usage: postern-keytool <command> --keystore FILE --password-file FILE [options]\n"
                                  "       (--truststore FILE may stand for --keystore; both are PKCS#12 stores;\n"
                                  "        hash-password needs no store)\n\n"
                                  "Commands:\n");
    for (const auto &command : all)
        text += QStringLiteral("  %1%2\n").arg(QString::fromLatin1(command.name), -16).arg(QString::fromLatin1(command.summary));
    text += QStringLiteral("\nRun 'postern-keytool <command> --help' for a command's options.\n"
                           "Exit codes: 0 done, 1 failed, 2 usage error, 3 check/check-host found something.\n");
    return text;
}

} // namespace

int runKeytool(const QStringList &arguments)
{
    const QList<Command> all = commands();
    if (arguments.size() < 2 || arguments.at(1) == u"--help" || arguments.at(1) == u"-h" || arguments.at(1) == u"help") {
        const QByteArray text = usageText(all).toUtf8();
        std::fputs(text.constData(), arguments.size() < 2 ? stderr : stdout);
        return arguments.size() < 2 ? Usage : Ok;
    }
    if (arguments.at(1) == u"--version") {
        out(QStringLiteral("postern-keytool ") + QStringLiteral(POSTERN_VERSION));
        return Ok;
    }
    const auto command = std::find_if(all.cbegin(), all.cend(),
                                      [&](const Command &c) { return arguments.at(1) == QLatin1StringView(c.name); });
    if (command == all.cend()) {
        err(QStringLiteral("unknown command '%1'").arg(arguments.at(1)));
        std::fputs(usageText(all).toUtf8().constData(), stderr);
        return Usage;
    }
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("postern-keytool %1: %2")
                                         .arg(QString::fromLatin1(command->name), QString::fromLatin1(command->summary)));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("keystore"), QStringLiteral("The PKCS#12 key store."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("truststore"), QStringLiteral("Same as --keystore, for a truststore."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("password-file"), QStringLiteral("The file holding the store's password."),
                      QStringLiteral("file")});
    parser.addOptions(command->options);
    if (command->positional)
        parser.addPositionalArgument(QString::fromLatin1(command->positional), QStringLiteral("The host name or address."));
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
    if (!command->positional && !parser.positionalArguments().isEmpty()) {
        err(QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
        return Usage;
    }
    const auto result = command->run(parser);
    if (!result) {
        err(result.error().message);
        return result.error().code;
    }
    return *result;
}

} // namespace Postern::Tools
