#include "management/certificateoperations.h"

#include "logging.h"
#include "management/protocol.h"
#include "tls/certificatedetails.h"
#include "tls/certificateimporter.h"
#include "tls/csrfactory.h"
#include "tls/passwordprovider.h"
#include "tls/storecheck.h"
#include "tls/storeoperations.h"
#include "util/filechange.h"
#include "util/filereader.h"

#include <QFile>
#include <QJsonArray>

namespace Postern::Management {

namespace {

// A password given with the request, for an encrypted key or a PKCS#12 file.
class GivenPassword final : public Tls::PasswordProvider
{
public:
    explicit GivenPassword(QByteArray password) : m_password(std::move(password)) {}
    std::optional<QByteArray> password(const QString &) override
    {
        if (m_password.isEmpty())
            return std::nullopt;
        return m_password;
    }

private:
    QByteArray m_password;
};

ManagementError failed(const QString &message, const QString &field = {})
{
    return {ErrorCode::Failed, message, field};
}

// A certificate request from params: commonName, dns, ip, days.
std::expected<Tls::CertificateRequest, ManagementError> requestFrom(const Params &params)
{
    Tls::CertificateRequest request;
    const auto commonName = params.string(QStringLiteral("commonName"), {});
    const auto dns = params.strings(QStringLiteral("dns"));
    const auto ip = params.strings(QStringLiteral("ip"));
    const auto days = params.integer(QStringLiteral("days"), 365, 1, 3650);
    if (const auto error = Params::firstError(commonName, dns, ip, days))
        return std::unexpected(*error);
    request.commonName = *commonName;
    request.dnsNames = *dns;
    for (const QString &text : *ip) {
        const QHostAddress address(text);
        if (address.isNull())
            return std::unexpected(Params::invalid(QStringLiteral("ip"), QStringLiteral("'%1' is not an IP address").arg(text)));
        request.ipAddresses.append(address);
    }
    request.validityDays = int(*days);
    return request;
}

std::expected<Tls::KeySpec, ManagementError> keySpecFrom(const Params &params)
{
    const auto name = params.string(QStringLiteral("keyType"), QStringLiteral("ec-p256"));
    if (!name)
        return std::unexpected(name.error());
    const auto spec = Tls::KeySpec::fromName(*name);
    if (!spec)
        return std::unexpected(Params::invalid(QStringLiteral("keyType"), QStringLiteral("keyType '%1' is not one of rsa2048, "
                                                                                         "rsa3072, rsa4096, ec-p256, ec-p384, "
                                                                                         "ed25519").arg(*name)));
    return *spec;
}

} // namespace

void CertificateOperations::registerOn(OperationTable &table)
{
    table.insert(QStringLiteral("certificates.list"), {false, [this](const Params &p, const Caller &) { return list(p); }});
    table.insert(QStringLiteral("certificates.get"), {false, [this](const Params &p, const Caller &) { return get(p); }});
    table.insert(QStringLiteral("certificates.generate"), {true, [this](const Params &p, const Caller &) { return generate(p); }});
    table.insert(QStringLiteral("certificates.import"), {true, [this](const Params &p, const Caller &) { return import(p); }});
    table.insert(QStringLiteral("certificates.csr"),
                 {true, [this](const Params &p, const Caller &) { return requestCertificate(p); }});
    table.insert(QStringLiteral("certificates.installReply"),
                 {true, [this](const Params &p, const Caller &) { return installReply(p); }});
    // Exporting a key is reading a secret: administrators only, and audited.
    table.insert(QStringLiteral("certificates.export"),
                 {true, [this](const Params &p, const Caller &) { return exportEntry(p); }});
    table.insert(QStringLiteral("certificates.delete"), {true, [this](const Params &p, const Caller &) { return remove(p); }});
    table.insert(QStringLiteral("certificates.rename"), {true, [this](const Params &p, const Caller &) { return rename(p); }});
}

std::expected<CertificateOperations::Store, ManagementError> CertificateOperations::open(const Params &params) const
{
    const auto kind = params.string(QStringLiteral("store"), QStringLiteral("keystore"));
    if (!kind)
        return std::unexpected(kind.error());
    if (*kind != u"keystore" && *kind != u"truststore")
        return std::unexpected(Params::invalid(QStringLiteral("store"), QStringLiteral("params.store must be keystore or truststore")));
    const Config::GatewayConfig &config = m_gateway->runningConfig();
    const auto &configured = *kind == u"keystore" ? config.keystore : config.truststore;
    if (!configured)
        return std::unexpected(ManagementError{ErrorCode::NotFound, QStringLiteral("the configuration has no <%1>").arg(*kind),
                                               QStringLiteral("params.store")});
    Store store;
    store.kind = *kind;
    store.path = configured->file;
    const auto password = Tls::Keystore::readPasswordFile(configured->passwordFile);
    if (!password)
        return std::unexpected(failed(password.error()));
    store.password = *password;
    auto loaded = Tls::Keystore::load(store.path, store.password);
    if (!loaded)
        return std::unexpected(failed(loaded.error()));
    store.store = std::move(*loaded);
    return store;
}

std::expected<void, ManagementError> CertificateOperations::commit(const Store &store)
{
    const auto data = store.store.toPkcs12(store.password);
    if (!data)
        return std::unexpected(failed(data.error()));
    auto change = Util::FileChange::begin(store.path, Util::FileReader::kKeystoreLimit, true);
    if (!change)
        return std::unexpected(failed(change.error()));
    if (const auto written = change->write(*data); !written)
        return std::unexpected(failed(written.error()));
    if (const auto applied = m_gateway->applyConfig(m_gateway->runningConfig()); !applied) {
        // The gateway cannot use it (a keystore left without a key for a TLS port): undo,
        // leaving the backup of the last good version as it was.
        const auto undone = change->undo();
        static_cast<void>(m_gateway->applyConfig(m_gateway->runningConfig()));
        return std::unexpected(failed(QStringLiteral("the gateway could not use the changed %1, %2: %3")
                                          .arg(store.kind,
                                               undone ? QStringLiteral("which was put back as it was")
                                                      : QStringLiteral("and putting it back failed (%1)").arg(undone.error()),
                                               applied.error().join(QStringLiteral("; ")))));
    }
    if (const auto kept = change->keep(); !kept)
        qCWarning(lcGateway).noquote() << QStringLiteral("management: %1").arg(kept.error());
    return {};
}

OperationResult CertificateOperations::list(const Params &params) const
{
    const auto store = open(params);
    if (!store)
        return std::unexpected(store.error());
    const auto days = params.integer(QStringLiteral("expiringWithinDays"), 30, 0, 3650);
    if (!days)
        return std::unexpected(days.error());
    const Config::GatewayConfig &config = m_gateway->runningConfig();
    QList<Tls::StoreCheck::Finding> findings = Tls::StoreCheck::check(store->store, int(*days));
    if (store->kind == u"keystore")
        findings += Tls::StoreCheck::checkHosts(store->store, config);
    QJsonArray entries;
    for (const Tls::KeystoreEntry &entry : store->store.entries()) {
        QJsonObject json = Tls::StoreOperations::entryJson(entry);
        json.insert(QStringLiteral("sha256"), QString::fromLatin1(entry.sha256Fingerprint()));
        QJsonArray entryFindings;
        for (const auto &finding : std::as_const(findings))
            if (finding.alias == entry.alias())
                entryFindings.append(finding.toJson());
        json.insert(QStringLiteral("findings"), entryFindings);
        if (store->kind == u"keystore" && entry.hasPrivateKey())
            json.insert(QStringLiteral("usedBy"),
                        QJsonArray::fromStringList(Tls::StoreCheck::servicesUsing(store->store, entry.alias(), config)));
        entries.append(json);
    }
    QJsonArray general;
    for (const auto &finding : std::as_const(findings))
        if (finding.alias.isEmpty())
            general.append(finding.toJson());
    return QJsonObject{{QStringLiteral("store"), store->kind}, {QStringLiteral("file"), store->path},
                       {QStringLiteral("entries"), entries}, {QStringLiteral("findings"), general}};
}

OperationResult CertificateOperations::get(const Params &params) const
{
    const auto all = list(params);
    const auto alias = params.string(QStringLiteral("alias"));
    if (!all)
        return all;
    if (!alias)
        return std::unexpected(alias.error());
    for (const QJsonValue &entry : all->toObject().value(u"entries").toArray())
        if (entry.toObject().value(u"alias").toString() == *alias)
            return entry;
    return std::unexpected(ManagementError{ErrorCode::NotFound, QStringLiteral("there is no entry '%1'").arg(*alias),
                                           QStringLiteral("params.alias")});
}

OperationResult CertificateOperations::generate(const Params &params)
{
    auto store = open(params);
    const auto alias = params.string(QStringLiteral("alias"));
    const auto request = requestFrom(params);
    const auto spec = keySpecFrom(params);
    const auto replace = params.boolean(QStringLiteral("replace"), false);
    if (const auto error = Params::firstError(store, alias, request, spec))
        return std::unexpected(*error);
    if (store->store.find(*alias) && !replace.value_or(false))
        return std::unexpected(ManagementError{ErrorCode::Conflict, QStringLiteral("alias '%1' exists already").arg(*alias),
                                               QStringLiteral("params.alias")});
    const auto entry = Tls::StoreOperations::generate(*alias, *request, *spec);
    if (!entry)
        return std::unexpected(failed(entry.error()));
    store->store.insert(*entry);
    if (const auto committed = commit(*store); !committed)
        return std::unexpected(committed.error());
    return Tls::StoreOperations::entryJson(*entry);
}

OperationResult CertificateOperations::import(const Params &params)
{
    auto store = open(params);
    const auto alias = params.string(QStringLiteral("alias"));
    const auto replace = params.boolean(QStringLiteral("replace"), false);
    if (const auto error = Params::firstError(store, alias))
        return std::unexpected(*error);
    const auto password = params.string(QStringLiteral("password"), {});
    if (!password)
        return std::unexpected(password.error());
    QList<Tls::KeystoreEntry> entries;
    if (store->kind == u"truststore") {
        const auto data = params.bytes(QStringLiteral("certificate"));
        if (!data)
            return std::unexpected(data.error());
        const auto trusted = Tls::CertificateImporter::trustedEntries(*alias, *data, password->toUtf8());
        if (!trusted)
            return std::unexpected(failed(trusted.error(), QStringLiteral("params.certificate")));
        entries = *trusted;
    } else if (params.has(QStringLiteral("pkcs12"))) {
        const auto data = params.bytes(QStringLiteral("pkcs12"));
        if (!data)
            return std::unexpected(data.error());
        const auto entry = Tls::CertificateImporter::keyEntryFromPkcs12(*alias, *data, password->toUtf8());
        if (!entry)
            return std::unexpected(failed(entry.error(), QStringLiteral("params.pkcs12")));
        entries = {*entry};
    } else {
        const auto certificate = params.bytes(QStringLiteral("certificate"));
        const auto keyData = params.bytes(QStringLiteral("key"));
        if (const auto error = Params::firstError(certificate, keyData))
            return std::unexpected(*error);
        const auto certificates = Tls::CertificateImporter::readCertificates(*certificate);
        if (!certificates)
            return std::unexpected(failed(certificates.error(), QStringLiteral("params.certificate")));
        GivenPassword given(password->toUtf8());
        const auto key = Tls::CertificateImporter::readPrivateKey(*keyData, &given, QStringLiteral("the private key"));
        if (!key)
            return std::unexpected(failed(key.error(), QStringLiteral("params.key")));
        const auto entry = Tls::CertificateImporter::keyEntry(*alias, *certificates, *key);
        if (!entry)
            return std::unexpected(failed(entry.error()));
        entries = {*entry};
    }
    QJsonArray imported;
    for (const Tls::KeystoreEntry &entry : std::as_const(entries)) {
        if (store->store.find(entry.alias()) && !replace.value_or(false))
            return std::unexpected(ManagementError{ErrorCode::Conflict, QStringLiteral("alias '%1' exists already")
                                                                            .arg(entry.alias()), QStringLiteral("params.alias")});
        store->store.insert(entry);
        imported.append(Tls::StoreOperations::entryJson(entry));
    }
    if (const auto committed = commit(*store); !committed)
        return std::unexpected(committed.error());
    return QJsonObject{{QStringLiteral("entries"), imported}};
}

OperationResult CertificateOperations::requestCertificate(const Params &params)
{
    auto store = open(params);
    const auto alias = params.string(QStringLiteral("alias"));
    auto request = requestFrom(params);
    const auto spec = keySpecFrom(params);
    if (const auto error = Params::firstError(store, alias, request, spec))
        return std::unexpected(*error);
    bool createdKey = false;
    const auto csr = Tls::StoreOperations::requestCertificate(store->store, *alias, *request, *spec, &createdKey);
    if (!csr)
        return std::unexpected(failed(csr.error()));
    if (createdKey)
        if (const auto committed = commit(*store); !committed)
            return std::unexpected(committed.error());
    return QJsonObject{{QStringLiteral("csr"), QString::fromLatin1(*csr)}, {QStringLiteral("createdKey"), createdKey}};
}

OperationResult CertificateOperations::installReply(const Params &params)
{
    auto store = open(params);
    const auto alias = params.string(QStringLiteral("alias"));
    const auto replyData = params.bytes(QStringLiteral("reply"));
    if (const auto error = Params::firstError(store, alias, replyData))
        return std::unexpected(*error);
    const Tls::KeystoreEntry *pending = store->store.find(*alias);
    if (!pending)
        return std::unexpected(ManagementError{ErrorCode::NotFound, QStringLiteral("there is no entry '%1'").arg(*alias),
                                               QStringLiteral("params.alias")});
    const auto reply = Tls::CertificateImporter::readCertificates(*replyData);
    if (!reply)
        return std::unexpected(failed(reply.error(), QStringLiteral("params.reply")));
    QList<Tls::SharedCertificate> issuers;
    if (params.has(QStringLiteral("issuers"))) {
        const auto issuerData = params.bytes(QStringLiteral("issuers"));
        if (!issuerData)
            return std::unexpected(issuerData.error());
        const auto read = Tls::CertificateImporter::readCertificates(*issuerData);
        if (!read)
            return std::unexpected(failed(read.error(), QStringLiteral("params.issuers")));
        issuers = *read;
    }
    const auto installed = Tls::CsrFactory::installReply(*pending, *reply, issuers);
    if (!installed)
        return std::unexpected(failed(installed.error(), QStringLiteral("params.reply")));
    store->store.insert(*installed);
    if (const auto committed = commit(*store); !committed)
        return std::unexpected(committed.error());
    return Tls::StoreOperations::entryJson(*installed);
}

OperationResult CertificateOperations::exportEntry(const Params &params) const
{
    const auto store = open(params);
    const auto alias = params.string(QStringLiteral("alias"));
    const auto formatName = params.string(QStringLiteral("format"), QStringLiteral("pem"));
    const auto chain = params.boolean(QStringLiteral("chain"), false);
    const auto password = params.string(QStringLiteral("password"), {});
    if (const auto error = Params::firstError(store, alias))
        return std::unexpected(*error);
    if (!formatName || !chain || !password)
        return std::unexpected(!formatName ? formatName.error() : !chain ? chain.error() : password.error());
    const auto format = Tls::StoreOperations::exportFormatFromName(*formatName);
    if (!format)
        return std::unexpected(Params::invalid(QStringLiteral("format"), QStringLiteral("params.format must be pem, der or pkcs12")));
    const Tls::KeystoreEntry *entry = store->store.find(*alias);
    if (!entry)
        return std::unexpected(ManagementError{ErrorCode::NotFound, QStringLiteral("there is no entry '%1'").arg(*alias),
                                               QStringLiteral("params.alias")});
    const auto data = Tls::StoreOperations::exportEntry(*entry, *format, *chain, password->toUtf8());
    if (!data)
        return std::unexpected(failed(data.error()));
    return QJsonObject{{QStringLiteral("format"), formatName->toLower()},
                       {QStringLiteral("data"), QString::fromLatin1(data->toBase64())}};
}

OperationResult CertificateOperations::remove(const Params &params)
{
    auto store = open(params);
    const auto alias = params.string(QStringLiteral("alias"));
    const auto force = params.boolean(QStringLiteral("force"), false);
    if (const auto error = Params::firstError(store, alias))
        return std::unexpected(*error);
    if (!store->store.find(*alias))
        return std::unexpected(ManagementError{ErrorCode::NotFound, QStringLiteral("there is no entry '%1'").arg(*alias),
                                               QStringLiteral("params.alias")});
    if (store->kind == u"keystore" && !force.value_or(false)) {
        const QStringList users = Tls::StoreCheck::servicesUsing(store->store, *alias, m_gateway->runningConfig());
        if (!users.isEmpty())
            return std::unexpected(ManagementError{ErrorCode::Conflict,
                                                   QStringLiteral("'%1' is in use by service(s) %2; delete it with force if "
                                                                  "you mean it").arg(*alias, users.join(QStringLiteral(", "))),
                                                   QStringLiteral("params.alias")});
    }
    store->store.remove(*alias);
    if (const auto committed = commit(*store); !committed)
        return std::unexpected(committed.error());
    return QJsonObject{{QStringLiteral("deleted"), *alias}};
}

OperationResult CertificateOperations::rename(const Params &params)
{
    auto store = open(params);
    const auto alias = params.string(QStringLiteral("alias"));
    const auto newAlias = params.string(QStringLiteral("newAlias"));
    if (const auto error = Params::firstError(store, alias, newAlias))
        return std::unexpected(*error);
    if (const auto renamed = store->store.rename(*alias, *newAlias); !renamed)
        return std::unexpected(failed(renamed.error(), QStringLiteral("params.newAlias")));
    if (const auto committed = commit(*store); !committed)
        return std::unexpected(committed.error());
    return QJsonObject{{QStringLiteral("alias"), *newAlias}};
}

} // namespace Postern::Management
