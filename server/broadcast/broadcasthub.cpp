#include "broadcast/broadcasthub.h"

#include "broadcast/broadcastsource.h"
#include "broadcast/clientqueue.h"
#include "broadcast/sourcelistener.h"
#include "cluster/clusternode.h"
#include "logging.h"
#include "metrics.h"
#include "sessions/websocketsession.h"
#include "websocket/endpoint.h"

namespace Postern::Broadcast {

namespace {
// The source lease lasts this long and is renewed every kLeaseRenewal: a node that dies
// hands the source over within kLeaseTime.
constexpr int kLeaseTime = 6000;
constexpr int kLeaseRenewal = 2000;
}

BroadcastHub::BroadcastHub(QString serviceName, Metrics *metrics, QObject *parent)
    : QObject(parent), m_serviceName(std::move(serviceName)), m_metrics(metrics)
{
    connect(&m_lease, &QTimer::timeout, this, &BroadcastHub::renewLease);
}

BroadcastHub::~BroadcastHub()
{
    if (m_cluster) {
        m_cluster->unsubscribe(channel());
        if (m_leaseHeld)
            m_cluster->release(leaseKey());
    }
}

QByteArray BroadcastHub::channel() const
{
    return "postern:broadcast:" + m_serviceName.toUtf8();
}

QByteArray BroadcastHub::leaseKey() const
{
    return channel() + ":source";
}

void BroadcastHub::setCluster(Cluster::ClusterNode *cluster)
{
    if (cluster == m_cluster)
        return;
    if (m_cluster) {
        m_cluster->unsubscribe(channel());
        if (m_leaseHeld)
            m_cluster->release(leaseKey());
    }
    m_cluster = cluster;
    m_leaseHeld = false;
    m_mayRunSource = true;
    if (m_cluster) {
        m_cluster->subscribe(channel(), this, [this](const QByteArray &message) { fromCluster(message); });
        m_lease.start(kLeaseRenewal);
        renewLease();
    } else {
        m_lease.stop();
    }
    updateSource();
}

void BroadcastHub::renewLease()
{
    if (!m_cluster || !m_target)
        return;
    m_cluster->claim(leaseKey(), kLeaseTime, this, [this](bool held, bool reachable) {
        if (held && !m_leaseHeld)
            qCInfo(lcBroadcast).noquote() << QStringLiteral("broadcast '%1': this node connects the source %2 for the cluster")
                                                 .arg(m_serviceName, m_target ? m_target->url : QString());
        m_leaseHeld = held;
        m_mayRunSource = held || !reachable;
        updateSource();
    });
}

void BroadcastHub::updateSource()
{
    const bool wanted = m_target && (!m_cluster || m_mayRunSource);
    if (wanted && !m_source) {
        m_source = new BroadcastSource(m_serviceName, m_target, m_options, this);
        connect(m_source, &BroadcastSource::message, this, &BroadcastHub::fromSource);
        connect(m_source, &BroadcastSource::lost, this, &BroadcastHub::onSourceLost);
        m_source->start();
    } else if (!wanted && m_source) {
        if (m_target)
            qCInfo(lcBroadcast).noquote() << QStringLiteral("broadcast '%1': another node connects the source %2")
                                                 .arg(m_serviceName, m_target->url);
        delete m_source;
        m_source = nullptr;
    }
}

bool BroadcastHub::sameSource(const Proxy::BackendTarget &a, const Proxy::BackendTarget &b)
{
    return a.url == b.url && a.options.sslProtocols == b.options.sslProtocols && a.options.sslCiphers == b.options.sslCiphers
        && a.options.inactivityTimeout == b.options.inactivityTimeout && a.options.connectTimeout == b.options.connectTimeout
        && a.tls.caCertificates() == b.tls.caCertificates();
}

void BroadcastHub::configure(const Config::BroadcastOptions &options, Proxy::BackendTargetPtr target,
                             SourceListener *listener)
{
    const bool framingChanged = options.framing != m_options.framing
        || options.maximumSourceMessageSize != m_options.maximumSourceMessageSize
        || options.reconnectDelay != m_options.reconnectDelay || options.reconnectMaximumDelay != m_options.reconnectMaximumDelay;
    m_options = options;

    if (!target || !m_target || framingChanged || !sameSource(*target, *m_target)) {
        delete m_source;
        m_source = nullptr;
        m_target = target;
        updateSource();
        renewLease();
    }

    if (listener) {
        delete m_listener;
        m_listener = listener;
        listener->setParent(this);
        connect(listener, &SourceListener::message, this, &BroadcastHub::fromListener);
        connect(listener, &SourceListener::sourceCountChanged, this, [this](int count) {
            if (count == 0)
                onSourceLost();
        });
        qCInfo(lcBroadcast).noquote() << QStringLiteral("broadcast '%1': sources connect to %2")
                                             .arg(m_serviceName, options.sourceAccept.toString());
    } else if (options.sourceAccept.isEmpty()) {
        delete m_listener;
        m_listener = nullptr;
    } else if (m_listener) {
        m_listener->setOptions(options);
    }

    for (ClientQueue *client : std::as_const(m_clients))
        client->setLimits(options.maximumPendingBytes, options.slowConsumer);
}

bool BroadcastHub::isListeningOn(const QUrl &url) const
{
    return m_listener && m_listener->url() == url;
}

bool BroadcastHub::isSourceConnected() const
{
    return m_source ? m_source->isConnected() : listenerSourceCount() > 0;
}

int BroadcastHub::listenerSourceCount() const
{
    return m_listener ? m_listener->sourceCount() : 0;
}

void BroadcastHub::addClient(Sessions::WebSocketSession *session)
{
    auto *client = new ClientQueue(session, m_options.maximumPendingBytes, m_options.slowConsumer);
    m_clients.append(client);
    if (m_source)
        session->setBackend(m_source->url());
    else if (m_listener)
        session->setBackend(QStringLiteral("sources on %1").arg(m_listener->url().toString()));
    connect(session, &Sessions::WebSocketSession::finished, this, [this, client] { m_clients.removeOne(client); });
    connect(client, &ClientQueue::dropped, this, [this](quint64 count) {
        if (m_metrics)
            m_metrics->countBroadcast(m_serviceName, QStringLiteral("dropped_messages"), count);
    });
    connect(client, &ClientQueue::overflowed, this, [this, session] {
        qCInfo(lcBroadcast).noquote() << QStringLiteral("broadcast '%1': session %2 (%3) is too slow: closed with 1008")
                                             .arg(m_serviceName).arg(session->id()).arg(session->connection().peer());
        if (m_metrics)
            m_metrics->countBroadcast(m_serviceName, QStringLiteral("slow_consumer_closes"));
    });
    // What a client sends is read (so its pings are answered) and, with on.client.message
    // broadcast, delivered to everyone else.
    connect(session->endpoint(), &WebSocket::Endpoint::messageReceived, this,
            [this, client](WebSocket::Opcode opcode, const QByteArray &payload) {
                if (m_options.clientMessages != Config::BroadcastOptions::ClientMessages::Broadcast)
                    return;
                deliver(opcode, payload, client);
                share(Origin::Client, opcode, payload);
            });
}

void BroadcastHub::fromSource(WebSocket::Opcode opcode, const QByteArray &payload)
{
    if (m_metrics)
        m_metrics->countBroadcast(m_serviceName, QStringLiteral("source_messages"));
    deliver(opcode, payload, nullptr);
    // A source run without the lease (Redis could not be asked) serves this node only: the
    // lease holder's messages reach the others, so sharing these too would double them.
    if (m_leaseHeld)
        share(Origin::Source, opcode, payload);
}

void BroadcastHub::fromListener(WebSocket::Opcode opcode, const QByteArray &payload)
{
    if (m_metrics)
        m_metrics->countBroadcast(m_serviceName, QStringLiteral("source_messages"));
    deliver(opcode, payload, nullptr);
    share(Origin::ListenerSource, opcode, payload);
}

// On the channel: opcode, origin, the node's name, NUL, the payload.
void BroadcastHub::share(Origin origin, WebSocket::Opcode opcode, const QByteArray &payload)
{
    if (!m_cluster || !m_cluster->isUp())
        return;
    QByteArray message;
    message.reserve(payload.size() + m_cluster->name().size() + 3);
    message.append(char(opcode)).append(char(origin)).append(m_cluster->name().toUtf8()).append('\0').append(payload);
    m_cluster->publish(channel(), message);
}

void BroadcastHub::fromCluster(const QByteArray &message)
{
    const qsizetype end = message.indexOf('\0', 2);
    if (message.size() < 3 || end < 0)
        return;
    const auto opcode = WebSocket::Opcode(quint8(message.at(0)));
    if (opcode != WebSocket::Opcode::Text && opcode != WebSocket::Opcode::Binary)
        return;
    const auto origin = Origin(message.at(1));
    const QByteArrayView node = QByteArrayView(message).sliced(2, end - 2);
    if (m_cluster && node == m_cluster->name().toUtf8())
        return; // this node's own, delivered already
    // Another node runs the source: one running here without the lease (Redis was away) stops
    // at once rather than at the next renewal, so its messages are not doubled meanwhile.
    if (origin == Origin::Source && m_source && !m_leaseHeld) {
        m_mayRunSource = false;
        updateSource();
    }
    deliver(opcode, message.sliced(end + 1), nullptr);
}

void BroadcastHub::deliver(WebSocket::Opcode opcode, const QByteArray &payload, const ClientQueue *except)
{
    const QList<ClientQueue *> clients = m_clients; // a push may close a client
    for (ClientQueue *client : clients)
        if (client != except)
            client->push(opcode, payload);
}

void BroadcastHub::onSourceLost()
{
    if (!m_options.closeClientsOnSourceLoss)
        return;
    const QList<ClientQueue *> clients = m_clients;
    for (ClientQueue *client : clients)
        client->session()->close(WebSocket::CloseCode::TryAgainLater, QStringLiteral("broadcast source lost"));
}

void BroadcastHub::shutdown()
{
    m_target.reset();
    delete m_source;
    m_source = nullptr;
    setCluster(nullptr);
    delete m_listener;
    m_listener = nullptr;
    const QList<ClientQueue *> clients = m_clients;
    for (ClientQueue *client : clients)
        client->session()->close(WebSocket::CloseCode::GoingAway, QStringLiteral("service removed"));
}

} // namespace Postern::Broadcast
