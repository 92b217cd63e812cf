#include "util/socketoutput.h"

#include <sys/socket.h>
#include <sys/uio.h>

namespace Postern::Util::SocketOutput {

void write(QTcpSocket *socket, const QByteArray &bytes, const QByteArray &more)
{
    const qsizetype total = bytes.size() + more.size();
    if (total == 0)
        return;
    const bool direct = !qobject_cast<const QSslSocket *>(socket) && socket->state() == QAbstractSocket::ConnectedState
        && socket->bytesToWrite() == 0 && socket->socketDescriptor() >= 0;
    qsizetype sent = 0;
    if (direct) {
        iovec parts[2] = {{const_cast<char *>(bytes.constData()), size_t(bytes.size())},
                          {const_cast<char *>(more.constData()), size_t(more.size())}};
        msghdr message{};
        message.msg_iov = parts;
        message.msg_iovlen = more.isEmpty() ? 1 : 2;
        const ssize_t result = ::sendmsg(int(socket->socketDescriptor()), &message, MSG_NOSIGNAL | MSG_DONTWAIT);
        // A full kernel buffer (or a signal) leaves the rest to Qt, which waits for room; any
        // other error too, so that Qt meets it on its own write and reports it as it always does.
        if (result > 0)
            sent = qsizetype(result);
    }
    if (sent == total)
        return;
    if (sent < bytes.size()) {
        socket->write(sent == 0 ? bytes : bytes.sliced(sent));
        if (!more.isEmpty())
            socket->write(more);
    } else {
        socket->write(more.sliced(sent - bytes.size()));
    }
}

} // namespace Postern::Util::SocketOutput
