#pragma once

// One worker thread of the gateway: an event loop of its own and its own listeners, each on
// a socket that shares its port with the other threads' (SO_REUSEPORT). A connection it
// accepts lives in it from accept to close: front door, TLS, session, back-end socket.
// The gateway calls it only through queued calls (invokeMethod) and never waits for it,
// except to join the thread when it stops.

#include "frontdoor/listenercontext.h"

#include <QHash>
#include <QThread>

namespace Postern::Frontdoor { class Listener; }
namespace Postern::Sessions { class SessionRegistry; }

namespace Postern::App {

class Worker final
{
    Q_DISABLE_COPY_MOVE(Worker)

public:
    // Starts a thread named `name` with a worker in it.
    Worker(const QString &name, Sessions::SessionRegistry *registry);
    ~Worker(); // stop()s

    // Each posts its work to the worker's thread. `key` names the bound address.
    void listen(const QString &key, Frontdoor::ListenerContextPtr context, int descriptor);
    void setContext(const QString &key, Frontdoor::ListenerContextPtr context);
    void stopListening(const QString &key);
    // Ends the thread's event loop and waits for it; what still lives there is destroyed
    // (sessions not yet drained included). Called from the thread that made the worker.
    void stop();

private:
    // Lives in the thread: owns the listeners, connections and sessions there.
    class Loop;

    QThread m_thread;
    Loop *m_loop;
    Sessions::SessionRegistry *m_registry;
};

} // namespace Postern::App
