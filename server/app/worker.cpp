#include "app/worker.h"

#include "app/epolleventdispatcher.h"
#include "frontdoor/listener.h"
#include "sessions/sessionregistry.h"

#include <openssl/crypto.h>

namespace Postern::App {

class Worker::Loop final : public QObject
{
public:
    explicit Loop(Sessions::SessionRegistry *registry) : m_registry(registry) {}

    void listen(const QString &key, Frontdoor::ListenerContextPtr context, int descriptor)
    {
        auto *listener = new Frontdoor::Listener(std::move(context), &m_connections, this);
        listener->start(descriptor);
        delete m_listeners.value(key);
        m_listeners.insert(key, listener);
    }

    void setContext(const QString &key, Frontdoor::ListenerContextPtr context)
    {
        if (Frontdoor::Listener *listener = m_listeners.value(key))
            listener->setContext(std::move(context));
    }

    void stopListening(const QString &key)
    {
        if (Frontdoor::Listener *listener = m_listeners.take(key)) {
            listener->stop();
            delete listener;
        }
    }

    void stopAllListening()
    {
        for (const QString &key : m_listeners.keys())
            stopListening(key);
    }

    // In the thread, when it starts: sessions accepted here are owned here.
    void begin() { m_registry->setThreadOwner(QThread::currentThread(), &m_connections); }

    ~Loop() override
    {
        stopAllListening();
        // The sessions of this thread end here, in their thread, before OpenSSL lets go of it.
        qDeleteAll(m_connections.children());
        m_registry->setThreadOwner(QThread::currentThread(), nullptr);
        // QThread::wait() returns before the thread's own destructors for thread-local data
        // run, so at process exit OpenSSL's per-thread error state could outlive the process
        // teardown and be reported as leaked; release it explicitly while the thread is alive.
        OPENSSL_thread_stop();
    }

private:
    Sessions::SessionRegistry *m_registry;
    QObject m_connections{this}; // in-flight connections and sessions of this thread
    QHash<QString, Frontdoor::Listener *> m_listeners;
};

Worker::Worker(const QString &name, Sessions::SessionRegistry *registry)
    : m_loop(new Loop(registry)), m_registry(registry)
{
    m_thread.setObjectName(name);
    if (EpollEventDispatcher::wanted())
        m_thread.setEventDispatcher(new EpollEventDispatcher);
    m_loop->moveToThread(&m_thread);
    // The loop is destroyed in its thread, after the event loop has ended.
    QObject::connect(&m_thread, &QThread::finished, m_loop, &QObject::deleteLater);
    QMetaObject::invokeMethod(m_loop, [loop = m_loop] { loop->begin(); }, Qt::QueuedConnection);
    m_thread.start();
}

Worker::~Worker()
{
    stop();
}

void Worker::listen(const QString &key, Frontdoor::ListenerContextPtr context, int descriptor)
{
    QMetaObject::invokeMethod(m_loop, [loop = m_loop, key, context, descriptor] { loop->listen(key, context, descriptor); },
                              Qt::QueuedConnection);
}

void Worker::setContext(const QString &key, Frontdoor::ListenerContextPtr context)
{
    QMetaObject::invokeMethod(m_loop, [loop = m_loop, key, context] { loop->setContext(key, context); },
                              Qt::QueuedConnection);
}

void Worker::stopListening(const QString &key)
{
    QMetaObject::invokeMethod(m_loop, [loop = m_loop, key] { loop->stopListening(key); }, Qt::QueuedConnection);
}

void Worker::stop()
{
    if (!m_thread.isRunning())
        return;
    m_thread.quit();
    m_thread.wait();
}

} // namespace Postern::App
