#include "broadcast/broadcasthub.h"

#include "broadcast/broadcastsource.h"
#include "broadcast/clientqueue.h"
#include "broadcast/sourcelistener.h"
#include "logging.h"
#include "metrics.h"
#include "sessions/websocketsession.h"
#include "websocket/endpoint.h"

namespace Postern::Broadcast {

BroadcastHub::BroadcastHub(QString serviceName, Metrics *metrics, QObject *parent)
    : QObject(parent), m_serviceName(std::move(serviceName)), m_metrics(metrics)
{
}

BroadcastHub::~BroadcastHub() = default;

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
        if (m_target) {
            m_source = new BroadcastSource(m_serviceName, m_target, m_options, this);
            connect(m_source, &BroadcastSource::message, this, &BroadcastHub::fromSource);
            connect(m_source, &BroadcastSource::lost, this, &BroadcastHub::onSourceLost);
            m_source->start();
        }
    }

    if (listener) {
        delete m_listener;
        m_listener = listener;
        listener->setParent(this);
        connect(listener, &SourceListener::message, this, &BroadcastHub::fromSource);
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
                if (m_options.clientMessages == Config::BroadcastOptions::ClientMessages::Broadcast)
                    deliver(opcode, payload, client);
            });
}

void BroadcastHub::fromSource(WebSocket::Opcode opcode, const QByteArray &payload)
{
    if (m_metrics)
        m_metrics->countBroadcast(m_serviceName, QStringLiteral("source_messages"));
    deliver(opcode, payload, nullptr);
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
    delete m_source;
    m_source = nullptr;
    delete m_listener;
    m_listener = nullptr;
    const QList<ClientQueue *> clients = m_clients;
    for (ClientQueue *client : clients)
        client->session()->close(WebSocket::CloseCode::GoingAway, QStringLiteral("service removed"));
}

} // namespace Postern::Broadcast
