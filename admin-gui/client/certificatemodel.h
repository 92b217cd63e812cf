#pragma once

// The entries of one of the gateway's certificate stores (keystore or truststore), as
// certificates.list gives them, and the changes to that store: generate, import, request a
// certificate (CSR), install a CA's reply, export, rename, delete. Rows say when they expire
// (StatusRole "expired", "expiring", "fine", coloured), so an administrator sees at a glance
// what needs renewing. The list is loaded again after every change that worked and when the
// configuration changes (it may name another store). A change that fails leaves the rows as
// they are: its caller shows the reason where the user acted (explain()).

#include "jsontablemodel.h"

namespace Postern::Admin {

class CertificateModel final : public JsonTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CertificateModel)

public:
    enum Column { Alias, Subject, Names, Issuer, Expires, Key, UsedBy, ColumnCount };

    static inline const QString kKeystore = QStringLiteral("keystore");
    static inline const QString kTruststore = QStringLiteral("truststore");
    // StatusRole's words.
    static inline const QString kExpired = QStringLiteral("expired");
    static inline const QString kNotYetValid = QStringLiteral("not-yet-valid");
    static inline const QString kExpiring = QStringLiteral("expiring");
    static inline const QString kFine = QStringLiteral("fine");

    // `store` is kKeystore or kTruststore.
    CertificateModel(ManagementClient *client, const QString &store, QObject *parent = nullptr);
    ~CertificateModel() override;

    const QString &store() const { return m_store; }
    bool isKeystore() const { return m_store == kKeystore; }
    // False once the gateway said its configuration names no such store (a gateway without
    // client certificates usually has no truststore); true until then.
    bool isConfigured() const { return m_configured; }
    // The store's file on the gateway's machine, and findings not tied to an entry
    // (uncovered-host), from the last load.
    const QString &file() const { return m_file; }
    const QJsonArray &generalFindings() const { return m_findings; }
    // Within how many days an expiry counts as "expiring" (the server's checks use the same).
    int expiringWithinDays() const { return m_expiringDays; }

    // The entry named `alias`; empty when there is none.
    QJsonObject entry(const QString &alias) const;
    QString alias(int row) const { return this->row(row).value(u"alias").toString(); }
    // The aliases of key entries (those a CSR or a CA's reply can be for).
    QStringList keyAliases() const;

    // The worst of the entry's own status and its findings (a CA in its chain that expires, a
    // weak key): what the row's marker shows.
    static QString health(const QJsonObject &entry, int expiringWithinDays = 30);
    // "expired", "not-yet-valid", "expiring" or "fine" for a certificate object (an entry's
    // "certificate" or a member of its "chain").
    static QString status(const QJsonObject &certificate, int expiringWithinDays = 30,
                          const QDateTime &now = QDateTime::currentDateTimeUtc());
    // "EC P-256", "RSA 3072", "Ed25519".
    static QString keyDescription(const QJsonObject &certificate);
    // "2027-01-31 (in 29 days)", "2025-05-01 (expired 3 days ago)".
    static QString expiryText(const QJsonObject &certificate, const QDateTime &now = QDateTime::currentDateTimeUtc());
    // Subject alternative names without their "DNS:"/"IP:" prefixes, for a column.
    static QStringList shortNames(const QJsonObject &certificate);
    // "www.example.com, example.com 10.0.0.1" → {"www.example.com", "example.com", "10.0.0.1"}.
    static QStringList splitNames(const QString &text);
    // An IPv4 address in four parts or an IPv6 address: QHostAddress alone also takes
    // "10.1.2" (as 10.1.0.2), which is more likely a typing slip.
    static bool isIpAddress(const QString &text);
    // From a form's "DNS names" and "IP addresses" fields: the DNS names, and the IP addresses
    // (those typed among the DNS names included, where people often put them).
    static QStringList dnsNamesIn(const QString &dnsField);
    static QStringList ipAddressesIn(const QString &ipField, const QString &dnsField);
    // "1 day", "12 days" (the console has no translations to pick plurals from).
    static QString days(qint64 count);
    // A failed change in words a person can act on: "`failed`: the gateway's reason." The
    // codes only the console knows (cancelled, not connected, timed out) are said plainly.
    static QString explain(const ManagementReply &reply, const QString &failed);

    // The changes. Each returns its reply (whose error the caller shows); the list is loaded
    // again after each that worked.
    ManagementReply *generate(const QString &alias, const QString &commonName, const QStringList &dnsNames,
                              const QStringList &ipAddresses, int days, const QString &keyType, bool replace);
    // `params` as CertificateFile::importParams makes them.
    ManagementReply *importEntries(const QJsonObject &params);
    // A CSR for the key of `alias` (an existing key entry: the names of its certificate are
    // repeated unless others are given), or for a new key made for it.
    ManagementReply *requestCertificate(const QString &alias, const QString &commonName, const QStringList &dnsNames,
                                        const QStringList &ipAddresses, const QString &keyType);
    ManagementReply *installReply(const QString &alias, const QByteArray &reply, const QByteArray &issuers);
    // format: "pem", "der" or "pkcs12" (which needs `password`).
    ManagementReply *exportEntry(const QString &alias, const QString &format, bool chain, const QString &password);
    ManagementReply *rename(const QString &alias, const QString &newAlias);
    ManagementReply *remove(const QString &alias, bool force);

public Q_SLOTS:
    void refresh() override;

Q_SIGNALS:
    void configuredChanged(bool configured);

protected:
    QVariant cell(const QJsonObject &row, int column, int role) const override;

private:
    ManagementReply *change(ManagementReply *reply);
    void setConfigured(bool configured);

    QString m_store;
    bool m_configured = true;
    QString m_file;
    QJsonArray m_findings;
    int m_expiringDays = 30;
};

} // namespace Postern::Admin
