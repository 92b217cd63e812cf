#include "app/systemdnotifier.h"

#include "logging.h"

#include <QTimer>

#include <systemd/sd-daemon.h>

#include <ctime>

namespace Postern::App {

namespace {

// A status line is one line: systemd reads the message as KEY=VALUE lines.
QByteArray statusLine(const QString &status)
{
    QString line = status;
    line.replace(u'\n', u' ');
    return "STATUS=" + line.toUtf8();
}

quint64 monotonicMicroseconds()
{
    timespec now = {};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return quint64(now.tv_sec) * 1000000u + quint64(now.tv_nsec) / 1000u;
}

} // namespace

SystemdNotifier::SystemdNotifier(QObject *parent) : QObject(parent)
{
    uint64_t usec = 0;
    // > 0 only when WATCHDOG_USEC is set (and WATCHDOG_PID, if set, is this process).
    if (::sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        m_watchdogUsec = usec;
        m_watchdog = new QTimer(this);
        m_watchdog->setTimerType(Qt::PreciseTimer);
        m_watchdog->setInterval(std::max<int>(1, int(usec / 2000))); // half the interval, in ms
        connect(m_watchdog, &QTimer::timeout, this, [this] { send("WATCHDOG=1"); });
        m_watchdog->start();
        qCInfo(lcGateway).noquote() << QStringLiteral("systemd watchdog: a ping every %1 ms").arg(m_watchdog->interval());
    }
}

void SystemdNotifier::ready(const QString &status)
{
    send("READY=1\n" + statusLine(status));
}

void SystemdNotifier::reloading(const QString &status)
{
    // MONOTONIC_USEC is what systemd 253 and later want with RELOADING=1 (Type=notify-reload);
    // older ones ignore it.
    send("RELOADING=1\nMONOTONIC_USEC=" + QByteArray::number(monotonicMicroseconds()) + '\n' + statusLine(status));
}

void SystemdNotifier::stopping(const QString &status)
{
    send("STOPPING=1\n" + statusLine(status));
}

void SystemdNotifier::status(const QString &status)
{
    send(statusLine(status));
}

void SystemdNotifier::send(const QByteArray &state)
{
    // sd_notify returns 0 without NOTIFY_SOCKET, and a failure to send is no reason to stop
    // serving: it is logged at debug level only.
    if (const int sent = ::sd_notify(0, state.constData()); sent < 0)
        qCDebug(lcGateway) << "sd_notify failed:" << sent;
}

} // namespace Postern::App
