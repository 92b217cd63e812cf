#include "app/hostresolver.h"

#include <QHostInfo>
#include <QPointer>
#include <QTimer>

#include <memory>

namespace Postern::App {

std::optional<QList<QHostAddress>> HostResolver::withoutDns(const QString &host)
{
    if (const QHostAddress literal(host); !literal.isNull())
        return QList<QHostAddress>{literal};
    if (host == u"localhost")
        return QList<QHostAddress>{QHostAddress(QHostAddress::LocalHost), QHostAddress(QHostAddress::LocalHostIPv6)};
    return std::nullopt;
}

QList<QHostAddress> HostResolver::lookUpNow(const QString &host)
{
    if (auto known = withoutDns(host))
        return *known;
    return QHostInfo::fromName(host).addresses();
}

std::optional<QList<QHostAddress>> HostResolver::addresses(const QString &host, bool mayWait)
{
    if (auto known = withoutDns(host))
        return known;
    if (!needsLookup(host))
        return m_answers.value(host).addresses;
    if (!mayWait)
        return std::nullopt;
    const QList<QHostAddress> found = QHostInfo::fromName(host).addresses();
    m_answers.insert(host, {found, QDateTime::currentDateTimeUtc()});
    return found;
}

bool HostResolver::needsLookup(const QString &host) const
{
    if (withoutDns(host))
        return false;
    const auto it = m_answers.constFind(host);
    if (it == m_answers.cend())
        return true;
    // A name that did not resolve is asked again after a while; one that did is kept until
    // the configuration file is reloaded.
    return it->addresses.isEmpty()
        && it->at.secsTo(QDateTime::currentDateTimeUtc()) >= qint64(kNegativeAnswerLifetime.count());
}

void HostResolver::resolve(const QStringList &names, QObject *context, std::function<void()> done)
{
    struct Batch
    {
        QHash<int, QString> pending; // lookup id -> name
        std::function<void()> done;
    };
    auto batch = std::make_shared<Batch>();
    batch->done = std::move(done);
    QPointer<QObject> guard(context);
    const auto finish = [this, batch, guard] {
        if (!batch->done)
            return;
        for (auto it = batch->pending.cbegin(); it != batch->pending.cend(); ++it) {
            QHostInfo::abortHostLookup(it.key());
            m_answers.insert(it.value(), {{}, QDateTime::currentDateTimeUtc()}); // timed out: does not resolve
        }
        batch->pending.clear();
        const std::function<void()> callback = std::exchange(batch->done, nullptr);
        if (guard)
            QMetaObject::invokeMethod(guard, callback, Qt::QueuedConnection);
    };
    for (const QString &name : names) {
        const int id = QHostInfo::lookupHost(name, this, [this, batch, finish](const QHostInfo &info) {
            const QString name = batch->pending.take(info.lookupId());
            if (name.isNull())
                return;
            m_answers.insert(name, {info.error() == QHostInfo::NoError ? info.addresses() : QList<QHostAddress>(),
                                    QDateTime::currentDateTimeUtc()});
            if (batch->pending.isEmpty())
                finish();
        });
        batch->pending.insert(id, name);
    }
    if (batch->pending.isEmpty())
        finish();
    else
        QTimer::singleShot(kLookupTimeout, this, finish); // does nothing when every answer came first
}

} // namespace Postern::App
