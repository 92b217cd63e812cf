#include "profilestore.h"

namespace Postern::Admin {

ProfileStore::ProfileStore() : m_settings(std::make_unique<QSettings>())
{
}

ProfileStore::ProfileStore(const QString &fileName) : m_settings(std::make_unique<QSettings>(fileName, QSettings::IniFormat))
{
}

QString ProfileStore::groupOf(const QString &name)
{
    // Any name, as a key QSettings keeps as it is.
    return QStringLiteral("profiles/") + QString::fromLatin1(name.toUtf8().toHex());
}

QList<ConnectionProfile> ProfileStore::profiles() const
{
    m_settings->beginGroup(QStringLiteral("profiles"));
    const QStringList groups = m_settings->childGroups();
    m_settings->endGroup();
    QList<ConnectionProfile> list;
    for (const QString &group : groups)
        if (const auto profile = find(QString::fromUtf8(QByteArray::fromHex(group.toLatin1()))))
            list.append(*profile);
    std::sort(list.begin(), list.end(), [](const auto &a, const auto &b) { return a.name.localeAwareCompare(b.name) < 0; });
    return list;
}

std::optional<ConnectionProfile> ProfileStore::find(const QString &name) const
{
    m_settings->beginGroup(groupOf(name));
    std::optional<ConnectionProfile> profile;
    if (m_settings->contains(QStringLiteral("url"))) {
        profile = ConnectionProfile{
            name,
            QUrl(m_settings->value(QStringLiteral("url")).toString()),
            m_settings->value(QStringLiteral("user")).toString(),
            m_settings->value(QStringLiteral("pinnedCertificates")).toStringList(),
            m_settings->value(QStringLiteral("rememberPassword"), false).toBool(),
        };
    }
    m_settings->endGroup();
    return profile;
}

void ProfileStore::save(const ConnectionProfile &profile)
{
    m_settings->remove(groupOf(profile.name));
    m_settings->beginGroup(groupOf(profile.name));
    m_settings->setValue(QStringLiteral("url"), profile.url.toString());
    m_settings->setValue(QStringLiteral("user"), profile.user);
    m_settings->setValue(QStringLiteral("pinnedCertificates"), profile.pinnedCertificates);
    m_settings->setValue(QStringLiteral("rememberPassword"), profile.rememberPassword);
    m_settings->endGroup();
    m_settings->sync();
}

void ProfileStore::remove(const QString &name)
{
    m_settings->remove(groupOf(name));
    m_settings->sync();
}

QString ProfileStore::lastUsed() const
{
    return m_settings->value(QStringLiteral("lastProfile")).toString();
}

void ProfileStore::setLastUsed(const QString &name)
{
    m_settings->setValue(QStringLiteral("lastProfile"), name);
    m_settings->sync();
}

} // namespace Postern::Admin
