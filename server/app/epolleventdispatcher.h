#pragma once

// An event dispatcher on epoll for posternd's threads (docs/performance.md, "Fourth pass").
// Qt 6.4's own Unix dispatcher hands poll() the thread's whole list of descriptors on every
// wake-up and rebuilds that list each time, so its cost per wake-up grows with the
// connections a thread holds. This one keeps the descriptors registered with the kernel and
// changes a registration only when a notifier is switched on or off; timers and posted
// events are Qt's own (QTimerInfoList, QCoreApplication's posted events), as in Qt's.
//
// Level-triggered, like poll(): a notifier is activated on every turn while its descriptor
// is ready, exactly as with Qt's dispatcher. Descriptors epoll cannot watch (regular files)
// are treated as poll() treats them: always ready.

#include <QAbstractEventDispatcher>
#include <QHash>
#include <QList>

#include <atomic>
#include <memory>

class QSocketNotifier;
class QThreadData;
class QTimerInfoList;

namespace Postern::App {

class EpollEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EpollEventDispatcher)

public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    // Whether posternd uses it: unless POSTERN_EVENT_DISPATCHER=poll asks for Qt's own.
    static bool wanted();
    // The same for a value of that variable: "epoll" or unset (or empty) for this one, "poll"
    // for Qt's, either in any case. Any other value means this one, with `problem` saying so.
    static bool wanted(const QString &value, QString *problem);
    // Sets it up for the main thread (before QCoreApplication is made) when wanted().
    static void installForMainThread();

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    struct Watch
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        quint32 events = 0;         // what epoll watches for now
        bool inEpoll = false;
        bool alwaysReady = false;   // epoll refused it (a regular file)
    };

    void update(int descriptor, Watch &watch);
    void markPending(int descriptor, quint32 events);
    int activateSocketNotifiers();
    void drainWakeUps();

    QThreadData *m_threadData = nullptr;
    int m_epoll = -1;
    int m_wakeUp = -1; // an eventfd
    std::atomic<bool> m_interrupted{false};
    std::atomic<bool> m_wakeUpPending{false};
    QHash<int, Watch> m_watches;
    QList<QSocketNotifier *> m_pending;
    QList<int> m_alwaysReady;
    std::unique_ptr<QTimerInfoList> m_timers;
};

} // namespace Postern::App
