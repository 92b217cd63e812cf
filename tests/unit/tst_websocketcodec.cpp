#include "net/transport.h"
#include "websocket/frameparser.h"
#include "websocket/framewriter.h"
#include "websocket/handshake.h"
#include "websocket/opcode.h"
#include "websocket/utf8validator.h"

#include <QCryptographicHash>
#include <QSet>
#include <QThread>
#include <QtTest>

#include <algorithm>
#include <cstring>
#include <memory>

#include <sys/wait.h>
#include <unistd.h>

using namespace Postern::WebSocket;

Q_DECLARE_METATYPE(Postern::WebSocket::Frame)

namespace {

constexpr quint32 kRfcKey = 0x37fa213d; // the mask key of the RFC 6455 §5.7 examples

QByteArray hex(const char *text)
{
    return QByteArray::fromHex(text); // spaces are skipped
}

// n bytes of a pattern that is not periodic with the mask key's period.
QByteArray pattern(qsizetype n)
{
    QByteArray bytes(n, Qt::Uninitialized);
    for (qsizetype i = 0; i < n; ++i)
        bytes[i] = char((i * 7 + i / 251 + 3) & 0xFF);
    return bytes;
}

// Masking written out the slow, obvious way, to check the real one against.
QByteArray naiveMask(QByteArrayView payload, quint32 key, qint64 offset = 0)
{
    const quint8 keyBytes[4] = {quint8(key >> 24), quint8(key >> 16), quint8(key >> 8), quint8(key)};
    QByteArray out(payload.size(), Qt::Uninitialized);
    for (qsizetype i = 0; i < payload.size(); ++i)
        out[i] = char(quint8(payload[i]) ^ keyBytes[(offset + i) % 4]);
    return out;
}

QString opcodeName(Opcode opcode)
{
    switch (opcode) {
    case Opcode::Continuation: return QStringLiteral("Continuation");
    case Opcode::Text: return QStringLiteral("Text");
    case Opcode::Binary: return QStringLiteral("Binary");
    case Opcode::Close: return QStringLiteral("Close");
    case Opcode::Ping: return QStringLiteral("Ping");
    case Opcode::Pong: return QStringLiteral("Pong");
    }
    return QStringLiteral("opcode %1").arg(int(opcode));
}

// "Text fin 48656c6c6f", or with a size and digest for long payloads: readable in a failure.
QString describe(const Frame &frame)
{
    const QByteArray payload = frame.payload.size() <= 48
        ? frame.payload.toHex()
        : QByteArray::number(frame.payload.size()) + " bytes sha1 "
            + QCryptographicHash::hash(frame.payload, QCryptographicHash::Sha1).toHex().left(16);
    return opcodeName(frame.opcode) + (frame.fin ? QStringLiteral(" fin ") : QStringLiteral(" more "))
        + QString::fromLatin1(payload);
}

QStringList describe(const QList<Frame> &frames)
{
    QStringList lines;
    for (const Frame &frame : frames)
        lines.append(describe(frame));
    return lines;
}

// Runs the parser until it needs more bytes or fails, collecting the frames.
FrameParser::Result drain(FrameParser &parser, QList<Frame> &frames)
{
    for (;;) {
        FrameParser::Result result = parser.next();
        if (!result.isFrame())
            return result;
        frames.append(std::move(result.frame));
    }
}

// A client's frame, masked with the RFC's key.
QByteArray masked(Opcode opcode, const QByteArray &payload, bool fin = true)
{
    return FrameWriter::frame(opcode, payload, fin, kRfcKey);
}

// A server's frame, unmasked.
QByteArray unmasked(Opcode opcode, const QByteArray &payload, bool fin = true)
{
    return FrameWriter::frame(opcode, payload, fin);
}

// A transport that hands out `bytes` at most `step` bytes per read: what readFrom() reads from.
class ScriptedTransport : public Postern::Net::Transport
{
public:
    ScriptedTransport(QByteArray bytes, qint64 step) : m_bytes(std::move(bytes)), m_step(step) {}
    bool isOpen() const override { return true; }
    bool isClosed() const override { return false; }
    qint64 bytesAvailable() const override { return 0; } // reads only when asked, as a descriptor
    bool mayHaveInput() const override { return m_offset < m_bytes.size(); }
    qint64 read(char *data, qint64 maximum) override
    {
        const qint64 taken = std::min({maximum, m_step, qint64(m_bytes.size() - m_offset)});
        std::memcpy(data, m_bytes.constData() + m_offset, size_t(taken));
        m_offset += taken;
        return taken;
    }
    void discardInput() override { m_offset = m_bytes.size(); }
    void write(QByteArrayView) override {}
    qint64 unsent() const override { return 0; }
    void disconnectFromHost() override {}
    void abort() override {}
    QString errorString() const override { return {}; }

private:
    QByteArray m_bytes;
    qsizetype m_offset = 0;
    qint64 m_step;
};

// Parses everything `transport` holds, reading at most `maximum` per call.
FrameParser::Result readAllFrames(FrameParser &parser, ScriptedTransport &transport, QList<Frame> &frames, qint64 maximum)
{
    for (;;) {
        FrameParser::Result result = parser.next();
        if (result.isError())
            return result;
        if (result.isFrame()) {
            frames.append(std::move(result.frame));
            continue;
        }
        if (!transport.mayHaveInput() || parser.readFrom(transport, maximum) <= 0)
            return result;
    }
}

// A frame built by hand, for headers the writer never produces. `first` is the whole first
// byte (FIN, RSV, opcode); `lengthBytes` forces the 0-, 2- or 8-byte length form.
QByteArray rawFrame(quint8 first, const QByteArray &payload, std::optional<quint32> key = kRfcKey, int lengthBytes = -1)
{
    const qsizetype size = payload.size();
    if (lengthBytes < 0)
        lengthBytes = size <= 125 ? 0 : size <= 0xFFFF ? 2 : 8;
    QByteArray frame;
    frame.append(char(first));
    const quint8 maskBit = key ? 0x80 : 0x00;
    frame.append(char(maskBit | (lengthBytes == 0 ? size : lengthBytes == 2 ? 126 : 127)));
    for (int i = lengthBytes - 1; i >= 0; --i)
        frame.append(char((quint64(size) >> (8 * i)) & 0xFF));
    if (key) {
        for (int i = 3; i >= 0; --i)
            frame.append(char((*key >> (8 * i)) & 0xFF));
        frame.append(naiveMask(payload, *key));
    } else {
        frame.append(payload);
    }
    return frame;
}

QByteArray closeCodeBytes(quint16 code)
{
    QByteArray bytes;
    bytes.append(char(code >> 8)).append(char(code & 0xFF));
    return bytes;
}

} // namespace


class TestWebSocketCodec : public QObject
{
    Q_OBJECT

    // RFC 6455 §5.7 examples and the length encodings: frames, mask key, bytes on the wire.
    static void rfcExampleRows()
    {
        QTest::addColumn<QList<Frame>>("frames");
        QTest::addColumn<qint64>("maskKey"); // -1: unmasked (server to client)
        QTest::addColumn<QByteArray>("wire");
        const QByteArray hello("Hello");
        QTest::newRow("single-frame unmasked text")
            << QList<Frame>{{Opcode::Text, true, hello}} << qint64(-1) << hex("81 05 48 65 6c 6c 6f");
        QTest::newRow("single-frame masked text")
            << QList<Frame>{{Opcode::Text, true, hello}} << qint64(kRfcKey) << hex("81 85 37 fa 21 3d 7f 9f 4d 51 58");
        QTest::newRow("fragmented unmasked text")
            << QList<Frame>{{Opcode::Text, false, "Hel"}, {Opcode::Continuation, true, "lo"}} << qint64(-1)
            << hex("01 03 48 65 6c 80 02 6c 6f");
        QTest::newRow("unmasked ping")
            << QList<Frame>{{Opcode::Ping, true, hello}} << qint64(-1) << hex("89 05 48 65 6c 6c 6f");
        QTest::newRow("masked pong")
            << QList<Frame>{{Opcode::Pong, true, hello}} << qint64(kRfcKey) << hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58");
        QTest::newRow("256 bytes binary unmasked")
            << QList<Frame>{{Opcode::Binary, true, pattern(256)}} << qint64(-1) << hex("82 7e 01 00") + pattern(256);
        QTest::newRow("65536 bytes binary unmasked")
            << QList<Frame>{{Opcode::Binary, true, pattern(65536)}} << qint64(-1)
            << hex("82 7f 00 00 00 00 00 01 00 00") + pattern(65536);
        QTest::newRow("256 bytes binary masked")
            << QList<Frame>{{Opcode::Binary, true, pattern(256)}} << qint64(kRfcKey)
            << hex("82 fe 01 00 37 fa 21 3d") + naiveMask(pattern(256), kRfcKey);
        QTest::newRow("65536 bytes binary masked")
            << QList<Frame>{{Opcode::Binary, true, pattern(65536)}} << qint64(kRfcKey)
            << hex("82 ff 00 00 00 00 00 01 00 00 37 fa 21 3d") + naiveMask(pattern(65536), kRfcKey);
        QTest::newRow("125 bytes: 7-bit length")
            << QList<Frame>{{Opcode::Binary, true, pattern(125)}} << qint64(-1) << hex("82 7d") + pattern(125);
        QTest::newRow("126 bytes: 16-bit length")
            << QList<Frame>{{Opcode::Binary, true, pattern(126)}} << qint64(-1) << hex("82 7e 00 7e") + pattern(126);
        QTest::newRow("65535 bytes: 16-bit length")
            << QList<Frame>{{Opcode::Binary, true, pattern(65535)}} << qint64(-1) << hex("82 7e ff ff") + pattern(65535);
        QTest::newRow("empty text") << QList<Frame>{{Opcode::Text, true, {}}} << qint64(-1) << hex("81 00");
        QTest::newRow("empty masked close")
            << QList<Frame>{{Opcode::Close, true, {}}} << qint64(kRfcKey) << hex("88 80 37 fa 21 3d");
        QTest::newRow("masked close 1000")
            << QList<Frame>{{Opcode::Close, true, hex("03 e8")}} << qint64(0x01020304) << hex("88 82 01 02 03 04 02 ea");
    }

private Q_SLOTS:
    // --- RFC 6455 §5.7 examples, written and read ---

    void rfcExamplesWritten_data() { rfcExampleRows(); }
    void rfcExamplesWritten()
    {
        QFETCH(QList<Frame>, frames);
        QFETCH(qint64, maskKey);
        QFETCH(QByteArray, wire);
        const std::optional<quint32> key = maskKey < 0 ? std::nullopt : std::optional<quint32>(quint32(maskKey));
        QByteArray written;
        for (const Frame &frame : std::as_const(frames))
            written += FrameWriter::frame(frame.opcode, frame.payload, frame.fin, key);
        QCOMPARE(written.size(), wire.size());
        QCOMPARE(written.toHex(), wire.toHex());
    }

    void rfcExamplesRead_data() { rfcExampleRows(); }
    void rfcExamplesRead()
    {
        QFETCH(QList<Frame>, frames);
        QFETCH(qint64, maskKey);
        QFETCH(QByteArray, wire);
        // Masked frames come from clients, to a server; unmasked ones from a server, to a client.
        FrameParser parser(maskKey < 0 ? FrameParser::Role::Client : FrameParser::Role::Server);
        parser.append(wire);
        QCOMPARE(parser.bufferedBytes(), qint64(wire.size()));
        QList<Frame> parsed;
        const FrameParser::Result last = drain(parser, parsed);
        QVERIFY(last.needsMoreData());
        QCOMPARE(describe(parsed), describe(frames));
        for (qsizetype i = 0; i < frames.size(); ++i)
            QCOMPARE(parsed[i].payload, frames[i].payload);
        QCOMPARE(parser.bufferedBytes(), qint64(0));
        QVERIFY(!parser.isMessageInProgress());
    }

    // --- stream handling ---

    void everyByteSplitGivesTheSameFrames()
    {
        // Fragmented text split inside "κ" with control frames between the fragments, an empty
        // fragment, a 16-bit length, an empty message, then a close; each with its own key.
        const QList<Frame> frames = {
            {Opcode::Text, false, "Hel\xce"},
            {Opcode::Ping, true, "ping!"},
            {Opcode::Continuation, false, {}},
            {Opcode::Pong, true, {}},
            {Opcode::Continuation, true, "\xbalo \xe2\x82\xac"},
            {Opcode::Binary, true, pattern(300)},
            {Opcode::Text, true, {}},
            {Opcode::Binary, false, pattern(3)},
            {Opcode::Continuation, true, pattern(130)},
            {Opcode::Close, true, closeCodeBytes(1000) + "bye"},
        };
        QByteArray wire;
        QList<qsizetype> frameEnds;
        quint32 key = 0x01020304;
        for (const Frame &frame : frames) {
            wire += FrameWriter::frame(frame.opcode, frame.payload, frame.fin, key);
            frameEnds.append(wire.size());
            key = key * 2654435761u + 0x9e3779b9u;
        }
        const QStringList expected = describe(frames);

        for (qsizetype split = 0; split <= wire.size(); ++split) {
            FrameParser parser(FrameParser::Role::Server);
            QList<Frame> parsed;
            parser.append(QByteArrayView(wire).first(split));
            QVERIFY(drain(parser, parsed).needsMoreData());
            parser.append(QByteArrayView(wire).sliced(split));
            QVERIFY(drain(parser, parsed).needsMoreData());
            QCOMPARE(describe(parsed), expected);
            QCOMPARE(parser.bufferedBytes(), qint64(0));
        }

        // One byte at a time: each frame comes out exactly when its last byte arrives, and
        // bufferedBytes() is what was appended less the frames handed out.
        FrameParser parser(FrameParser::Role::Server);
        QList<Frame> parsed;
        for (qsizetype i = 0; i < wire.size(); ++i) {
            parser.append(QByteArrayView(wire).sliced(i, 1));
            QVERIFY(drain(parser, parsed).needsMoreData());
            const qsizetype returned = parsed.size();
            QCOMPARE(returned, qsizetype(std::upper_bound(frameEnds.cbegin(), frameEnds.cend(), i + 1) - frameEnds.cbegin()));
            QCOMPARE(parser.bufferedBytes(), qint64(i + 1 - (returned ? frameEnds[returned - 1] : 0)));
        }
        QCOMPARE(describe(parsed), expected);
    }

    // --- streaming (pieces of data frames as they arrive) ---

    void streamingPiecesRebuildTheFrames()
    {
        // The same stream as above, cut at every byte: pieces of one frame share its opcode
        // and FIN, follow each other without gap, and join into the frame; control frames
        // stay whole; nothing of a handed-out payload stays buffered.
        const QList<Frame> frames = {
            {Opcode::Text, false, "Hel\xce"},
            {Opcode::Ping, true, "ping!"},
            {Opcode::Continuation, false, {}},
            {Opcode::Continuation, true, "\xbalo \xe2\x82\xac"},
            {Opcode::Binary, true, pattern(300)},
            {Opcode::Text, true, {}},
            {Opcode::Close, true, closeCodeBytes(1000) + "bye"},
        };
        QByteArray wire;
        for (const Frame &frame : frames)
            wire += FrameWriter::frame(frame.opcode, frame.payload, frame.fin, 0x0badcafe);
        for (qsizetype step : {qsizetype(1), qsizetype(2), qsizetype(7), qsizetype(64), wire.size()}) {
            FrameParser parser(FrameParser::Role::Server);
            parser.setStreaming(true);
            QList<Frame> pieces;
            for (qsizetype start = 0; start < wire.size(); start += step) {
                parser.append(QByteArrayView(wire).sliced(start, qMin(step, wire.size() - start)));
                QVERIFY(drain(parser, pieces).needsMoreData());
                QVERIFY2(parser.bufferedBytes() <= 14 + 125, qPrintable(QString::number(parser.bufferedBytes())));
            }
            QList<Frame> joined;
            for (const Frame &piece : std::as_const(pieces)) {
                if (piece.startsFrame()) {
                    joined.append({piece.opcode, piece.fin, piece.payload});
                } else {
                    QCOMPARE(piece.opcode, joined.last().opcode);
                    QCOMPARE(piece.fin, joined.last().fin);
                    QCOMPARE(piece.offset, qint64(joined.last().payload.size()));
                    joined.last().payload += piece.payload;
                }
                QCOMPARE(piece.frameLength(), qint64(frames[joined.size() - 1].payload.size()));
                if (isControl(piece.opcode))
                    QVERIFY(piece.startsFrame() && piece.endsFrame());
            }
            QCOMPARE(describe(joined), describe(frames));
            if (step == 1)
                QCOMPARE(pieces.size(), qsizetype(4 + 1 + 1 + 7 + 300 + 1 + 1)); // one piece a byte; empty frames once
        }
    }

    void streamingFailsAtTheFirstInvalidByte()
    {
        // Valid text is handed out up to the byte that breaks it; then 1007, for good.
        FrameParser parser(FrameParser::Role::Server);
        parser.setStreaming(true);
        const QByteArray text = "valid \xce\xba then \xff and more";
        const QByteArray wire = masked(Opcode::Text, text);
        QList<Frame> pieces;
        const qsizetype bad = wire.size() - text.size() + text.indexOf('\xff');
        parser.append(QByteArrayView(wire).first(bad));
        QVERIFY(drain(parser, pieces).needsMoreData());
        QByteArray handedOut;
        for (const Frame &piece : std::as_const(pieces))
            handedOut += piece.payload;
        QCOMPARE(handedOut, text.first(text.indexOf('\xff')));
        parser.append(QByteArrayView(wire).sliced(bad));
        const FrameParser::Result result = drain(parser, pieces);
        QVERIFY(result.isError());
        QCOMPARE(result.error.closeCode, CloseCode::InvalidPayload);
        QVERIFY(parser.next().isError());
    }

    void streamingKeepsTheSizeLimit()
    {
        FrameParser parser(FrameParser::Role::Server, 100);
        parser.setStreaming(true);
        parser.append(masked(Opcode::Binary, pattern(60), false));
        QList<Frame> pieces;
        QVERIFY(drain(parser, pieces).needsMoreData());
        parser.append(masked(Opcode::Continuation, pattern(41)).first(4)); // the header is enough
        const FrameParser::Result result = drain(parser, pieces);
        QVERIFY(result.isError());
        QCOMPARE(result.error.closeCode, CloseCode::TooBig);
    }

    void thousandFramesInOneBuffer()
    {
        QList<Frame> frames;
        QByteArray wire;
        for (int i = 0; i < 1000; ++i) {
            Frame frame;
            frame.opcode = i % 3 == 0 ? Opcode::Binary : i % 3 == 1 ? Opcode::Text : Opcode::Ping;
            const qsizetype size = frame.opcode == Opcode::Ping ? i % 126 : (i * 37) % 400;
            frame.payload = frame.opcode == Opcode::Text ? QByteArray(size, char('a' + i % 26)) : pattern(size);
            wire += FrameWriter::frame(frame.opcode, frame.payload, true, FrameWriter::randomMaskKey());
            frames.append(frame);
        }
        FrameParser parser(FrameParser::Role::Server, 1024);
        parser.append(wire);
        QList<Frame> parsed;
        QVERIFY(drain(parser, parsed).needsMoreData());
        QCOMPARE(parsed.size(), 1000);
        QCOMPARE(describe(parsed), describe(frames));
        for (int i = 0; i < 1000; ++i)
            QCOMPARE(parsed[i].payload, frames[i].payload);
        QCOMPARE(parser.bufferedBytes(), qint64(0));
    }

    void partialDrainsKeepTheStreamIntact()
    {
        // A reader that takes only some frames per read (back-pressure) lets the buffer hold a
        // consumed front and an unread back, which is when the parser compacts it.
        QList<Frame> frames;
        QByteArray wire;
        QList<qsizetype> frameEnds;
        for (int i = 0; i < 20'000; ++i) {
            const Opcode opcode = i % 5 == 4 ? Opcode::Pong : Opcode::Binary;
            const QByteArray payload = pattern(opcode == Opcode::Pong ? i % 126 : (i * 13) % 301);
            frames.append({opcode, true, payload});
            wire += FrameWriter::frame(opcode, payload, true, quint32(i) * 2654435761u);
            frameEnds.append(wire.size());
        }
        FrameParser parser(FrameParser::Role::Server, 1000);
        QList<Frame> parsed;
        constexpr qsizetype kChunk = 50'001;
        for (qsizetype start = 0; start < wire.size(); start += kChunk) {
            parser.append(QByteArrayView(wire).sliced(start, qMin(kChunk, wire.size() - start)));
            for (int taken = 0; taken < 300; ++taken) { // a chunk holds about 350 frames
                FrameParser::Result result = parser.next();
                if (!result.isFrame()) {
                    QVERIFY(result.needsMoreData());
                    break;
                }
                parsed.append(std::move(result.frame));
            }
            const qsizetype appended = qMin(start + kChunk, wire.size());
            QCOMPARE(parser.bufferedBytes(), qint64(appended - (parsed.isEmpty() ? 0 : frameEnds[parsed.size() - 1])));
        }
        QVERIFY(drain(parser, parsed).needsMoreData());
        QCOMPARE(parsed.size(), frames.size());
        for (qsizetype i = 0; i < frames.size(); ++i) {
            QCOMPARE(parsed[i].opcode, frames[i].opcode);
            QCOMPARE(parsed[i].payload, frames[i].payload);
        }
        QCOMPARE(parser.bufferedBytes(), qint64(0));
    }

    void largeFrameOneByteAtATime()
    {
        const QByteArray payload = pattern(200'000);
        const QByteArray wire = FrameWriter::frame(Opcode::Binary, payload, true, 0xdeadbeef);
        QCOMPARE(wire.size(), payload.size() + 14);
        FrameParser parser(FrameParser::Role::Server, 200'000);
        for (qsizetype i = 0; i + 1 < wire.size(); ++i) {
            parser.append(QByteArrayView(wire).sliced(i, 1));
            QVERIFY(parser.next().needsMoreData());
            QCOMPARE(parser.bufferedBytes(), qint64(i + 1));
        }
        parser.append(QByteArrayView(wire).last(1));
        FrameParser::Result result = parser.next();
        QVERIFY(result.isFrame());
        QCOMPARE(result.frame.opcode, Opcode::Binary);
        QVERIFY(result.frame.fin);
        QCOMPARE(result.frame.payload.size(), payload.size());
        QCOMPARE(result.frame.payload, payload);
        QCOMPARE(parser.bufferedBytes(), qint64(0));
        QVERIFY(parser.next().needsMoreData());
    }

    void nonMinimalLengthsAreAccepted()
    {
        for (int lengthBytes : {2, 8}) {
            FrameParser client(FrameParser::Role::Client);
            client.append(rawFrame(0x81, "Hello", std::nullopt, lengthBytes));
            const FrameParser::Result result = client.next();
            QVERIFY2(result.isFrame(), qPrintable(result.error.reason));
            QCOMPARE(result.frame.payload, QByteArray("Hello"));

            FrameParser server(FrameParser::Role::Server);
            server.append(rawFrame(0x89, "ping", kRfcKey, lengthBytes));
            const FrameParser::Result ping = server.next();
            QVERIFY2(ping.isFrame(), qPrintable(ping.error.reason));
            QCOMPARE(ping.frame.opcode, Opcode::Ping);
            QCOMPARE(ping.frame.payload, QByteArray("ping"));
        }
    }

    void controlFramesUpToTheLimit()
    {
        FrameParser parser(FrameParser::Role::Server);
        parser.append(masked(Opcode::Ping, pattern(125)));
        parser.append(masked(Opcode::Pong, pattern(125)));
        parser.append(masked(Opcode::Close, closeCodeBytes(1000) + QByteArray(123, 'x')));
        QList<Frame> parsed;
        QVERIFY(drain(parser, parsed).needsMoreData());
        QCOMPARE(parsed.size(), 3);
        QCOMPARE(parsed[0].payload, pattern(125));
        QCOMPARE(parsed[1].opcode, Opcode::Pong);
        QCOMPARE(parsed[2].payload.size(), 125);
    }

    void messageState()
    {
        FrameParser parser(FrameParser::Role::Client);
        QVERIFY(!parser.isMessageInProgress());
        parser.append(unmasked(Opcode::Binary, "ab", false));
        QVERIFY(parser.next().isFrame());
        QVERIFY(parser.isMessageInProgress());
        parser.append(unmasked(Opcode::Ping, ""));
        QCOMPARE(parser.next().frame.opcode, Opcode::Ping);
        QVERIFY(parser.isMessageInProgress());
        parser.append(unmasked(Opcode::Continuation, "cd", true));
        const FrameParser::Result last = parser.next();
        QCOMPARE(last.frame.opcode, Opcode::Continuation);
        QVERIFY(last.frame.fin);
        QVERIFY(!parser.isMessageInProgress());
        // A new message may begin now.
        parser.append(unmasked(Opcode::Text, "ok"));
        QCOMPARE(parser.next().frame.payload, QByteArray("ok"));
        QCOMPARE(parser.role(), FrameParser::Role::Client);
        QCOMPARE(parser.maximumMessageSize(), qint64(0));
    }

    // --- protocol errors ---

    void errors_data()
    {
        QTest::addColumn<bool>("serverRole");
        QTest::addColumn<qint64>("maximumMessageSize");
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<int>("closeCode");
        QTest::addColumn<int>("framesBefore");
        QTest::addColumn<int>("failAt"); // the byte on which it fails when fed one at a time; -1: the last

        const int protocol = CloseCode::ProtocolError;
        const int invalid = CloseCode::InvalidPayload;
        const int tooBig = CloseCode::TooBig;

        QTest::newRow("RSV1") << true << qint64(0) << rawFrame(0xC1, "Hello") << protocol << 0 << 1;
        QTest::newRow("RSV2") << true << qint64(0) << rawFrame(0xA1, "Hello") << protocol << 0 << 1;
        QTest::newRow("RSV3") << true << qint64(0) << rawFrame(0x91, "Hello") << protocol << 0 << 1;
        QTest::newRow("RSV1 on a ping, header only") << true << qint64(0) << hex("c9 80") << protocol << 0 << -1;
        QTest::newRow("RSV1 to a client") << false << qint64(0) << rawFrame(0xC2, "x", std::nullopt) << protocol << 0 << 1;
        for (int opcode : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
            QTest::addRow("reserved opcode %d, header only", opcode)
                << true << qint64(0) << QByteArray(1, char(0x80 | opcode)) + hex("80") << protocol << 0 << -1;
        }
        QTest::newRow("reserved opcode 3, whole frame")
            << true << qint64(0) << rawFrame(0x83, "data") << protocol << 0 << 1;
        QTest::newRow("reserved opcode 0xB after a message")
            << true << qint64(0) << masked(Opcode::Text, "a") + rawFrame(0x8B, "") << protocol << 1 << 8;
        QTest::newRow("fragmented ping") << true << qint64(0) << rawFrame(0x09, "x") << protocol << 0 << 1;
        QTest::newRow("fragmented close") << true << qint64(0) << rawFrame(0x08, closeCodeBytes(1000)) << protocol << 0 << 1;
        QTest::newRow("fragmented pong to a client")
            << false << qint64(0) << rawFrame(0x0A, "", std::nullopt) << protocol << 0 << 1;
        // Control frames are limited on their payload length, whichever way it is encoded.
        QTest::newRow("ping of 126 bytes") << true << qint64(0) << rawFrame(0x89, pattern(126)) << protocol << 0 << 3;
        QTest::newRow("close of 126 bytes (Autobahn 7.3.6)")
            << true << qint64(0) << rawFrame(0x88, closeCodeBytes(1000) + QByteArray(124, '*')) << protocol << 0 << 3;
        QTest::newRow("pong of 126 bytes, header only") << false << qint64(0) << hex("8a 7e 00 7e") << protocol << 0 << -1;
        QTest::newRow("ping with 64-bit length 126, header only")
            << false << qint64(0) << hex("89 7f 00 00 00 00 00 00 00 7e") << protocol << 0 << -1;
        QTest::newRow("continuation without a message")
            << true << qint64(0) << masked(Opcode::Continuation, "x") << protocol << 0 << 1;
        QTest::newRow("continuation after a complete message")
            << true << qint64(0) << masked(Opcode::Text, "a") + masked(Opcode::Continuation, "b") << protocol << 1 << 8;
        QTest::newRow("text while a text message is fragmented")
            << true << qint64(0) << masked(Opcode::Text, "a", false) + masked(Opcode::Text, "b") << protocol << 1 << 8;
        QTest::newRow("binary while a text message is fragmented")
            << true << qint64(0) << masked(Opcode::Text, "a", false) + masked(Opcode::Binary, "b") << protocol << 1 << 8;
        QTest::newRow("text while a binary message is fragmented, after a ping")
            << false << qint64(0)
            << unmasked(Opcode::Binary, "a", false) + unmasked(Opcode::Ping, "") + unmasked(Opcode::Text, "b")
            << protocol << 2 << 6;
        QTest::newRow("64-bit length with the top bit set, fails on its first byte")
            << true << qint64(0) << hex("82 ff 80 00 00 00 00 00 00 05 37 fa 21 3d") << protocol << 0 << 2;
        QTest::newRow("64-bit length 2^63 to a client")
            << false << qint64(0) << hex("82 7f 80 00 00 00 00 00 00 00") << protocol << 0 << 2;
        QTest::newRow("unmasked frame to a server")
            << true << qint64(0) << unmasked(Opcode::Text, "Hello") << protocol << 0 << 1;
        QTest::newRow("unmasked close to a server")
            << true << qint64(0) << unmasked(Opcode::Close, closeCodeBytes(1000)) << protocol << 0 << 1;
        QTest::newRow("masked frame to a client")
            << false << qint64(0) << masked(Opcode::Text, "Hello") << protocol << 0 << 1;
        QTest::newRow("masked empty ping to a client")
            << false << qint64(0) << masked(Opcode::Ping, "") << protocol << 0 << 1;

        // The size limit is decided on the header: the payload is never sent here.
        QTest::newRow("frame over the limit, 7-bit length") << true << qint64(10) << hex("82 8b") << tooBig << 0 << -1;
        QTest::newRow("frame over the limit, 16-bit length")
            << true << qint64(1000) << hex("82 fe 03 e9") << tooBig << 0 << -1;
        QTest::newRow("frame over the limit, 64-bit length")
            << true << qint64(1 << 20) << hex("82 ff 00 00 01 00 00 00 00 00") << tooBig << 0 << -1;
        QTest::newRow("frame of 2^63-1 bytes")
            << false << qint64(1 << 20) << hex("81 7f 7f ff ff ff ff ff ff ff") << tooBig << 0 << -1;
        QTest::newRow("message over the limit across fragments")
            << true << qint64(10) << masked(Opcode::Binary, pattern(6), false) + hex("80 85") << tooBig << 1 << -1;
        QTest::newRow("text message over the limit across fragments")
            << false << qint64(10)
            << unmasked(Opcode::Text, "abcd", false) + unmasked(Opcode::Continuation, "efg", false) + hex("80 04")
            << tooBig << 2 << -1;

        // UTF-8 in text messages.
        QTest::newRow("overlong NUL in text") << true << qint64(0) << masked(Opcode::Text, "\xc0\x80") << invalid << 0 << 6;
        QTest::newRow("surrogate in text") << true << qint64(0) << masked(Opcode::Text, "\xed\xa0\x80") << invalid << 0 << 7;
        QTest::newRow("above U+10FFFF in text")
            << false << qint64(0) << unmasked(Opcode::Text, "ab\xf4\x90\x80\x80") << invalid << 0 << 5;
        QTest::newRow("text ends inside a code point")
            << true << qint64(0) << masked(Opcode::Text, "a\xe2\x82") << invalid << 0 << -1;
        QTest::newRow("fragmented text ends inside a code point")
            << true << qint64(0) << masked(Opcode::Text, "\xe2", false) + masked(Opcode::Continuation, "\x82") << invalid
            << 1 << -1;
        QTest::newRow("invalid UTF-8 in a continuation")
            << true << qint64(0) << masked(Opcode::Text, "ab", false) + masked(Opcode::Continuation, "\xff") << invalid << 1
            << 14;
        QTest::newRow("invalid UTF-8 across fragments, fails on the second")
            << false << qint64(0) << unmasked(Opcode::Text, "\xce\xba\xf4", false) + unmasked(Opcode::Continuation, "\x90zz")
            << invalid << 1 << 7;
        QTest::newRow("fails fast inside a frame, before the rest arrives")
            << true << qint64(0) << masked(Opcode::Text, "ab\xf4\x90 and much more text").first(6 + 4) << invalid << 0 << -1;

        // Close frames.
        QTest::newRow("close with a one-byte payload") << true << qint64(0) << rawFrame(0x88, "\x03") << protocol << 0 << -1;
        for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
            QTest::addRow("close code %d", code)
                << true << qint64(0) << masked(Opcode::Close, closeCodeBytes(quint16(code))) << protocol << 0 << -1;
        }
        QTest::newRow("close code 1005 to a client")
            << false << qint64(0) << unmasked(Opcode::Close, closeCodeBytes(1005) + "x") << protocol << 0 << -1;
        QTest::newRow("close reason not UTF-8 (Autobahn 7.5.1)")
            << true << qint64(0)
            << masked(Opcode::Close, closeCodeBytes(1000) + hex("ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64"))
            << invalid << 0 << -1;
        QTest::newRow("close reason ends inside a code point")
            << true << qint64(0) << masked(Opcode::Close, closeCodeBytes(1000) + "\xce") << invalid << 0 << -1;
        QTest::newRow("close with a bad code after a fragment")
            << true << qint64(0) << masked(Opcode::Text, "a", false) + masked(Opcode::Close, closeCodeBytes(1004)) << protocol
            << 1 << -1;
    }

    void errors()
    {
        QFETCH(bool, serverRole);
        QFETCH(qint64, maximumMessageSize);
        QFETCH(QByteArray, wire);
        QFETCH(int, closeCode);
        QFETCH(int, framesBefore);
        QFETCH(int, failAt);
        const auto role = serverRole ? FrameParser::Role::Server : FrameParser::Role::Client;
        if (failAt < 0)
            failAt = int(wire.size()) - 1;

        // All at once.
        {
            FrameParser parser(role, maximumMessageSize);
            parser.append(wire);
            QList<Frame> frames;
            const FrameParser::Result result = drain(parser, frames);
            QVERIFY2(result.isError(), qPrintable(describe(frames).join(u'\n')));
            QCOMPARE(int(result.error.closeCode), closeCode);
            QCOMPARE(frames.size(), framesBefore);
            QVERIFY(!result.error.reason.isEmpty());
            QVERIFY(result.error.reason.toUtf8().size() <= FrameWriter::kMaximumCloseReasonBytes);
            QVERIFY(parser.hasFailed());
            QCOMPARE(parser.bufferedBytes(), qint64(0));

            // It stays failed, and takes no more bytes.
            parser.append(serverRole ? masked(Opcode::Ping, "x") : unmasked(Opcode::Ping, "x"));
            QCOMPARE(parser.bufferedBytes(), qint64(0));
            const FrameParser::Result again = parser.next();
            QVERIFY(again.isError());
            QCOMPARE(int(again.error.closeCode), closeCode);
            QCOMPARE(again.error.reason, result.error.reason);
        }

        // One byte at a time: it fails exactly on the first byte that makes the stream invalid.
        {
            FrameParser parser(role, maximumMessageSize);
            QList<Frame> frames;
            for (int i = 0; i < wire.size(); ++i) {
                parser.append(QByteArrayView(wire).sliced(i, 1));
                const FrameParser::Result result = drain(parser, frames);
                if (i < failAt) {
                    QVERIFY2(!result.isError(), qPrintable(QStringLiteral("failed early, on byte %1: %2").arg(i).arg(result.error.reason)));
                } else {
                    QVERIFY2(result.isError(), qPrintable(QStringLiteral("did not fail on byte %1").arg(i)));
                    QCOMPARE(int(result.error.closeCode), closeCode);
                    break;
                }
            }
            QVERIFY(parser.hasFailed());
            QCOMPARE(frames.size(), framesBefore);
        }
    }

    // --- close codes ---

    void closeCodes_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<bool>("valid");
        const QList<int> valid = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
                                  3000, 3999, 4000, 4999};
        const QList<int> invalid = {0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535};
        for (int code : valid)
            QTest::addRow("%d valid", code) << code << true;
        for (int code : invalid)
            QTest::addRow("%d invalid", code) << code << false;
    }

    void closeCodes()
    {
        QFETCH(int, code);
        QFETCH(bool, valid);
        QCOMPARE(isValidCloseCodeOnWire(quint16(code)), valid);

        FrameParser parser(FrameParser::Role::Server);
        parser.append(masked(Opcode::Close, closeCodeBytes(quint16(code)) + "reason"));
        const FrameParser::Result result = parser.next();
        if (valid) {
            QVERIFY2(result.isFrame(), qPrintable(result.error.reason));
            QCOMPARE(result.frame.opcode, Opcode::Close);
            QCOMPARE(result.frame.payload, closeCodeBytes(quint16(code)) + "reason");
        } else {
            QVERIFY(result.isError());
            QCOMPARE(result.error.closeCode, CloseCode::ProtocolError);
        }
    }

    void closeCodeCount()
    {
        // 1000-1003, 1007-1014 and 3000-4999, nothing else.
        int count = 0;
        for (int code = 0; code <= 0xFFFF; ++code)
            count += isValidCloseCodeOnWire(quint16(code)) ? 1 : 0;
        QCOMPARE(count, 4 + 8 + 2000);
        QCOMPARE(CloseCode::Normal, quint16(1000));
        QCOMPARE(CloseCode::GoingAway, quint16(1001));
        QCOMPARE(CloseCode::ProtocolError, quint16(1002));
        QCOMPARE(CloseCode::UnsupportedData, quint16(1003));
        QCOMPARE(CloseCode::NoStatus, quint16(1005));
        QCOMPARE(CloseCode::Abnormal, quint16(1006));
        QCOMPARE(CloseCode::InvalidPayload, quint16(1007));
        QCOMPARE(CloseCode::PolicyViolation, quint16(1008));
        QCOMPARE(CloseCode::TooBig, quint16(1009));
        QCOMPARE(CloseCode::MandatoryExtension, quint16(1010));
        QCOMPARE(CloseCode::InternalError, quint16(1011));
        QCOMPARE(CloseCode::TryAgainLater, quint16(1013));
        QVERIFY(!isValidCloseCodeOnWire(CloseCode::NoStatus));
        QVERIFY(!isValidCloseCodeOnWire(CloseCode::Abnormal));
    }

    void emptyCloseIsAccepted()
    {
        FrameParser parser(FrameParser::Role::Client);
        parser.append(unmasked(Opcode::Close, ""));
        const FrameParser::Result result = parser.next();
        QVERIFY(result.isFrame());
        QCOMPARE(result.frame.opcode, Opcode::Close);
        QVERIFY(result.frame.payload.isEmpty());
    }

    // --- UTF-8 ---

    void utf8Valid_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("ASCII") << QByteArray("Hello, World");
        QTest::newRow("NUL") << QByteArray("a\0b", 3);
        QTest::newRow("U+007F") << hex("7f");
        QTest::newRow("U+0080") << hex("c2 80");
        QTest::newRow("U+07FF") << hex("df bf");
        QTest::newRow("U+0800") << hex("e0 a0 80");
        QTest::newRow("U+D7FF") << hex("ed 9f bf");
        QTest::newRow("U+E000") << hex("ee 80 80");
        QTest::newRow("U+FFFD") << hex("ef bf bd");
        QTest::newRow("U+FFFF") << hex("ef bf bf");
        QTest::newRow("U+10000") << hex("f0 90 80 80");
        QTest::newRow("U+1F600") << hex("f0 9f 98 80");
        QTest::newRow("U+FFFFF") << hex("f3 bf bf bf");
        QTest::newRow("U+10FFFF") << hex("f4 8f bf bf");
        QTest::newRow("kosme") << hex("ce ba e1 bd b9 cf 83 ce bc ce b5");
        QTest::newRow("long ASCII then 2-byte at odd offsets")
            << QByteArray(1001, 'x') + hex("c3 a9") + QByteArray(13, 'y') + hex("c3 a9");
        QTest::newRow("mixed") << QStringLiteral(u"Grüße, 世界 🌍! κόσμε €").toUtf8();
    }

    void utf8Valid()
    {
        QFETCH(QByteArray, text);
        QVERIFY(Utf8Validator::isValid(text));

        Utf8Validator whole;
        QVERIFY(whole.feed(text));
        QVERIFY(whole.atBoundary());
        QVERIFY(!whole.hasFailed());

        Utf8Validator byByte;
        for (char c : std::as_const(text))
            QVERIFY(byByte.feed(QByteArrayView(&c, 1)));
        QVERIFY(byByte.atBoundary());

        // Agrees with Qt's own decoder.
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString decoded = decoder.decode(text);
        QVERIFY(!decoder.hasError());
        QCOMPARE(decoded.toUtf8(), text);
    }

    void utf8Invalid_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("failAt"); // -1: never fails, but ends inside a code point
        QTest::newRow("overlong NUL C0 80") << hex("c0 80") << 0;
        QTest::newRow("overlong C1 BF") << hex("c1 bf") << 0;
        QTest::newRow("overlong 3-byte E0 80 AF") << hex("e0 80 af") << 1;
        QTest::newRow("overlong 3-byte E0 9F BF") << hex("e0 9f bf") << 1;
        QTest::newRow("overlong 4-byte F0 80 80 AF") << hex("f0 80 80 af") << 1;
        QTest::newRow("overlong 4-byte F0 8F BF BF") << hex("f0 8f bf bf") << 1;
        QTest::newRow("surrogate U+D800") << hex("ed a0 80") << 1;
        QTest::newRow("surrogate U+DFFF") << hex("ed bf bf") << 1;
        QTest::newRow("surrogate pair") << hex("ed a0 80 ed b0 80") << 1;
        QTest::newRow("U+110000 F4 90 80 80") << hex("f4 90 80 80") << 1;
        QTest::newRow("F5") << hex("f5 80 80 80") << 0;
        QTest::newRow("F7 BF BF BF") << hex("f7 bf bf bf") << 0;
        QTest::newRow("FE") << hex("fe") << 0;
        QTest::newRow("FF") << hex("ff") << 0;
        QTest::newRow("lone continuation 80") << hex("80") << 0;
        QTest::newRow("lone continuation BF after ASCII") << QByteArray("abc\xbf") << 3;
        QTest::newRow("too many continuations") << hex("c3 a9 a9") << 2;
        QTest::newRow("lead then ASCII") << hex("c2 41") << 1;
        QTest::newRow("3-byte lead then ASCII") << hex("e2 82 41") << 2;
        QTest::newRow("lead then lead") << hex("e2 e2 82 ac") << 1;
        QTest::newRow("bad byte after 20 ASCII bytes") << QByteArray(20, 'a') + hex("c0") << 20;
        QTest::newRow("bad byte after 8 ASCII bytes") << QByteArray(8, 'a') + hex("ff") << 8;
        QTest::newRow("kosme then surrogate (Autobahn 6.x)")
            << hex("ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64") << 12;
        QTest::newRow("truncated 2-byte") << hex("c3") << -1;
        QTest::newRow("truncated 3-byte") << hex("61 e2 82") << -1;
        QTest::newRow("truncated 4-byte") << hex("f0 9f 98") << -1;
        QTest::newRow("truncated U+10FFFF") << hex("f4 8f bf") << -1;
    }

    void utf8Invalid()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, failAt);
        QVERIFY(!Utf8Validator::isValid(bytes));

        Utf8Validator whole;
        QCOMPARE(whole.feed(bytes), failAt < 0);
        QVERIFY(!whole.atBoundary());
        QCOMPARE(whole.hasFailed(), failAt >= 0);

        // Fed byte by byte it fails on exactly the first impossible byte, then stays failed.
        Utf8Validator byByte;
        for (int i = 0; i < bytes.size(); ++i) {
            const bool ok = byByte.feed(QByteArrayView(bytes).sliced(i, 1));
            QVERIFY2(ok == (failAt < 0 || i < failAt), qPrintable(QStringLiteral("byte %1").arg(i)));
        }
        QVERIFY(!byByte.atBoundary());
        if (failAt >= 0) {
            QVERIFY(!byByte.feed("a"));
            QVERIFY(!byByte.feed({}));
        }
        byByte.reset();
        QVERIFY(byByte.atBoundary());
        QVERIFY(!byByte.hasFailed());
        QVERIFY(byByte.feed("ok"));
        QVERIFY(byByte.atBoundary());
    }

    void utf8EveryCodePointBoundary()
    {
        // Every scalar value's UTF-8, as Qt encodes it, is accepted; every surrogate is not.
        Utf8Validator validator;
        for (char32_t c = 0; c <= 0x10FFFF; c += (c < 0x10000 ? 1 : 17)) {
            if (c >= 0xD800 && c <= 0xDFFF) {
                QByteArray surrogate;
                surrogate.append(char(0xED)).append(char(0x80 | ((c >> 6) & 0x3F))).append(char(0x80 | (c & 0x3F)));
                QVERIFY(!Utf8Validator::isValid(surrogate));
                continue;
            }
            const QByteArray utf8 = QString::fromUcs4(&c, 1).toUtf8();
            if (!validator.feed(utf8))
                QFAIL(qPrintable(QStringLiteral("refused U+%1").arg(quint32(c), 4, 16, QChar(u'0'))));
        }
        QVERIFY(validator.atBoundary());
    }

    void utf8EveryAlignment()
    {
        // The ASCII fast path reads eight bytes at a time: multi-byte characters and invalid
        // bytes at every position within and across those words.
        const QByteArray mixed = QStringLiteral(u"é€😀").toUtf8();
        for (int offset = 0; offset < 24; ++offset) {
            const QByteArray text = QByteArray(offset, 'x') + mixed + QByteArray(20, 'y') + mixed;
            QVERIFY2(Utf8Validator::isValid(text), qPrintable(QStringLiteral("offset %1").arg(offset)));
            for (const char bad : {'\x80', '\xc0', '\xff'}) {
                QByteArray broken = QByteArray(40, 'z');
                broken[offset] = bad;
                Utf8Validator validator;
                QVERIFY(validator.feed(QByteArrayView(broken).first(offset)));
                QVERIFY(!validator.feed(QByteArrayView(broken).sliced(offset)));
                QVERIFY(!Utf8Validator::isValid(broken));
            }
        }
    }

    void textSplitInsideCodePointAcrossFragments()
    {
        const QByteArray text = QStringLiteral(u"κόσμε € 🌍 \U0010FFFF!").toUtf8();
        for (qsizetype split = 0; split <= text.size(); ++split) {
            FrameParser parser(FrameParser::Role::Server, text.size());
            parser.append(masked(Opcode::Text, text.first(split), false));
            parser.append(masked(Opcode::Ping, "between"));
            parser.append(masked(Opcode::Continuation, text.sliced(split), true));
            QList<Frame> frames;
            const FrameParser::Result last = drain(parser, frames);
            QVERIFY2(last.needsMoreData(), qPrintable(QStringLiteral("split %1: %2").arg(split).arg(last.error.reason)));
            QCOMPARE(frames.size(), 3);
            QCOMPARE(frames[0].payload + frames[2].payload, text);
        }

        // Each byte its own fragment.
        FrameParser parser(FrameParser::Role::Client);
        for (qsizetype i = 0; i < text.size(); ++i) {
            const Opcode opcode = i == 0 ? Opcode::Text : Opcode::Continuation;
            parser.append(unmasked(opcode, text.sliced(i, 1), i + 1 == text.size()));
        }
        QList<Frame> frames;
        QVERIFY(drain(parser, frames).needsMoreData());
        QCOMPARE(frames.size(), text.size());
        QByteArray joined;
        for (const Frame &frame : std::as_const(frames))
            joined += frame.payload;
        QCOMPARE(joined, text);
    }

    void binaryIsNotValidated()
    {
        FrameParser parser(FrameParser::Role::Server);
        parser.append(masked(Opcode::Binary, hex("ff fe c0 80 ed a0 80"), false));
        parser.append(masked(Opcode::Continuation, hex("e2")));
        parser.append(masked(Opcode::Ping, hex("ff")));
        QList<Frame> frames;
        QVERIFY(drain(parser, frames).needsMoreData());
        QCOMPARE(frames.size(), 3);
        QCOMPARE(frames[1].payload, hex("e2"));
    }

    // --- size limit ---

    void sizeLimit()
    {
        FrameParser parser(FrameParser::Role::Server, 10);
        QList<Frame> frames;
        // Exactly the limit over two fragments; the ping between does not count.
        parser.append(masked(Opcode::Binary, pattern(4), false));
        parser.append(masked(Opcode::Ping, pattern(100)));
        parser.append(masked(Opcode::Continuation, pattern(6)));
        QVERIFY(drain(parser, frames).needsMoreData());
        QCOMPARE(frames.size(), 3);
        // The count starts again with each message: exactly the limit in one frame.
        parser.append(masked(Opcode::Text, "0123456789"));
        QVERIFY(drain(parser, frames).needsMoreData());
        QCOMPARE(frames.size(), 4);
        QCOMPARE(frames[3].payload, QByteArray("0123456789"));
        // Empty fragments are fine at the limit too.
        parser.append(masked(Opcode::Text, "01234", false));
        parser.append(masked(Opcode::Continuation, "56789", false));
        parser.append(masked(Opcode::Continuation, "", true));
        QVERIFY(drain(parser, frames).needsMoreData());
        QCOMPARE(frames.size(), 7);
        // One byte over, across fragments: refused on the header of the frame that would
        // exceed it, before its mask key or payload.
        parser.append(masked(Opcode::Text, "01234", false));
        QVERIFY(drain(parser, frames).needsMoreData());
        QCOMPARE(frames.size(), 8);
        parser.append(hex("80"));
        QVERIFY(parser.next().needsMoreData());
        parser.append(hex("86"));
        const FrameParser::Result result = parser.next();
        QVERIFY(result.isError());
        QCOMPARE(result.error.closeCode, CloseCode::TooBig);
        QCOMPARE(parser.bufferedBytes(), qint64(0));
    }

    void noSizeLimit()
    {
        FrameParser parser(FrameParser::Role::Client, 0);
        const QByteArray payload = pattern(3 * 1024 * 1024);
        parser.append(unmasked(Opcode::Binary, payload, false));
        parser.append(unmasked(Opcode::Continuation, payload, true));
        QList<Frame> frames;
        QVERIFY(drain(parser, frames).needsMoreData());
        QCOMPARE(frames.size(), 2);
        QCOMPARE(frames[1].payload, payload);
    }

    // --- writer ---

    void writerRoundTrip_data()
    {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("headerSize"); // with the 4-byte mask key
        for (int size : {0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 125})
            QTest::addRow("%d", size) << size << 6;
        for (int size : {126, 127, 1000, 65535})
            QTest::addRow("%d", size) << size << 8;
        for (int size : {65536, 70001})
            QTest::addRow("%d", size) << size << 14;
    }

    void writerRoundTrip()
    {
        QFETCH(int, size);
        QFETCH(int, headerSize);
        const QByteArray payload = pattern(size);
        const quint32 key = FrameWriter::randomMaskKey();
        const QByteArray wire = FrameWriter::frame(Opcode::Binary, payload, true, key);
        QCOMPARE(wire.size(), qsizetype(headerSize + size));
        QCOMPARE(wire.sliced(headerSize - 4, 4), closeCodeBytes(quint16(key >> 16)) + closeCodeBytes(quint16(key)));
        QCOMPARE(wire.sliced(headerSize), naiveMask(payload, key));
        QCOMPARE(FrameWriter::frame(Opcode::Binary, payload).size(), qsizetype(headerSize - 4 + size));

        FrameParser parser(FrameParser::Role::Server);
        parser.append(wire);
        const FrameParser::Result result = parser.next();
        QVERIFY(result.isFrame());
        QCOMPARE(result.frame.payload, payload);
    }

    void headerThenPiecesIsTheFrame()
    {
        for (const qsizetype size : {qsizetype(0), qsizetype(125), qsizetype(126), qsizetype(65535), qsizetype(65536)}) {
            const QByteArray payload = pattern(size);
            for (const std::optional<quint32> key : {std::optional<quint32>(), std::optional<quint32>(0x12345678)}) {
                QByteArray wire = FrameWriter::header(Opcode::Binary, size, false, key);
                for (qsizetype offset = 0; offset < size; offset += 1000) {
                    const QByteArrayView piece = QByteArrayView(payload).sliced(offset, qMin<qsizetype>(1000, size - offset));
                    QByteArray out(piece.size(), Qt::Uninitialized);
                    if (key)
                        FrameWriter::applyMask(piece, out.data(), *key, offset);
                    else
                        out = piece.toByteArray();
                    wire += out;
                }
                QCOMPARE(wire, FrameWriter::frame(Opcode::Binary, payload, false, key));
            }
        }
    }

    void applyMaskInPieces()
    {
        const QByteArray payload = pattern(45);
        const quint32 key = 0xa1b2c3d4;
        QByteArray whole(payload.size(), Qt::Uninitialized);
        FrameWriter::applyMask(payload, whole.data(), key);
        QCOMPARE(whole, naiveMask(payload, key));
        for (qsizetype split = 0; split <= payload.size(); ++split) {
            QByteArray pieces(payload.size(), Qt::Uninitialized);
            FrameWriter::applyMask(QByteArrayView(payload).first(split), pieces.data(), key, 0);
            FrameWriter::applyMask(QByteArrayView(payload).sliced(split), pieces.data() + split, key, split);
            QCOMPARE(pieces, whole);
        }
        // In place, twice, gives the original back.
        QByteArray inPlace = payload;
        FrameWriter::applyMask(inPlace, inPlace.data(), key, 3);
        QCOMPARE(inPlace, naiveMask(payload, key, 3));
        FrameWriter::applyMask(inPlace, inPlace.data(), key, 3);
        QCOMPARE(inPlace, payload);
    }

    void closePayload_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QByteArray>("expectedReason");
        QTest::newRow("no reason") << 1000 << QString() << QByteArray();
        QTest::newRow("short") << 1001 << QStringLiteral("bye") << QByteArray("bye");
        QTest::newRow("200 ASCII") << 1008 << QString(200, u'a') << QByteArray(123, 'a');
        QTest::newRow("123 ASCII, untouched") << 1000 << QString(123, u'b') << QByteArray(123, 'b');
        QTest::newRow("200 e-acute: 61 of them, 122 bytes")
            << 1000 << QString(200, QChar(0xE9)) << QString(61, QChar(0xE9)).toUtf8();
        QTest::newRow("a + 100 e-acute: exactly 123 bytes")
            << 1000 << u'a' + QString(100, QChar(0xE9)) << (u'a' + QString(61, QChar(0xE9))).toUtf8();
        const QString emoji = QStringLiteral(u"😀");
        QTest::newRow("4-byte characters: 30 of them, 120 bytes")
            << 4000 << emoji.repeated(50) << emoji.repeated(30).toUtf8();
        QTest::newRow("3-byte characters: 41 of them, 123 bytes")
            << 3000 << QStringLiteral(u"€").repeated(50) << QStringLiteral(u"€").repeated(41).toUtf8();
    }

    void closePayload()
    {
        QFETCH(int, code);
        QFETCH(QString, reason);
        QFETCH(QByteArray, expectedReason);
        const QByteArray payload = FrameWriter::closePayload(quint16(code), reason);
        QCOMPARE(payload.left(2), closeCodeBytes(quint16(code)));
        QCOMPARE(payload.sliced(2), expectedReason);
        QVERIFY(payload.size() <= 125);
        QVERIFY(Utf8Validator::isValid(payload.sliced(2)));

        // A peer accepts it.
        FrameParser parser(FrameParser::Role::Client);
        parser.append(FrameWriter::frame(Opcode::Close, payload));
        const FrameParser::Result result = parser.next();
        QVERIFY2(result.isFrame(), qPrintable(result.error.reason));
        QCOMPARE(result.frame.payload, payload);
    }

    void largePayloadsAreReadStraightIntoTheFrame_data()
    {
        QTest::addColumn<qint64>("step");
        QTest::addColumn<qint64>("maximum");
        QTest::addColumn<bool>("streaming");
        QTest::newRow("whole reads") << qint64(1 << 20) << qint64(64 * 1024) << false;
        QTest::newRow("odd pieces") << qint64(4099) << qint64(10'000) << false;
        QTest::newRow("odd pieces, streamed") << qint64(4099) << qint64(10'000) << true;
        QTest::newRow("tiny reads") << qint64(7) << qint64(64 * 1024) << false;
    }

    void largePayloadsAreReadStraightIntoTheFrame()
    {
        // A large masked frame is read into the frame itself (then unmasked in place), small
        // frames around it through the buffer; the payloads come out the same either way.
        QFETCH(qint64, step);
        QFETCH(qint64, maximum);
        QFETCH(bool, streaming);
        const QByteArray large = pattern(200'000);
        const QByteArray text = QString(QStringLiteral("é")).repeated(5000).toUtf8();
        ScriptedTransport transport(masked(Opcode::Binary, "before") + masked(Opcode::Binary, large)
                                        + masked(Opcode::Text, text) + masked(Opcode::Binary, "after"),
                                    step);
        FrameParser parser(FrameParser::Role::Server);
        parser.setStreaming(streaming);
        QList<Frame> frames;
        QVERIFY(!readAllFrames(parser, transport, frames, maximum).isError());
        QByteArray joined;
        QList<QByteArray> messages;
        for (const Frame &frame : std::as_const(frames)) {
            joined += frame.payload;
            if (frame.remaining == 0) {
                messages.append(joined);
                joined.clear();
            }
        }
        QCOMPARE(messages.size(), 4);
        QCOMPARE(messages.at(0), QByteArray("before"));
        QVERIFY(messages.at(1) == large);
        QVERIFY(messages.at(2) == text);
        QCOMPARE(messages.at(3), QByteArray("after"));
        QCOMPARE(parser.bufferedBytes(), 0);
    }

    void invalidUtf8ReadStraightIntoTheFrameFails()
    {
        QByteArray text = QByteArray(10'000, 'a');
        text[9000] = char(0xff);
        ScriptedTransport transport(masked(Opcode::Text, text), 1 << 20);
        FrameParser parser(FrameParser::Role::Server);
        QList<Frame> frames;
        const FrameParser::Result result = readAllFrames(parser, transport, frames, 64 * 1024);
        QVERIFY(result.isError());
        QCOMPARE(result.error.closeCode, quint16(CloseCode::InvalidPayload));
        QVERIFY(frames.isEmpty());
    }

    void randomMaskKeys()
    {
        QSet<quint32> keys;
        for (int i = 0; i < 32; ++i)
            keys.insert(FrameWriter::randomMaskKey());
        QVERIFY(keys.size() > 16); // 32 draws of 32 bits: collisions are vanishingly rare
    }

    void aForkedChildDrawsItsOwnMaskKeys()
    {
        // The pool is filled before the fork; the child must not hand out the parent's next
        // keys (both would send the same masks).
        (void)FrameWriter::randomMaskKey();
        int pipe[2];
        QCOMPARE(::pipe(pipe), 0);
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            quint32 keys[8];
            for (quint32 &key : keys)
                key = FrameWriter::randomMaskKey();
            const bool written = ::write(pipe[1], keys, sizeof keys) == ssize_t(sizeof keys);
            ::_exit(written ? 0 : 1);
        }
        ::close(pipe[1]);
        quint32 theirs[8] = {};
        const ssize_t got = ::read(pipe[0], theirs, sizeof theirs);
        ::close(pipe[0]);
        int status = -1;
        ::waitpid(child, &status, 0);
        QCOMPARE(got, ssize_t(sizeof theirs));
        QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        quint32 mine[8];
        for (quint32 &key : mine)
            key = FrameWriter::randomMaskKey();
        QVERIFY(std::memcmp(mine, theirs, sizeof mine) != 0);
    }

    void randomMaskKeysAcrossRefillsAndThreads()
    {
        // Keys come from a pool of 256 per thread, refilled from the kernel: 1,000 draws span
        // several refills and stay distinct (one collision among them has odds of about 1 in
        // 8,600), and another thread draws its own keys, not this thread's sequence again.
        QList<quint32> mine;
        for (int i = 0; i < 1000; ++i)
            mine.append(FrameWriter::randomMaskKey());
        QVERIFY(QSet<quint32>(mine.cbegin(), mine.cend()).size() >= 999);
        QList<quint32> theirs;
        std::unique_ptr<QThread> thread(QThread::create([&theirs] {
            for (int i = 0; i < 1000; ++i)
                theirs.append(FrameWriter::randomMaskKey());
        }));
        thread->start();
        QVERIFY(thread->wait(10000));
        QCOMPARE(theirs.size(), 1000);
        QSet<quint32> all(mine.cbegin(), mine.cend());
        all.unite(QSet<quint32>(theirs.cbegin(), theirs.cend()));
        QVERIFY(all.size() >= 1998);
    }

    // --- handshake ---

    void acceptKey_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<QByteArray>("accept");
        QTest::newRow("RFC 6455 1.3") << QByteArray("dGhlIHNhbXBsZSBub25jZQ==") << QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        QTest::newRow("RFC 6455 4.1 example key")
            << QByteArray("x3JJHMbDL1EzLkh9GBhXDw==") << QByteArray("HSmrc0sMlYUkAGmm5OPpG2HaGWk=");
    }

    void acceptKey()
    {
        QFETCH(QByteArray, key);
        QFETCH(QByteArray, accept);
        QCOMPARE(Handshake::acceptKey(key), accept);
    }

    void newClientKey()
    {
        const QByteArray first = Handshake::newClientKey();
        const QByteArray second = Handshake::newClientKey();
        QCOMPARE(first.size(), 24);
        QCOMPARE(QByteArray::fromBase64(first).size(), 16);
        QVERIFY(Handshake::isValidClientKey(first));
        QVERIFY(first != second);
        QCOMPARE(Handshake::acceptKey(first).size(), 28);
    }

    void isValidClientKey_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<bool>("valid");
        QTest::newRow("RFC sample") << QByteArray("dGhlIHNhbXBsZSBub25jZQ==") << true;
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("15 bytes") << QByteArray(15, 'x').toBase64() << false;
        QTest::newRow("17 bytes") << QByteArray(17, 'x').toBase64() << false;
        QTest::newRow("no padding") << QByteArray("dGhlIHNhbXBsZSBub25jZQ") << false;
        QTest::newRow("not base64") << QByteArray("dGhlIHNhbXBsZSBub25j*Q==") << false;
        QTest::newRow("surrounding space") << QByteArray(" dGhlIHNhbXBsZSBub25jZQ==") << false;
    }

    void isValidClientKey()
    {
        QFETCH(QByteArray, key);
        QFETCH(bool, valid);
        QCOMPARE(Handshake::isValidClientKey(key), valid);
    }
};

QTEST_APPLESS_MAIN(TestWebSocketCodec)
#include "tst_websocketcodec.moc"
