#include "broadcast/sourceframer.h"

#include "websocket/utf8validator.h"

namespace Postern::Broadcast {

SourceFramer::SourceFramer(Config::BroadcastOptions::Framing framing, qint64 maximumMessageSize)
    : m_framing(framing), m_maximum(maximumMessageSize)
{
}

std::expected<QList<SourceFramer::Message>, QString> SourceFramer::feed(const QByteArray &bytes)
{
    QList<Message> messages;
    if (m_framing == Config::BroadcastOptions::Framing::Read) {
        if (!bytes.isEmpty())
            messages.append({WebSocket::Opcode::Binary, bytes});
        return messages;
    }
    qsizetype start = 0;
    for (qsizetype end = bytes.indexOf('\n'); end >= 0; start = end + 1, end = bytes.indexOf('\n', start)) {
        QByteArray line = m_line.isEmpty() ? bytes.mid(start, end - start) : m_line + bytes.mid(start, end - start);
        m_line.clear();
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.size() > m_maximum)
            return std::unexpected(QStringLiteral("a line of %1 bytes is longer than source.maximum.message.size (%2)")
                                       .arg(line.size()).arg(m_maximum));
        const bool text = WebSocket::Utf8Validator::isValid(line);
        messages.append({text ? WebSocket::Opcode::Text : WebSocket::Opcode::Binary, std::move(line)});
    }
    m_line += QByteArrayView(bytes).sliced(start);
    // A CR may still be removed when the LF comes, so the limit allows one byte more.
    if (m_line.size() > m_maximum + 1)
        return std::unexpected(QStringLiteral("a line longer than source.maximum.message.size (%1 bytes) has no end yet")
                                   .arg(m_maximum));
    return messages;
}

} // namespace Postern::Broadcast
