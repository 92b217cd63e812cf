#pragma once

// Tells systemd (a Type=notify unit) where posternd is in its life: READY=1 once the
// listeners are up, RELOADING=1 while a SIGHUP reload runs and READY=1 again when it was
// applied or refused, STOPPING=1 when SIGTERM starts the drain, each with a STATUS= line for
// `systemctl status`. When the unit sets WatchdogSec=, it sends WATCHDOG=1 at half the
// interval from a timer of the event loop: a loop that hangs stops the pings, and systemd
// restarts the gateway. Without NOTIFY_SOCKET (not started by systemd) every call does nothing.

#include <QObject>
#include <QString>

class QTimer;

namespace Postern::App {

class SystemdNotifier final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SystemdNotifier)

public:
    explicit SystemdNotifier(QObject *parent = nullptr);

    void ready(const QString &status);
    void reloading(const QString &status);
    void stopping(const QString &status);
    void status(const QString &status);

    // The watchdog interval systemd asked for, in microseconds (0: none).
    quint64 watchdogMicroseconds() const { return m_watchdogUsec; }

private:
    void send(const QByteArray &state);

    QTimer *m_watchdog = nullptr;
    quint64 m_watchdogUsec = 0;
};

} // namespace Postern::App
