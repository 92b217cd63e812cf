#pragma once

// The addresses an accept host binds. A literal address stands for itself and "localhost"
// for both loopbacks; any other name is resolved by DNS and the answer remembered. Loading
// the configuration file (start, SIGHUP) may wait for DNS; a change through the management
// API must not, since the event loop it would block serves every connection. It asks for
// the names it lacks to be resolved in the background first (resolve()), then applies with
// what is remembered.

#include <QDateTime>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>

#include <chrono>
#include <functional>
#include <optional>

namespace Postern::App {

class HostResolver final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HostResolver)

public:
    // How long a background lookup may take before its name counts as not resolving.
    static constexpr std::chrono::seconds kLookupTimeout{10};
    // How long a name that did not resolve is taken as not resolving before it is asked again.
    static constexpr std::chrono::seconds kNegativeAnswerLifetime{30};

    explicit HostResolver(QObject *parent = nullptr) : QObject(parent) {}

    // Literal addresses and localhost only; nullopt for a name that needs DNS.
    static std::optional<QList<QHostAddress>> withoutDns(const QString &host);
    // Resolves now, waiting for DNS: the configuration file's way.
    static QList<QHostAddress> lookUpNow(const QString &host);

    // The addresses of `host`: without DNS when it needs none, else the remembered answer,
    // else (when `mayWait`) DNS now, remembered. nullopt: not resolved yet. An empty list:
    // it does not resolve.
    std::optional<QList<QHostAddress>> addresses(const QString &host, bool mayWait);
    // Whether `host` needs DNS and has no answer to go by.
    bool needsLookup(const QString &host) const;
    // Looks `names` up in the background, at once; `done` runs (in `context`'s thread, from
    // the event loop) when each has its answer or kLookupTimeout has passed.
    void resolve(const QStringList &names, QObject *context, std::function<void()> done);
    // Names are resolved afresh from now on (the configuration file is being reloaded).
    void forgetAll() { m_answers.clear(); }

private:
    struct Answer
    {
        QList<QHostAddress> addresses;
        QDateTime at;
    };

    QHash<QString, Answer> m_answers;
};

} // namespace Postern::App
