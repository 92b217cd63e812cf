// App::EpollEventDispatcher, posternd's event loop: timers, socket notifiers, posted events
// and wake-ups from other threads, as the main thread's dispatcher (installed before the
// application, as posternd's main() does) and as a worker thread's.

#include "app/epolleventdispatcher.h"
#include "net/descriptortransport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QPointer>
#include <QSocketNotifier>
#include <QTemporaryFile>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <thread>
#include <vector>

using namespace Postern;

namespace {

// A connected pair of local stream sockets, closed with it.
struct SocketPair
{
    int ends[2] = {-1, -1};
    SocketPair() { ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, ends); }
    ~SocketPair()
    {
        ::close(ends[0]);
        ::close(ends[1]);
    }
    bool valid() const { return ends[0] >= 0; }
    void send(const char *bytes) const { QVERIFY(::write(ends[1], bytes, strlen(bytes)) > 0); }
    QByteArray take() const
    {
        char buffer[256];
        const ssize_t got = ::read(ends[0], buffer, sizeof buffer);
        return got > 0 ? QByteArray(buffer, got) : QByteArray();
    }
};

// Counts the posted calls (QEvent::MetaCall) an object is sent.
class PostedCallCounter : public QObject
{
public:
    int count = 0;
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::MetaCall)
            ++count;
        return false;
    }
};

QByteArray readAll(int descriptor)
{
    QByteArray all;
    char buffer[4096];
    ssize_t got;
    while ((got = ::read(descriptor, buffer, sizeof buffer)) > 0)
        all.append(buffer, got);
    return all;
}

} // namespace

class TestEpollEventDispatcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isTheMainThreadsDispatcher()
    {
        QVERIFY(qobject_cast<App::EpollEventDispatcher *>(QAbstractEventDispatcher::instance()));
    }

    void theEnvironmentChoosesIt()
    {
        QString problem;
        QVERIFY(App::EpollEventDispatcher::wanted(QString(), &problem));
        QVERIFY(App::EpollEventDispatcher::wanted(QStringLiteral("epoll"), &problem));
        QVERIFY(App::EpollEventDispatcher::wanted(QStringLiteral(" EPOLL "), &problem));
        QVERIFY(problem.isEmpty());
        QVERIFY(!App::EpollEventDispatcher::wanted(QStringLiteral("poll"), &problem));
        QVERIFY(!App::EpollEventDispatcher::wanted(QStringLiteral("Poll"), &problem));
        QVERIFY(problem.isEmpty());
        // A value it does not know: the epoll loop, and a problem that names the value.
        QVERIFY(App::EpollEventDispatcher::wanted(QStringLiteral("pol"), &problem));
        QCOMPARE(problem, QStringLiteral("POSTERN_EVENT_DISPATCHER='pol' is neither 'epoll' nor 'poll': using epoll"));
    }

    void timersFireOnTimeAndRepeat()
    {
        QElapsedTimer clock;
        clock.start();
        qint64 firedAt = -1;
        QTimer::singleShot(60, Qt::PreciseTimer, this, [&] { firedAt = clock.elapsed(); });
        int ticks = 0;
        QTimer repeating;
        connect(&repeating, &QTimer::timeout, this, [&] { ++ticks; });
        repeating.start(10);
        QTRY_VERIFY_WITH_TIMEOUT(firedAt >= 0, 5000);
        QVERIFY2(firedAt >= 60, qPrintable(QString::number(firedAt))); // never early
        QTRY_VERIFY(ticks >= 5);
        const int remaining = QAbstractEventDispatcher::instance()->remainingTime(repeating.timerId());
        QVERIFY2(remaining >= 0 && remaining <= 10, qPrintable(QString::number(remaining)));
        QCOMPARE(QAbstractEventDispatcher::instance()->registeredTimers(&repeating).size(), 1);
        repeating.stop();
        const int stoppedAt = ticks;
        QTest::qWait(50);
        QCOMPARE(ticks, stoppedAt);
    }

    void readAndWriteNotifiers()
    {
        SocketPair pair;
        QVERIFY(pair.valid());
        QSocketNotifier readable(pair.ends[0], QSocketNotifier::Read);
        QByteArray received;
        connect(&readable, &QSocketNotifier::activated, this, [&] { received += pair.take(); });
        pair.send("one");
        QTRY_COMPARE(received, QByteArray("one"));

        // Switched off, it is not activated whatever waits; switched on again, it is.
        readable.setEnabled(false);
        pair.send("two");
        QTest::qWait(50);
        QCOMPARE(received, QByteArray("one"));
        readable.setEnabled(true);
        QTRY_COMPARE(received, QByteArray("onetwo"));

        int writable = 0;
        QSocketNotifier writer(pair.ends[0], QSocketNotifier::Write);
        connect(&writer, &QSocketNotifier::activated, this, [&] {
            ++writable;
            writer.setEnabled(false);
        });
        QTRY_COMPARE(writable, 1);
        // Read and write notifiers of one descriptor each keep working once the other goes.
        writer.setEnabled(false);
        pair.send("three");
        QTRY_COMPARE(received, QByteArray("onetwothree"));
    }

    void onlyTheReadyDescriptorIsActivated()
    {
        std::vector<std::unique_ptr<SocketPair>> pairs;
        std::vector<std::unique_ptr<QSocketNotifier>> notifiers;
        int activated = -1;
        int count = 0;
        for (int i = 0; i < 300; ++i) {
            pairs.push_back(std::make_unique<SocketPair>());
            QVERIFY(pairs.back()->valid());
            notifiers.push_back(std::make_unique<QSocketNotifier>(pairs.back()->ends[0], QSocketNotifier::Read));
            connect(notifiers.back().get(), &QSocketNotifier::activated, this, [&, i] {
                activated = i;
                ++count;
                pairs[size_t(i)]->take();
            });
        }
        pairs[123]->send("x");
        QTRY_COMPARE(activated, 123);
        QTest::qWait(30);
        QCOMPARE(count, 1);
    }

    void aNotifierDeletedInTheSameTurnIsNotActivated()
    {
        // Both descriptors are ready in one turn; whichever is activated first deletes the
        // other, which then must not be activated.
        SocketPair first, second;
        QPointer<QSocketNotifier> a = new QSocketNotifier(first.ends[0], QSocketNotifier::Read);
        QPointer<QSocketNotifier> b = new QSocketNotifier(second.ends[0], QSocketNotifier::Read);
        int activations = 0;
        connect(a, &QSocketNotifier::activated, this, [&] {
            ++activations;
            first.take();
            delete b;
        });
        connect(b, &QSocketNotifier::activated, this, [&] {
            ++activations;
            second.take();
            delete a;
        });
        first.send("a");
        second.send("b");
        QTest::qWait(100);
        QCOMPARE(activations, 1);
        delete a;
        delete b;
    }

    void aRegularFileIsAlwaysReady()
    {
        // As poll() reports regular files (epoll cannot watch them).
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write("data");
        file.flush();
        QSocketNotifier notifier(file.handle(), QSocketNotifier::Read);
        int activations = 0;
        connect(&notifier, &QSocketNotifier::activated, this, [&] {
            if (++activations == 3)
                notifier.setEnabled(false);
        });
        QTRY_COMPARE(activations, 3);
        QTest::qWait(30);
        QCOMPARE(activations, 3);
    }

    void postedEventsFromAnotherThreadWakeTheLoop()
    {
        // The loop is blocked with nothing to do (no timer of its own); another thread posts.
        bool delivered = false;
        QEventLoop loop;
        std::thread poster([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            QMetaObject::invokeMethod(this, [&] {
                delivered = true;
                loop.quit();
            }, Qt::QueuedConnection);
        });
        QElapsedTimer clock;
        clock.start();
        QTimer::singleShot(10'000, &loop, &QEventLoop::quit); // only if the wake-up is lost
        loop.exec();
        poster.join();
        QVERIFY(delivered);
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    }

    void anotherThreadEndsTheLoop()
    {
        QEventLoop loop;
        std::thread stopper([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            loop.exit(7); // interrupt() from another thread
        });
        QTimer::singleShot(10'000, &loop, [&] { loop.exit(-1); });
        const int code = loop.exec();
        stopper.join();
        QCOMPARE(code, 7);
    }

    void aTurnsOutputIsSentWithoutAPostedCall()
    {
        // The loop sends the thread's queued output before it waits: a transport's writes
        // reach the peer, in order, with no posted call to the transport (under Qt's own
        // dispatcher each turn's output takes one).
        SocketPair pair;
        QVERIFY(pair.valid());
        auto *transport = new Net::DescriptorTransport(::dup(pair.ends[1]), {});
        PostedCallCounter counter;
        transport->installEventFilter(&counter);
        QByteArray received;
        for (const char *piece : {"one ", "two ", "three"}) {
            transport->write(QByteArrayView(piece, qsizetype(strlen(piece))));
            QTRY_VERIFY((received += readAll(pair.ends[0])).endsWith(piece));
        }
        QCOMPARE(received, QByteArray("one two three"));
        QCOMPARE(transport->unsent(), 0);
        QCOMPARE(counter.count, 0);
        delete transport;
    }

    void aTransportDeletedWithQueuedOutputIsLeftOut()
    {
        // Queued, then deleted in the same turn: the loop must not send for it (ASan would
        // see the use after free), and the others queued beside it still go.
        SocketPair first, second;
        auto *gone = new Net::DescriptorTransport(::dup(first.ends[1]), {});
        auto *kept = new Net::DescriptorTransport(::dup(second.ends[1]), {});
        gone->write("lost");
        kept->write("kept");
        delete gone;
        QByteArray received;
        QTRY_COMPARE(received += readAll(second.ends[0]), QByteArray("kept"));
        QCOMPARE(readAll(first.ends[0]), QByteArray()); // the peer sees its end, nothing else
        delete kept;
    }

    void outputQueuedWhileSendingGoesOnTheNextTurn()
    {
        // A handler of sent() that writes again (as a relay resuming the other side does)
        // queues for the next turn: everything arrives and the loop does not wait meanwhile.
        SocketPair pair;
        auto *transport = new Net::DescriptorTransport(::dup(pair.ends[1]), {});
        int rounds = 0;
        connect(transport, &Net::Transport::sent, transport, [&] {
            if (++rounds < 50)
                transport->write("x");
        });
        transport->write("x");
        QElapsedTimer clock;
        clock.start();
        QByteArray received;
        QTRY_COMPARE_WITH_TIMEOUT((received += readAll(pair.ends[0])).size(), 50, 5000);
        QCOMPARE(rounds, 50);
        QVERIFY2(clock.elapsed() < 4000, qPrintable(QString::number(clock.elapsed())));
        delete transport;
    }

    void aNestedLoopWhileSendingCarriesOn()
    {
        // A handler of sent() that runs a nested event loop (which sends the queue too): the
        // outer sending carries on where the nested one stopped, and every transport's
        // output arrives once.
        SocketPair first, second, third;
        auto *a = new Net::DescriptorTransport(::dup(first.ends[1]), {});
        auto *b = new Net::DescriptorTransport(::dup(second.ends[1]), {});
        auto *c = new Net::DescriptorTransport(::dup(third.ends[1]), {});
        bool nested = false;
        connect(a, &Net::Transport::sent, a, [&] {
            if (nested)
                return;
            nested = true;
            c->write("queued inside");
            QEventLoop loop;
            QTimer::singleShot(20, &loop, &QEventLoop::quit);
            loop.exec();
        });
        a->write("a");
        b->write("b");
        QByteArray fromA, fromB, fromC;
        QTRY_COMPARE(fromA += readAll(first.ends[0]), QByteArray("a"));
        QTRY_COMPARE(fromB += readAll(second.ends[0]), QByteArray("b"));
        QTRY_COMPARE(fromC += readAll(third.ends[0]), QByteArray("queued inside"));
        QVERIFY(nested);
        QTest::qWait(20);
        QCOMPARE(fromA + readAll(first.ends[0]), QByteArray("a"));
        QCOMPARE(fromB + readAll(second.ends[0]), QByteArray("b"));
        delete a;
        delete b;
        delete c;
    }

    void aTransportMovedToAnotherThreadTakesItsOutputAlong()
    {
        // Queued in this thread's queue, then moved: the output goes from the new thread
        // (not from this thread's queue, which would touch the object from the wrong thread).
        QCoreApplication::processEvents(); // this thread's loop has sent its queue: it queues
        SocketPair pair;
        auto *transport = new Net::DescriptorTransport(::dup(pair.ends[1]), {});
        QThread thread;
        thread.setEventDispatcher(new App::EpollEventDispatcher);
        thread.start();
        std::atomic<QThread *> sentFrom{nullptr};
        connect(transport, &Net::Transport::sent, transport, [&] { sentFrom = QThread::currentThread(); },
                Qt::DirectConnection);
        transport->write("moved");
        transport->moveToThread(&thread);
        QByteArray received;
        QTRY_COMPARE(received += readAll(pair.ends[0]), QByteArray("moved"));
        QTRY_VERIFY(sentFrom.load() != nullptr);
        QCOMPARE(sentFrom.load(), &thread);
        QMetaObject::invokeMethod(transport, [transport] { delete transport; }, Qt::BlockingQueuedConnection);
        thread.quit();
        QVERIFY(thread.wait(5000));
    }

    void stoppingTheQueuePostsWhatIsQueued()
    {
        // A loop that ends for good hands what is queued to posted calls: it is still sent.
        SocketPair pair;
        auto *transport = new Net::DescriptorTransport(::dup(pair.ends[1]), {});
        PostedCallCounter counter;
        transport->installEventFilter(&counter);
        transport->write("queued");
        Net::DescriptorTransport::stopQueuingOutput();
        QByteArray received;
        QTRY_COMPARE(received += readAll(pair.ends[0]), QByteArray("queued"));
        QCOMPARE(counter.count, 1);
        delete transport;
    }

    void servesAWorkerThread()
    {
        QThread thread;
        thread.setEventDispatcher(new App::EpollEventDispatcher);
        std::atomic<int> ticks{0};
        std::atomic<bool> rightDispatcher{false};
        QTimer *timer = new QTimer;
        timer->moveToThread(&thread);
        connect(timer, &QTimer::timeout, timer, [&] {
            rightDispatcher = qobject_cast<App::EpollEventDispatcher *>(QAbstractEventDispatcher::instance()) != nullptr;
            ++ticks;
        });
        connect(&thread, &QThread::started, timer, [timer] { timer->start(5); });
        connect(&thread, &QThread::finished, timer, &QObject::deleteLater);
        thread.start();
        QTRY_VERIFY(ticks >= 3);
        QVERIFY(rightDispatcher);
        thread.quit();
        QVERIFY(thread.wait(5000));
    }
};

int main(int argc, char *argv[])
{
    QCoreApplication::setEventDispatcher(new App::EpollEventDispatcher);
    QCoreApplication application(argc, argv);
    TestEpollEventDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_epolleventdispatcher.moc"
