#pragma once

// The Qt private headers Postern uses (Debian's qt6-base-private-dev, the same Qt 6.4.2 as the
// rest): QSslSocketPrivate to share OpenSSL contexts (ServerTlsContexts), QIODevicePrivate to
// keep idle socket buffers small (SocketBuffers). Include this, never the headers themselves:
// they use a keyword the project turns off (QT_NO_KEYWORDS).

#define emit
#include <QtCore/private/qiodevice_p.h>
#include <QtNetwork/private/qsslsocket_p.h>
#undef emit
