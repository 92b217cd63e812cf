#pragma once

// Turns SIGHUP, SIGTERM and SIGINT into Qt signals: the handler only writes the signal
// number to a socketpair, and a QSocketNotifier reads it in the event loop.

#include <QObject>

class QSocketNotifier;

namespace Postern::App {

class SignalWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignalWatcher)

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void reloadRequested();    // SIGHUP
    void terminateRequested(); // SIGTERM, SIGINT

private:
    void onReadable();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Postern::App
