#pragma once

// Reads WebSocket frames (RFC 6455 §5) from a byte stream and checks everything a receiver
// must check, so that whoever forwards the frames one by one never passes on an invalid
// sequence: reserved bits and opcodes, masking by role, control frame rules, fragmentation
// order, the message size limit (decided from the header, before the payload arrives), UTF-8
// in text messages (checked as the payload arrives, across fragments) and close payloads.
// Any violation fails the parser for good with the close code to send (1002, 1007 or 1009).
// No extensions are supported.

#include "websocket/frame.h"
#include "websocket/utf8validator.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace Postern::Net { class Transport; }

namespace Postern::WebSocket {

class FrameParser
{
public:
    // Server: reads a client's frames, which must all be masked. Client: reads a server's
    // frames, none of which may be masked (§5.1).
    enum class Role { Server, Client };

    struct Error
    {
        quint16 closeCode = 0;
        QString reason; // short ASCII text that fits a close frame
    };

    struct Result
    {
        enum class Kind { NeedMoreData, Frame, Error };
        Kind kind = Kind::NeedMoreData;
        WebSocket::Frame frame; // when kind == Frame
        FrameParser::Error error; // when kind == Error

        bool isFrame() const { return kind == Kind::Frame; }
        bool needsMoreData() const { return kind == Kind::NeedMoreData; }
        bool isError() const { return kind == Kind::Error; }
    };

    // A message's fragments cost work whatever their size, and empty ones would make a message
    // that never ends nor grows: with a size limit, a message may have one fragment per
    // kAverageFragmentSize bytes of the limit, and at least kMinimumFragments. 64 bytes is
    // the smallest fragment size of Autobahn's case group 9, so every message it sends within
    // the size limit is within this one too.
    static constexpr qint64 kAverageFragmentSize = 64;
    static constexpr qint64 kMinimumFragments = 64;

    // `maximumMessageSize` bounds the payload of one Text or Binary message, summed over its
    // fragments, and (see above) the number of its fragments; 0 means no limit.
    explicit FrameParser(Role role, qint64 maximumMessageSize = 0);

    // Streaming: Text, Binary and Continuation frames are handed out in pieces as their
    // payload arrives (see Frame), so a frame is never held whole; control frames still come
    // whole. Text pieces are handed out only once their bytes are known to be valid UTF-8 so
    // far. Set it between frames.
    void setStreaming(bool streaming) { m_streaming = streaming; }
    bool isStreaming() const { return m_streaming; }

    // Adds received bytes. Ignored once the parser has failed.
    void append(QByteArrayView bytes);
    // append() of up to `maximum` bytes read from `transport`: straight into the parser's
    // buffer when the transport knows it holds that much (no temporary per read), through a
    // scratch buffer of the thread's when it cannot know (a descriptor read blind would
    // otherwise leave the parser's buffer grown to `maximum` for good); what was read.
    qint64 readFrom(Net::Transport &transport, qint64 maximum);

    // The next complete, valid frame; or NeedMoreData; or the error that failed the parser
    // (again on every later call). Call until it returns NeedMoreData after each append().
    Result next();

    // Bytes appended but not yet returned in a frame (including the header and the part of
    // the payload already read of a frame still arriving; once a piece of a streamed frame
    // has been handed out, its header no longer counts).
    qint64 bufferedBytes() const;

    bool hasFailed() const { return m_failed; }
    // A Text or Binary message has begun and its final fragment has not been returned yet.
    bool isMessageInProgress() const { return m_message != MessageKind::None; }
    Role role() const { return m_role; }
    qint64 maximumMessageSize() const { return m_maximumMessageSize; }
    // The fragments a message may have (when there is a size limit); more fail with 1009.
    qint64 maximumFragments() const { return qMax(m_maximumMessageSize / kAverageFragmentSize, kMinimumFragments); }

private:
    enum class MessageKind : quint8 { None, Text, Binary };

    Result fail(quint16 closeCode, const QString &reason);
    // Reads the header at m_offset when it is complete; NeedMoreData, Error, or Frame meaning
    // "header read, m_frame set up".
    Result readHeader();
    // Hands out what m_frame holds: a piece of a frame still arriving, or the end of the
    // frame (then checked, and the message state updated).
    Result handOut();
    void compact();

    Role m_role;
    qint64 m_maximumMessageSize;

    QByteArray m_buffer; // received bytes; those before m_offset are consumed
    qsizetype m_offset = 0;

    bool m_failed = false;
    Error m_error;

    bool m_streaming = false;

    // The frame being read, once its header has been; m_frame.payload holds what has arrived
    // and not yet been handed out.
    bool m_inFrame = false;
    Frame m_frame;
    qint64 m_payloadLength = 0;
    qint64 m_payloadRead = 0; // of the frame's payload, handed out or in m_frame.payload
    // Read by readFrom() straight into the end of m_frame.payload and not yet unmasked or
    // checked (next() does), not counted in m_payloadRead until then.
    qint64 m_payloadDirect = 0;
    qint64 m_headerLength = 0;
    bool m_masked = false;
    quint32 m_maskKey = 0;
    bool m_validateText = false; // the frame's payload is part of a text message

    // The data message in progress across fragments.
    MessageKind m_message = MessageKind::None;
    qint64 m_messageSize = 0;
    qint64 m_messageFragments = 0; // frames of the message so far
    Utf8Validator m_utf8;
};

} // namespace Postern::WebSocket
