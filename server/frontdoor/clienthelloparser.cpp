#include "frontdoor/clienthelloparser.h"

namespace Postern::Frontdoor::ClientHelloParser {

namespace {

// Bounds-checked big-endian reader over the handshake body.
class Reader
{
public:
    explicit Reader(QByteArrayView data) : m_data(data) {}
    bool skip(qsizetype n)
    {
        if (n < 0 || m_position + n > m_data.size())
            return false;
        m_position += n;
        return true;
    }
    bool read(int bytes, quint32 &value)
    {
        if (m_position + bytes > m_data.size())
            return false;
        value = 0;
        for (int i = 0; i < bytes; ++i)
            value = (value << 8) | static_cast<unsigned char>(m_data[m_position++]);
        return true;
    }
    bool sub(qsizetype n, Reader &out)
    {
        if (n < 0 || m_position + n > m_data.size())
            return false;
        out = Reader(m_data.sliced(m_position, n));
        m_position += n;
        return true;
    }
    bool atEnd() const { return m_position >= m_data.size(); }
    QByteArrayView rest() const { return m_data.sliced(m_position); }

private:
    QByteArrayView m_data;
    qsizetype m_position = 0;
};

} // namespace

Result parse(QByteArrayView data)
{
    if (data.isEmpty())
        return {Status::NeedMore, {}};
    if (static_cast<unsigned char>(data[0]) != 0x16) // handshake record
        return {Status::NotTls, {}};
    if (data.size() < 5)
        return {Status::NeedMore, {}};
    if (static_cast<unsigned char>(data[1]) != 0x03)
        return {Status::NotTls, {}};
    const qsizetype recordLength = (static_cast<unsigned char>(data[3]) << 8) | static_cast<unsigned char>(data[4]);
    if (data.size() < 5 + recordLength) {
        // A ClientHello may in theory span records; the first record always holds the
        // start. Wait for the whole first record only.
        return {Status::NeedMore, {}};
    }
    Reader record(data.sliced(5, recordLength));
    quint32 type = 0, length = 0, value = 0;
    if (!record.read(1, type) || type != 1 || !record.read(3, length))
        return {Status::NotTls, {}};
    // A hello longer than this record: parse what we have; SNI sits early in practice.
    Reader hello(record.rest().first(qMin<qsizetype>(length, record.rest().size())));
    Reader skipped(QByteArrayView{});
    if (!hello.skip(2 + 32)                                  // version, random
        || !hello.read(1, value) || !hello.skip(value)       // session id
        || !hello.read(2, value) || !hello.skip(value)       // cipher suites
        || !hello.read(1, value) || !hello.skip(value))      // compression methods
        return {Status::Complete, {}};
    Reader extensions(QByteArrayView{});
    if (!hello.read(2, value) || !hello.sub(value, extensions))
        return {Status::Complete, {}};
    while (!extensions.atEnd()) {
        quint32 extensionType = 0, extensionLength = 0;
        Reader extension(QByteArrayView{});
        if (!extensions.read(2, extensionType) || !extensions.read(2, extensionLength)
            || !extensions.sub(extensionLength, extension))
            break;
        if (extensionType != 0) // server_name
            continue;
        Reader list(QByteArrayView{});
        if (!extension.read(2, value) || !extension.sub(value, list))
            break;
        while (!list.atEnd()) {
            quint32 nameType = 0, nameLength = 0;
            if (!list.read(1, nameType) || !list.read(2, nameLength))
                break;
            Reader name(QByteArrayView{});
            if (!list.sub(nameLength, name))
                break;
            if (nameType == 0) { // host_name
                const QByteArrayView host = name.rest();
                for (char c : host)
                    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
                        return {Status::Complete, {}};
                return {Status::Complete, QString::fromLatin1(host).toLower()};
            }
        }
        break;
    }
    return {Status::Complete, {}};
}

} // namespace Postern::Frontdoor::ClientHelloParser
