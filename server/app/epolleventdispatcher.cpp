#include "app/epolleventdispatcher.h"

#include "frontdoor/qtprivateheaders.h"
#include "net/descriptortransport.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QThread>

#include <array>
#include <cerrno>
#include <cstring>

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace Postern::App {

namespace {

// Ready descriptors taken per wake-up; more wait for the next turn (level-triggered).
constexpr int kEventsPerWait = 256;

constexpr quint32 kReadEvents = EPOLLIN | EPOLLHUP | EPOLLERR;
constexpr quint32 kWriteEvents = EPOLLOUT | EPOLLHUP | EPOLLERR;
constexpr quint32 kExceptionEvents = EPOLLPRI | EPOLLHUP | EPOLLERR;

int waitForEvents(int epoll, epoll_event *events, const timespec *timeout)
{
    static std::atomic<bool> noPwait2{false};
    if (!noPwait2.load(std::memory_order_relaxed)) {
        const int ready = ::epoll_pwait2(epoll, events, kEventsPerWait, timeout, nullptr);
        if (ready >= 0 || (errno != ENOSYS && errno != EPERM))
            return ready;
        // A kernel before 5.11, or a system call filter that does not know it.
        noPwait2.store(true, std::memory_order_relaxed);
    }
    // Milliseconds, rounded up: a timer is never fired early.
    const int milliseconds = timeout ? int((timeout->tv_sec * 1'000'000'000 + timeout->tv_nsec + 999'999) / 1'000'000) : -1;
    return ::epoll_wait(epoll, events, kEventsPerWait, milliseconds);
}

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent), m_epoll(::epoll_create1(EPOLL_CLOEXEC)),
      m_wakeUp(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)), m_timers(std::make_unique<QTimerInfoList>())
{
    if (m_epoll < 0 || m_wakeUp < 0)
        qFatal("cannot create the event loop's epoll or eventfd descriptor: %s", std::strerror(errno));
    epoll_event event = {};
    event.events = EPOLLIN;
    event.data.fd = m_wakeUp;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeUp, &event) != 0)
        qFatal("cannot watch the event loop's eventfd: %s", std::strerror(errno));
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    if (thread() == QThread::currentThread())
        Net::DescriptorTransport::stopQueuingOutput(); // nobody sends the thread's queue any more
    ::close(m_wakeUp);
    ::close(m_epoll);
    qDeleteAll(*m_timers);
}

bool EpollEventDispatcher::wanted()
{
    // Asked once per process (by the main thread first), and warned about once.
    static const bool epoll = [] {
        QString problem;
        const bool chosen = wanted(qEnvironmentVariable("POSTERN_EVENT_DISPATCHER"), &problem);
        if (!problem.isEmpty())
            qWarning("%s", qPrintable(problem));
        return chosen;
    }();
    return epoll;
}

bool EpollEventDispatcher::wanted(const QString &value, QString *problem)
{
    if (problem)
        problem->clear();
    const QString choice = value.trimmed().toLower();
    if (choice == QLatin1String("poll"))
        return false;
    if (!choice.isEmpty() && choice != QLatin1String("epoll") && problem)
        *problem = QStringLiteral("POSTERN_EVENT_DISPATCHER='%1' is neither 'epoll' nor 'poll': using epoll").arg(value);
    return true;
}

void EpollEventDispatcher::installForMainThread()
{
    if (wanted())
        QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    // As Qt's own Unix dispatcher does, in the same order.
    m_interrupted.store(false, std::memory_order_relaxed);
    Q_EMIT awake();
    if (!m_threadData) // the thread it serves: it lives there (QThread::setEventDispatcher moves it)
        m_threadData = QObjectPrivate::get(this)->threadData.loadRelaxed();
    QThreadData *threadData = m_threadData;
    QCoreApplicationPrivate::sendPostedEvents(nullptr, 0, threadData);
    // What this turn's (and the posted events') handlers wrote to plain connections, at
    // once and without a posted event per connection.
    const bool moreOutput = Net::DescriptorTransport::sendQueuedOutput();

    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    const bool canWait = threadData->canWaitLocked() && !m_interrupted.load(std::memory_order_relaxed)
        && (flags & QEventLoop::WaitForMoreEvents);
    if (canWait)
        Q_EMIT aboutToBlock();
    if (m_interrupted.load(std::memory_order_relaxed))
        return false;

    timespec wait = {0, 0};
    const timespec *timeout = nullptr;
    if (!canWait || moreOutput || (includeTimers && m_timers->timerWait(wait)))
        timeout = &wait;
    if (moreOutput || (includeNotifiers && !m_alwaysReady.isEmpty())) {
        wait = {0, 0};
        timeout = &wait;
    }

    int activity = 0;
    if (includeNotifiers) {
        std::array<epoll_event, kEventsPerWait> events;
        const int ready = waitForEvents(m_epoll, events.data(), timeout);
        if (ready < 0 && errno != EINTR)
            qErrnoWarning("epoll_wait() failed in the event loop");
        for (int i = 0; i < ready; ++i) {
            if (events[i].data.fd == m_wakeUp) {
                drainWakeUps();
                ++activity;
            } else {
                markPending(events[i].data.fd, events[i].events);
            }
        }
        for (const int descriptor : std::as_const(m_alwaysReady))
            markPending(descriptor, EPOLLIN | EPOLLOUT);
        activity += activateSocketNotifiers();
    } else {
        // Socket notifiers are left out of this turn: only a wake-up (or a timer) ends it.
        pollfd wakeUp = {m_wakeUp, POLLIN, 0};
        if (::ppoll(&wakeUp, 1, timeout, nullptr) > 0) {
            drainWakeUps();
            ++activity;
        }
    }
    if (includeTimers)
        activity += m_timers->activateTimers();
    return activity > 0;
}

void EpollEventDispatcher::drainWakeUps()
{
    // One read takes the whole count (the eventfd is not a semaphore).
    quint64 count;
    while (::read(m_wakeUp, &count, sizeof count) < 0 && errno == EINTR) {
    }
    m_wakeUpPending.store(false, std::memory_order_release);
}

void EpollEventDispatcher::wakeUp()
{
    // Once until the loop has seen it, as Qt's thread pipe does.
    if (m_wakeUpPending.exchange(true, std::memory_order_acquire))
        return;
    const quint64 one = 1;
    while (::write(m_wakeUp, &one, sizeof one) < 0 && errno == EINTR) {
    }
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.store(true, std::memory_order_relaxed);
    wakeUp();
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int descriptor = int(notifier->socket());
    Watch &watch = m_watches[descriptor];
    QSocketNotifier **slot = notifier->type() == QSocketNotifier::Read ? &watch.read
        : notifier->type() == QSocketNotifier::Write                  ? &watch.write
                                                                       : &watch.exception;
    if (*slot && *slot != notifier)
        qWarning("EpollEventDispatcher: two socket notifiers of one type for descriptor %d", descriptor);
    *slot = notifier;
    update(descriptor, watch);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int descriptor = int(notifier->socket());
    m_pending.removeAll(notifier);
    const auto it = m_watches.find(descriptor);
    if (it == m_watches.end())
        return;
    for (QSocketNotifier **slot : {&it->read, &it->write, &it->exception})
        if (*slot == notifier)
            *slot = nullptr;
    update(descriptor, *it);
    if (!it->read && !it->write && !it->exception)
        m_watches.erase(it);
}

void EpollEventDispatcher::update(int descriptor, Watch &watch)
{
    const quint32 wanted = (watch.read ? quint32(EPOLLIN) : 0u) | (watch.write ? quint32(EPOLLOUT) : 0u)
        | (watch.exception ? quint32(EPOLLPRI) : 0u);
    if (watch.alwaysReady) {
        if (!wanted)
            m_alwaysReady.removeOne(descriptor);
        watch.events = wanted;
        return;
    }
    if (wanted == watch.events && watch.inEpoll == (wanted != 0))
        return;
    epoll_event event = {};
    event.events = wanted;
    event.data.fd = descriptor;
    if (!wanted) {
        // Notifiers are switched off before their descriptor is closed (Qt's sockets and
        // DescriptorTransport do so): epoll keeps a registration until the last descriptor
        // of the open file is closed, so a duplicate would keep one alive otherwise.
        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, descriptor, &event);
        watch.inEpoll = false;
    } else if (!watch.inEpoll || ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, descriptor, &event) != 0) {
        // (A MOD fails when the descriptor was closed and its number used again.)
        if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, descriptor, &event) == 0) {
            watch.inEpoll = true;
        } else if (errno == EPERM) {
            watch.alwaysReady = true; // a regular file: poll() calls it ready, so do we
            m_alwaysReady.append(descriptor);
        } else {
            qWarning("EpollEventDispatcher: cannot watch descriptor %d: %s", descriptor, std::strerror(errno));
        }
    }
    watch.events = wanted;
}

void EpollEventDispatcher::markPending(int descriptor, quint32 events)
{
    const auto it = m_watches.constFind(descriptor);
    if (it == m_watches.constEnd())
        return;
    if (it->read && (events & kReadEvents))
        m_pending.append(it->read);
    if (it->write && (events & kWriteEvents))
        m_pending.append(it->write);
    if (it->exception && (events & kExceptionEvents))
        m_pending.append(it->exception);
}

int EpollEventDispatcher::activateSocketNotifiers()
{
    // A notifier that is switched off (or deleted) while earlier ones are activated leaves
    // the list then (unregisterSocketNotifier()).
    int activated = 0;
    QEvent event(QEvent::SockAct);
    while (!m_pending.isEmpty()) {
        QSocketNotifier *notifier = m_pending.takeFirst();
        QCoreApplication::sendEvent(notifier, &event);
        ++activated;
    }
    return activated;
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    m_timers->registerTimer(timerId, interval, timerType, object);
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    return m_timers->unregisterTimer(timerId);
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    return m_timers->unregisterTimers(object);
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    return m_timers->registeredTimers(object);
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    return m_timers->timerRemainingTime(timerId);
}

} // namespace Postern::App
