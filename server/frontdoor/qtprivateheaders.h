#pragma once

// The Qt private headers Postern uses (Debian's qt6-base-private-dev, the same Qt 6.4.2 as the
// rest): QSslSocketPrivate to share OpenSSL contexts (ServerTlsContexts), QIODevicePrivate to
// keep idle socket buffers small (SocketBuffers), Qt's timer list, posted events and thread
// data for the epoll event dispatcher (App::EpollEventDispatcher). Include this, never the headers themselves:
// they use a keyword the project turns off (QT_NO_KEYWORDS).

#define emit
#include <QtCore/private/qcoreapplication_p.h>
#include <QtCore/private/qiodevice_p.h>
#include <QtCore/private/qobject_p.h>
#include <QtCore/private/qthread_p.h>
#include <QtCore/private/qtimerinfo_unix_p.h>
#include <QtNetwork/private/qsslsocket_p.h>
#undef emit
