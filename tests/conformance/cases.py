"""The conformance cases, written from RFC 6455 and grouped like the Autobahn|Testsuite case
groups: 1 framing, 2 ping/pong, 3 reserved bits, 4 opcodes, 5 fragmentation, 6 UTF-8,
7 close handling, 9 large messages and many fragments, 10 auto-fragmentation (group 8 does not
exist in Autobahn either). Each case gets a fresh connection to the echo service and either
returns what it saw (it passed) or raises Failed with what it saw instead.

The expected results follow the RFC strictly: valid input is echoed and the connection stays
usable (every passing case that does not fail the connection ends with a clean closing
handshake); invalid input fails the connection fast (as soon as the offending byte is there,
without waiting for the rest of the frame or message) with the close code the RFC names, no
echo of the bad frame, and the server ending the TCP connection."""

import os
import socket
import struct

from wsclient import (BINARY, CLOSE, CONTINUATION, PING, PONG, TEXT, ConnectionEnded, Frame, TimedOut,
                      close_payload, frame)

MiB = 1 << 20
# The echo service's ws.maximum.message.size in the suite's configuration (see the runner).
MESSAGE_LIMIT = 16 * MiB

CASES = []


class Failed(Exception):
    pass


def case(case_id, name, expect, first_bytes=b""):
    """Registers a case; `first_bytes` go out in the same TCP write as the opening handshake."""
    def register(function):
        CASES.append((case_id, name, expect, function, first_bytes))
        return function
    return register


# --- what the server must do ---

def expect_echo(conn, opcode, payload):
    got = conn.recv_message()
    if isinstance(got, Frame):
        raise Failed(f"{got} instead of the echo")
    op, data, frames = got
    if op != opcode:
        raise Failed(f"echo with opcode {op}, sent {opcode}")
    if data != payload:
        raise Failed(f"echo of {len(data)} bytes differs from the {len(payload)} bytes sent")
    return frames


def expect_pong(conn, payload):
    f = conn.recv_frame()
    if f.opcode != PONG or f.payload != payload:
        raise Failed(f"{f} instead of a pong of {len(payload)} bytes")


def expect_close_and_end(conn, code):
    """The server's close frame with `code` (None: without a payload), then the end of the TCP
    connection from the server's side, with nothing in between. Frames before the close fail."""
    try:
        f = conn.recv_frame()
    except (TimedOut, ConnectionEnded) as error:
        raise Failed(f"no close frame ({error})")
    if f.opcode != CLOSE:
        raise Failed(f"{f} where the close {code} was due")
    got = f.close_code()
    if got != code:
        raise Failed(f"close {got if got is not None else 'without a code'}, reason {f.payload[2:]!r}")
    ended = conn.wait_for_end()
    if ended is not True:
        raise Failed(f"close {code}, then {'the TCP connection stayed open' if ended is False else ended}")
    return f"close {code if code is not None else '(no code)'}, then the server ended TCP"


def expect_failure(conn, code):
    """Invalid input: the connection is failed with `code` (RFC 6455 §7.1.7)."""
    return expect_close_and_end(conn, code)


def finish(conn, seen):
    """The connection is still healthy after a passing case: a clean closing handshake."""
    conn.send_frame(CLOSE, close_payload(1000))
    expect_close_and_end(conn, 1000)
    return seen


# --- 0 opening handshake (§4.2; not an Autobahn group: its cases all start from a good one) ---

def handshake(*lines, key=b"dGhlIHNhbXBsZSBub25jZQ=="):
    """A request head: the request line, then `lines` (header lines; None leaves one out)."""
    defaults = [b"Host: localhost:{port}", b"Upgrade: websocket", b"Connection: Upgrade",
                b"Sec-WebSocket-Key: " + key, b"Sec-WebSocket-Version: 13"]
    return b"\r\n".join(list(lines) + defaults) + b"\r\n\r\n"


def raw_request(head_lines):
    return b"\r\n".join(head_lines) + b"\r\n\r\n"


GOOD_KEY = b"dGhlIHNhbXBsZSBub25jZQ=="
GOOD_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="  # RFC 6455 §1.3's example


def expect_upgrade(request, head, absent=()):
    status, headers, conn = request(head)
    if status != 101:
        raise Failed(f"HTTP {status}")
    if headers.get("sec-websocket-accept") != GOOD_ACCEPT:
        raise Failed(f"Sec-WebSocket-Accept {headers.get('sec-websocket-accept')!r}")
    for name in absent:
        if name in headers:
            raise Failed(f"101 with {name}: {headers[name]}")
    conn.send_frame(TEXT, b"after a handshake")
    expect_echo(conn, TEXT, b"after a handshake")
    return finish(conn, "101, then echo")


def expect_refusal(request, head, statuses, header=None):
    status, headers, conn = request(head)
    if status not in statuses:
        raise Failed(f"HTTP {status}")
    if header and headers.get(header[0].lower()) != header[1]:
        raise Failed(f"HTTP {status} without {header[0]}: {header[1]}")
    return f"HTTP {status}"


HANDSHAKES_ACCEPTED = [
    ("Firefox's Connection: keep-alive, Upgrade", [b"GET /echo HTTP/1.1", b"Host: localhost:{port}",
     b"Connection: keep-alive, Upgrade", b"Upgrade: websocket", b"Sec-WebSocket-Key: " + GOOD_KEY,
     b"Sec-WebSocket-Version: 13"]),
    ("header names and tokens in other cases", [b"GET /echo HTTP/1.1", b"host: localhost:{port}",
     b"UPGRADE: WebSocket", b"connection: upgrade", b"sec-websocket-key: " + GOOD_KEY, b"SEC-WEBSOCKET-VERSION: 13"]),
    ("Connection tokens in two header lines", [b"GET /echo HTTP/1.1", b"Host: localhost:{port}",
     b"Connection: keep-alive", b"Connection: Upgrade", b"Upgrade: websocket", b"Sec-WebSocket-Key: " + GOOD_KEY,
     b"Sec-WebSocket-Version: 13"]),
    ("a query and unknown headers", [b"GET /echo?x=1 HTTP/1.1", b"Host: localhost:{port}", b"Upgrade: websocket",
     b"Connection: Upgrade", b"X-Anything: at all", b"User-Agent: conformance",
     b"Sec-WebSocket-Key: " + GOOD_KEY, b"Sec-WebSocket-Version: 13"]),
]

for number, (name, lines) in enumerate(HANDSHAKES_ACCEPTED, start=1):
    @case(f"0.1.{number}", f"handshake: {name}", "101 with the right Sec-WebSocket-Accept, then echo", first_bytes=None)
    def _(request, lines=lines):
        return expect_upgrade(request, raw_request(lines))


@case("0.1.5", "handshake offering permessage-deflate and sub-protocols the service has none of",
      "101 without Sec-WebSocket-Extensions or Sec-WebSocket-Protocol (§4.2.2)", first_bytes=None)
def _(request):
    return expect_upgrade(request, raw_request([
        b"GET /echo HTTP/1.1", b"Host: localhost:{port}", b"Upgrade: websocket", b"Connection: Upgrade",
        b"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits", b"Sec-WebSocket-Protocol: chat, mqtt",
        b"Sec-WebSocket-Key: " + GOOD_KEY, b"Sec-WebSocket-Version: 13"]),
        absent=("sec-websocket-extensions", "sec-websocket-protocol"))


def base_lines(drop=(), extra=()):
    lines = [b"GET /echo HTTP/1.1", b"Host: localhost:{port}", b"Upgrade: websocket", b"Connection: Upgrade",
             b"Sec-WebSocket-Key: " + GOOD_KEY, b"Sec-WebSocket-Version: 13"]
    return [l for l in lines if not any(l.startswith(d) for d in drop)] + list(extra)


HANDSHAKES_REFUSED = [
    ("Sec-WebSocket-Version 8", base_lines(drop=[b"Sec-WebSocket-Version"], extra=[b"Sec-WebSocket-Version: 8"]),
     (426,), ("Sec-WebSocket-Version", "13")),
    ("no Sec-WebSocket-Version", base_lines(drop=[b"Sec-WebSocket-Version"]), (426,), ("Sec-WebSocket-Version", "13")),
    ("no Sec-WebSocket-Key", base_lines(drop=[b"Sec-WebSocket-Key"]), (400,), None),
    ("a Sec-WebSocket-Key of 15 bytes", base_lines(drop=[b"Sec-WebSocket-Key"],
                                                   extra=[b"Sec-WebSocket-Key: " + __import__("base64").b64encode(b"x" * 15)]),
     (400,), None),
    ("two Sec-WebSocket-Key headers", base_lines(extra=[b"Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA=="]), (400,), None),
    ("two Sec-WebSocket-Version headers", base_lines(extra=[b"Sec-WebSocket-Version: 13"]), (400,), None),
    ("POST", [b"POST" + base_lines()[0][3:]] + base_lines()[1:] + [b"Content-Length: 0"], (400, 405), None),
    ("HTTP/1.0", [base_lines()[0].replace(b"1.1", b"1.0")] + base_lines()[1:], (400, 505), None),
    ("no Host", base_lines(drop=[b"Host"]), (400,), None),
]

for number, (name, lines, statuses, header) in enumerate(HANDSHAKES_REFUSED, start=1):
    @case(f"0.2.{number}", f"handshake with {name}", f"HTTP {' or '.join(map(str, statuses))}, no upgrade (§4.2.1)",
          first_bytes=None)
    def _(request, lines=lines, statuses=statuses, header=header):
        return expect_refusal(request, raw_request(lines), statuses, header)


# --- 1 framing ---

LENGTHS = [0, 1, 125, 126, 127, 128, 65535, 65536, 65537, 1 * MiB]


def length_form(n):
    return "7-bit" if n <= 125 else "16-bit" if n <= 0xFFFF else "64-bit"


for index, (opcode, kind) in enumerate([(TEXT, "text"), (BINARY, "binary")], start=1):
    for number, n in enumerate(LENGTHS, start=1):
        @case(f"1.{index}.{number}", f"{kind} payload of {n} bytes ({length_form(n)} length)", "echoed")
        def _(conn, opcode=opcode, n=n):
            payload = (b"*" * n) if opcode == TEXT else os.urandom(n)
            conn.send_frame(opcode, payload)
            return finish(conn, f"echoed in {expect_echo(conn, opcode, payload)} frame(s)")


@case("1.3.1", "payloads of every length 0..300, text and binary, one connection", "all echoed in order")
def _(conn):
    for n in range(301):
        for opcode in (TEXT, BINARY):
            payload = (b"x" * n) if opcode == TEXT else os.urandom(n)
            conn.send_frame(opcode, payload)
            expect_echo(conn, opcode, payload)
    return finish(conn, "602 echoes")


@case("1.3.2", "a frame in the same TCP write as the opening handshake", "echoed",
      first_bytes=frame(TEXT, b"right behind the handshake"))
def _(conn):
    # The runner opened this connection with the frame after the request head.
    return finish(conn, f"echoed in {expect_echo(conn, TEXT, b'right behind the handshake')} frame(s)")


@case("1.3.3", "a frame written one byte per TCP write", "echoed")
def _(conn):
    payload = os.urandom(300)
    conn.send_frame(BINARY, payload, pieces=308)
    return finish(conn, f"echoed in {expect_echo(conn, BINARY, payload)} frame(s)")


@case("1.3.4", "100 frames in one TCP write", "100 echoes in order")
def _(conn):
    payloads = [os.urandom(i * 7) for i in range(100)]
    conn.send(b"".join(frame(BINARY, p) for p in payloads))
    for p in payloads:
        expect_echo(conn, BINARY, p)
    return finish(conn, "100 echoes in order")


@case("1.3.5", "lengths in a longer form than needed (5 bytes as 16-bit and 64-bit)",
      "echoed (the shortest form binds senders, §5.2)")
def _(conn):
    conn.send_frame(TEXT, b"hello", length_form=16)
    expect_echo(conn, TEXT, b"hello")
    conn.send_frame(BINARY, b"hello", length_form=64)
    expect_echo(conn, BINARY, b"hello")
    return finish(conn, "both echoed")


@case("1.4.1", "an unmasked text frame from the client", "close 1002 (§5.1)")
def _(conn):
    conn.send_frame(TEXT, b"not masked", masked=False)
    return expect_failure(conn, 1002)


@case("1.4.2", "an unmasked ping from the client", "close 1002, no pong")
def _(conn):
    conn.send_frame(PING, b"not masked", masked=False)
    return expect_failure(conn, 1002)


@case("1.4.3", "a 64-bit length with the most significant bit set (header only)", "close 1002 at once (§5.2)")
def _(conn):
    conn.send(bytes([0x82, 0xFF]) + struct.pack("!Q", (1 << 63) | 5) + os.urandom(4))
    return expect_failure(conn, 1002)


@case("1.4.4", "a masked frame's header arrives alone, its payload never", "no answer yet, then echo once it comes")
def _(conn):
    payload = b"patience"
    data = frame(TEXT, payload)
    conn.send(data[:6])
    try:
        early = conn.recv_frame(timeout=0.3)
        raise Failed(f"{early} before the payload was sent")
    except TimedOut:
        pass
    conn.send(data[6:])
    return finish(conn, f"echoed in {expect_echo(conn, TEXT, payload)} frame(s) once complete")


# --- 2 ping/pong ---

@case("2.1", "ping without payload", "pong without payload")
def _(conn):
    conn.send_frame(PING)
    expect_pong(conn, b"")
    return finish(conn, "empty pong")


@case("2.2", "ping with a 125-byte text payload", "pong with the same payload")
def _(conn):
    payload = b"Hello, world! " * 8 + b"Hello, 125 :)"
    assert len(payload) == 125
    conn.send_frame(PING, payload)
    expect_pong(conn, payload)
    return finish(conn, "same payload")


@case("2.3", "pings with binary payloads of every length 0..125", "126 pongs, each with its ping's payload")
def _(conn):
    for n in range(126):
        payload = os.urandom(n)
        conn.send_frame(PING, payload)
        expect_pong(conn, payload)
    return finish(conn, "126 matching pongs")


@case("2.4", "ping with a 126-byte payload", "close 1002, no pong (§5.5)")
def _(conn):
    conn.send_frame(PING, b"x" * 126)
    return expect_failure(conn, 1002)


@case("2.5", "ping with a 126-byte payload, header only", "close 1002 at once")
def _(conn):
    conn.send(frame(PING, b"x" * 126)[:8])
    return expect_failure(conn, 1002)


@case("2.6", "unsolicited pong without payload, then a text message", "pong ignored, text echoed")
def _(conn):
    conn.send_frame(PONG)
    conn.send_frame(TEXT, b"after a pong")
    expect_echo(conn, TEXT, b"after a pong")
    return finish(conn, "only the echo")


@case("2.7", "unsolicited pong with payload, then a ping", "pong ignored, the ping answered")
def _(conn):
    conn.send_frame(PONG, b"unsolicited")
    conn.send_frame(PING, b"solicited")
    expect_pong(conn, b"solicited")
    return finish(conn, "only the ping's pong")


@case("2.8", "ten pings in one TCP write", "pongs in order, the last ping's among them (§5.5.3)")
def _(conn):
    payloads = [b"ping %d" % i for i in range(10)]
    conn.send(b"".join(frame(PING, p) for p in payloads))
    got = []
    while not got or got[-1] != payloads[-1]:
        f = conn.recv_frame()
        if f.opcode != PONG or f.payload not in payloads:
            raise Failed(f"{f} among the pongs")
        got.append(f.payload)
    if got != sorted(got, key=payloads.index):
        raise Failed(f"pongs out of order: {got}")
    return finish(conn, f"{len(got)} pongs in order")


@case("2.9", "a ping written one byte per TCP write", "pong")
def _(conn):
    conn.send_frame(PING, b"slowly", pieces=12)
    expect_pong(conn, b"slowly")
    return finish(conn, "pong")


@case("2.10", "text, ping, binary, ping in one write", "echo, pong, echo, pong in order")
def _(conn):
    conn.send(frame(TEXT, b"one") + frame(PING, b"p1") + frame(BINARY, b"two") + frame(PING, b"p2"))
    expect_echo(conn, TEXT, b"one")
    expect_pong(conn, b"p1")
    expect_echo(conn, BINARY, b"two")
    expect_pong(conn, b"p2")
    return finish(conn, "in order")


# --- 3 reserved bits ---

for number, (rsv, opcode, kind) in enumerate(
        [(r, TEXT, "text") for r in range(1, 8)] + [(4, BINARY, "binary"), (2, PING, "ping"),
                                                      (1, CLOSE, "close"), (4, CONTINUATION, "continuation")],
        start=1):
    @case(f"3.{number}", f"{kind} frame with RSV bits {rsv:03b} after a valid message",
          "the valid one echoed, then close 1002; the bad frame not echoed (§5.2)")
    def _(conn, rsv=rsv, opcode=opcode):
        payload = close_payload(1000) if opcode == CLOSE else b"reserved"
        if opcode == CONTINUATION:
            bad = frame(TEXT, b"start", fin=False) + frame(CONTINUATION, payload, rsv=rsv)
        else:
            bad = frame(opcode, payload, rsv=rsv)
        conn.send(frame(TEXT, b"valid") + bad + frame(TEXT, b"after"))
        expect_echo(conn, TEXT, b"valid")
        return expect_failure(conn, 1002)


@case("3.12", "RSV1 set on a frame whose payload never comes (header alone)", "close 1002 at once")
def _(conn):
    conn.send(frame(BINARY, b"x" * 1000, rsv=4)[:8])
    return expect_failure(conn, 1002)


# --- 4 opcodes ---

for number, op in enumerate([3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF], start=1):
    for variant, payload in ((1, b""), (2, b"reserved payload")):
        kind = "data" if op < 8 else "control"
        @case(f"4.{number}.{variant}", f"reserved {kind} opcode {op:#x} with {len(payload)} bytes after a valid message",
              "the valid one echoed, then close 1002 (§5.2)")
        def _(conn, op=op, payload=payload):
            conn.send(frame(TEXT, b"valid") + frame(op, payload) + frame(PING, b"after"))
            expect_echo(conn, TEXT, b"valid")
            return expect_failure(conn, 1002)


# --- 5 fragmentation ---

@case("5.1", "continuation frame (fin=1) with no message begun", "close 1002 (§5.4)")
def _(conn):
    conn.send_frame(CONTINUATION, b"orphan")
    return expect_failure(conn, 1002)


@case("5.2", "continuation frame (fin=0) with no message begun", "close 1002")
def _(conn):
    conn.send_frame(CONTINUATION, b"orphan", fin=False)
    return expect_failure(conn, 1002)


for number, (op, kind) in enumerate([(PING, "ping"), (PONG, "pong"), (CLOSE, "close")], start=3):
    @case(f"5.{number}", f"fragmented {kind} (fin=0, then a continuation)", "close 1002, no answer to it (§5.5)")
    def _(conn, op=op):
        first = close_payload(1000) if op == CLOSE else b"frag"
        conn.send(frame(op, first, fin=False) + frame(CONTINUATION, b"ment"))
        return expect_failure(conn, 1002)


@case("5.6", "text message in two fragments", "echoed whole")
def _(conn):
    conn.send_fragments(TEXT, [b"fragment ", b"two"])
    expect_echo(conn, TEXT, b"fragment two")
    return finish(conn, "echoed whole")


@case("5.7", "binary message in two fragments, one byte per TCP write", "echoed whole")
def _(conn):
    conn.send_fragments(BINARY, [b"\x00\x01", b"\xfe\xff"], pieces=40)
    expect_echo(conn, BINARY, b"\x00\x01\xfe\xff")
    return finish(conn, "echoed whole")


@case("5.8", "text message in 1000 fragments of 1..10 bytes", "echoed whole")
def _(conn):
    parts = [b"abcdefghij"[: 1 + i % 10] for i in range(1000)]
    conn.send_fragments(TEXT, parts)
    expect_echo(conn, TEXT, b"".join(parts))
    return finish(conn, "echoed whole")


@case("5.9", "fragments that are empty: first, middle and last", "echoed whole")
def _(conn):
    conn.send_fragments(TEXT, [b"", b"middle", b"", b""])
    expect_echo(conn, TEXT, b"middle")
    conn.send_fragments(BINARY, [b"", b""])
    expect_echo(conn, BINARY, b"")
    return finish(conn, "both echoed")


@case("5.10", "ping between fragments", "pong at once, then the message whole (§5.4)")
def _(conn):
    conn.send(frame(TEXT, b"frag", fin=False) + frame(PING, b"between"))
    expect_pong(conn, b"between")  # answered before the message has ended
    conn.send(frame(CONTINUATION, b"ment"))
    expect_echo(conn, TEXT, b"fragment")
    return finish(conn, "pong, then the whole message")


@case("5.11", "pong between fragments", "ignored; the message whole")
def _(conn):
    conn.send(frame(TEXT, b"frag", fin=False) + frame(PONG, b"between") + frame(CONTINUATION, b"ment"))
    expect_echo(conn, TEXT, b"fragment")
    return finish(conn, "the whole message only")


@case("5.12", "fragments and pings interleaved, one byte per TCP write", "pongs and the message whole")
def _(conn):
    data = (frame(BINARY, b"a", fin=False) + frame(PING, b"1") + frame(CONTINUATION, b"b", fin=False)
            + frame(PING, b"2") + frame(CONTINUATION, b"c"))
    conn.send(data, pieces=len(data))
    expect_pong(conn, b"1")
    expect_pong(conn, b"2")
    expect_echo(conn, BINARY, b"abc")
    return finish(conn, "pongs, then the whole message")


@case("5.13", "a new text message before the final fragment of the previous one", "close 1002, no echo")
def _(conn):
    conn.send(frame(TEXT, b"first", fin=False) + frame(TEXT, b"second"))
    return expect_failure(conn, 1002)


@case("5.14", "a new binary message before the final fragment of a text one", "close 1002, no echo")
def _(conn):
    conn.send(frame(TEXT, b"first", fin=False) + frame(BINARY, b"second", fin=False))
    return expect_failure(conn, 1002)


@case("5.15", "continuation after a complete message", "the message echoed, then close 1002")
def _(conn):
    conn.send(frame(TEXT, b"whole") + frame(CONTINUATION, b"extra"))
    expect_echo(conn, TEXT, b"whole")
    return expect_failure(conn, 1002)


# --- 6 UTF-8 ---

VALID_TEXT = [
    ("empty", b""),
    ("ASCII", b"Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!"),
    ("Greek kosme", "κόσμε".encode()),
    ("first of each length", "\u0000\u0080\u0800\U00010000".encode()),
    ("last of each length", "\u007f\u07ff\uffff\U0010ffff".encode()),
    ("around the surrogates", "\ud7ff\ue000\ufffd".encode()),
    ("noncharacters", "\ufdd0\ufffe\U0001fffe\U0010fffe".encode()),
    ("BOM and mixed scripts", "\ufeffПривет, 世界, 😀 ok".encode()),
]

INVALID_TEXT = [
    # (name, bytes, index of the first byte no valid text can continue with; -1: only the
    # end of the message shows it)
    ("lone continuation 0x80", b"ab\x80cd", 2),
    ("lone continuation 0xbf", b"\xbf", 0),
    ("0xc0 (only overlong)", b"a\xc0\x80", 1),
    ("0xc1 (only overlong)", b"\xc1\xbf", 0),
    ("overlong '/' in 3 bytes", b"\xe0\x80\xaf", 1),
    ("overlong '/' in 4 bytes", b"\xf0\x80\x80\xaf", 1),
    ("overlong U+07FF in 3 bytes", b"\xe0\x9f\xbf", 1),
    ("overlong U+FFFF in 4 bytes", b"\xf0\x8f\xbf\xbf", 1),
    ("5-byte form", b"\xf8\x88\x80\x80\x80", 0),
    ("6-byte form", b"\xfc\x84\x80\x80\x80\x80", 0),
    ("0xfe", b"ok\xfe", 2),
    ("0xff", b"\xff", 0),
    ("high surrogate U+D800", b"x\xed\xa0\x80y", 2),
    ("low surrogate U+DFFF", b"\xed\xbf\xbf", 1),
    ("surrogate pair as CESU-8", b"\xed\xa0\x80\xed\xb0\x80", 1),
    ("above U+10FFFF (F4 90)", b"\xf4\x90\x80\x80", 1),
    ("above U+10FFFF (F5)", b"\xf5\x80\x80\x80", 0),
    ("lead byte then ASCII", b"\xce\xbaa\xcea", 4),
    ("3-byte lead then ASCII", b"\xe2\x82a", 2),
    ("valid text, then invalid", "κόσμε".encode() + b"\xed\xa0\x80edited", 12),
    ("truncated 2-byte at the end", "κόσμε".encode() + b"\xce", -1),
    ("truncated 3-byte at the end", b"abc\xe2\x82", -1),
    ("truncated 4-byte at the end", b"\xf0\x9f\x98", -1),
]


def valid_in(conn, text, how):
    if how == "one frame":
        conn.send_frame(TEXT, text)
    elif how == "a fragment per byte":
        conn.send_fragments(TEXT, [text[i:i + 1] for i in range(len(text))] or [b""])
    elif how == "one byte per TCP write":
        conn.send_frame(TEXT, text, pieces=len(text) + 6)
    expect_echo(conn, TEXT, text)


HOWS = ["one frame", "a fragment per byte", "one byte per TCP write"]

for number, (name, text) in enumerate(VALID_TEXT, start=1):
    for variant, how in enumerate(HOWS, start=1):
        @case(f"6.1.{number}.{variant}", f"valid UTF-8: {name}, {how}", "echoed")
        def _(conn, text=text, how=how):
            valid_in(conn, text, how)
            return finish(conn, "echoed")


@case("6.2.1", "every code point U+0000..U+10FFFF but surrogates, 64 KiB frames", "all echoed")
def _(conn):
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF).encode()
    # Frames cut every 65536 bytes: most cuts fall inside a code point.
    chunk = 65536
    parts = [text[i:i + chunk] for i in range(0, len(text), chunk)]
    conn.send_fragments(TEXT, parts)
    expect_echo(conn, TEXT, text)
    return finish(conn, f"{len(text)} bytes in {len(parts)} fragments echoed")


@case("6.2.2", "a 4-byte code point split at each of its bytes across fragments", "echoed")
def _(conn):
    text = "a😀b".encode()
    for cut in range(1, len(text)):
        conn.send_fragments(TEXT, [text[:cut], text[cut:]])
        expect_echo(conn, TEXT, text)
    return finish(conn, f"{len(text) - 1} splits echoed")


for number, (name, text, fail_at) in enumerate(INVALID_TEXT, start=1):
    for variant, how in enumerate(HOWS, start=1):
        @case(f"6.3.{number}.{variant}", f"invalid UTF-8: {name}, {how}", "close 1007, no echo (§8.1)")
        def _(conn, text=text, how=how):
            if how == "one frame":
                conn.send_frame(TEXT, text)
            elif how == "a fragment per byte":
                # The server fails as soon as it sees the bad byte: the rest may never be sent.
                for i in range(len(text)):
                    if conn.write_error:
                        break
                    conn.send_frame(CONTINUATION if i else TEXT, text[i:i + 1], fin=i == len(text) - 1)
            else:
                conn.send_frame(TEXT, text, pieces=len(text) + 6)
            return expect_failure(conn, 1007)

    if fail_at >= 0:
        @case(f"6.4.{number}", f"invalid UTF-8 fails fast: {name}, the frame's rest never sent",
              "close 1007 as soon as the bad byte is in (§8.1 fail fast)")
        def _(conn, text=text, fail_at=fail_at):
            # The header announces 1000 bytes more than are sent: only the bad byte can decide.
            conn.send(frame(TEXT, text[:fail_at + 1], length=fail_at + 1 + 1000))
            return expect_failure(conn, 1007)


@case("6.5.1", "invalid UTF-8 in the second of three fragments, the third never sent", "close 1007 at once")
def _(conn):
    conn.send(frame(TEXT, b"all good", fin=False) + frame(CONTINUATION, b"then \xc0\xaf", fin=False))
    return expect_failure(conn, 1007)


@case("6.5.2", "invalid UTF-8 100 bytes into a 64 KiB frame, the rest never sent", "close 1007 at once")
def _(conn):
    conn.send(frame(TEXT, b"a" * 100 + b"\xff", length=65536))
    return expect_failure(conn, 1007)


@case("6.5.3", "a code point cut between fragments, then a new lead byte", "close 1007 (the cut one cannot complete)")
def _(conn):
    conn.send(frame(TEXT, b"ab\xe2\x82", fin=False) + frame(CONTINUATION, b"\xe2\x82\xac", fin=False))
    return expect_failure(conn, 1007)


@case("6.5.4", "text ending inside a code point, final fragment empty", "close 1007 at the end of the message")
def _(conn):
    conn.send(frame(TEXT, b"ab\xe2\x82", fin=False) + frame(CONTINUATION, b""))
    return expect_failure(conn, 1007)


@case("6.5.5", "invalid UTF-8 in a binary message", "echoed (only text is UTF-8)")
def _(conn):
    conn.send_frame(BINARY, b"\xff\xfe\xc0\xaf\xed\xa0\x80")
    expect_echo(conn, BINARY, b"\xff\xfe\xc0\xaf\xed\xa0\x80")
    return finish(conn, "echoed")


@case("6.5.6", "invalid UTF-8 in a ping's payload", "pong with it (ping payloads are not text)")
def _(conn):
    conn.send_frame(PING, b"\xff\xc0")
    expect_pong(conn, b"\xff\xc0")
    return finish(conn, "pong")


# --- 7 close handling ---

@case("7.1.1", "close without payload", "close without a code (or 1000), then the server ends TCP (§7.1.1)")
def _(conn):
    conn.send_frame(CLOSE)
    f = conn.recv_frame()
    if f.opcode != CLOSE or f.close_code() not in (None, 1000):
        raise Failed(f"{f}")
    if conn.wait_for_end() is not True:
        raise Failed(f"{f}, then the TCP connection stayed open")
    return f"{f}, then the server ended TCP"


@case("7.1.2", "close 1000, then nothing: the server ends TCP without the client doing so", "close 1000, TCP ended")
def _(conn):
    conn.send_frame(CLOSE, close_payload(1000, b"bye"))
    return expect_close_and_end(conn, 1000)


@case("7.1.3", "text, then close, in one write", "echo, then close 1000")
def _(conn):
    conn.send(frame(TEXT, b"last words") + frame(CLOSE, close_payload(1000)))
    expect_echo(conn, TEXT, b"last words")
    return expect_close_and_end(conn, 1000)


@case("7.1.4", "close, then text and ping in the same write", "close only: data and pings after a close ignored (§5.5.1)")
def _(conn):
    conn.send(frame(CLOSE, close_payload(1000)) + frame(TEXT, b"too late") + frame(PING, b"too late"))
    return expect_close_and_end(conn, 1000)


@case("7.1.5", "close in the middle of a fragmented message", "close 1000 (a close may come between fragments)")
def _(conn):
    conn.send(frame(TEXT, b"never ", fin=False) + frame(CLOSE, close_payload(1000)) + frame(CONTINUATION, b"finished"))
    return expect_close_and_end(conn, 1000)


@case("7.1.6", "close with a 1-byte payload", "close 1002 (§5.5.1)")
def _(conn):
    conn.send_frame(CLOSE, b"\x03")
    return expect_failure(conn, 1002)


@case("7.1.7", "close with code and a 123-byte reason (125-byte payload)", "close 1000")
def _(conn):
    conn.send_frame(CLOSE, close_payload(1000, b"r" * 123))
    return expect_close_and_end(conn, 1000)


@case("7.1.8", "close with a 126-byte payload", "close 1002 (control frames hold at most 125 bytes)")
def _(conn):
    conn.send_frame(CLOSE, close_payload(1000, b"r" * 124))
    return expect_failure(conn, 1002)


@case("7.1.9", "close written one byte per TCP write", "close 1000")
def _(conn):
    conn.send_frame(CLOSE, close_payload(1000, b"slow"), pieces=12)
    return expect_close_and_end(conn, 1000)


@case("7.1.10", "close, then the client half-closes TCP (FIN; over TLS the socket stays open)",
      "close 1000 still sent, then the server ends TCP")
def _(conn):
    conn.send_frame(CLOSE, close_payload(1000))
    if not hasattr(conn.sock, "unwrap"):  # a plain socket: FIN after the close frame
        conn.sock.shutdown(socket.SHUT_WR)
    return expect_close_and_end(conn, 1000)


VALID_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]
INVALID_CODES = [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]

for number, code in enumerate(VALID_CODES, start=1):
    @case(f"7.2.{number}", f"close with valid code {code}", f"close {code} echoed (§5.5.1, §7.4)")
    def _(conn, code=code):
        conn.send_frame(CLOSE, close_payload(code, b"reason"))
        return expect_close_and_end(conn, code)

for number, code in enumerate(INVALID_CODES, start=1):
    @case(f"7.3.{number}", f"close with invalid code {code}", "close 1002 (§7.4)")
    def _(conn, code=code):
        conn.send_frame(CLOSE, close_payload(code))
        return expect_failure(conn, 1002)


@case("7.4.1", "close 1000 with a valid UTF-8 reason", "close 1000")
def _(conn):
    conn.send_frame(CLOSE, close_payload(1000, "κόσμε 😀".encode()))
    return expect_close_and_end(conn, 1000)


@case("7.4.2", "close 1000 with an invalid UTF-8 reason", "close 1007 (§5.5.1, §8.1)")
def _(conn):
    conn.send_frame(CLOSE, close_payload(1000, b"bad \xed\xa0\x80 reason"))
    return expect_failure(conn, 1007)


@case("7.4.3", "close 1000 with a reason ending inside a code point", "close 1007")
def _(conn):
    conn.send_frame(CLOSE, close_payload(1000, b"cut \xe2\x82"))
    return expect_failure(conn, 1007)


# --- 9 large messages and many fragments ---

for number, (opcode, kind, size) in enumerate(
        [(TEXT, "text", 4 * MiB), (BINARY, "binary", 4 * MiB), (TEXT, "text", 16 * MiB), (BINARY, "binary", 16 * MiB)],
        start=1):
    @case(f"9.1.{number}", f"{kind} message of {size // MiB} MiB in one frame", "echoed")
    def _(conn, opcode=opcode, size=size):
        payload = ("é€😀z" * (size // 10)).encode().ljust(size, b"z") if opcode == TEXT else os.urandom(size)
        conn.send_frame(opcode, payload)
        return finish(conn, f"echoed in {expect_echo(conn, opcode, payload)} frame(s)")


for number, (opcode, kind, size, piece) in enumerate(
        [(TEXT, "text", MiB, 64), (BINARY, "binary", MiB, 64), (BINARY, "binary", 16 * MiB, MiB),
         (TEXT, "text", 4 * MiB, 4096)], start=1):
    @case(f"9.2.{number}", f"{kind} message of {size // MiB} MiB in {size // piece} fragments of {piece} bytes",
          "echoed whole")
    def _(conn, opcode=opcode, size=size, piece=piece):
        # Text: 3-byte code points, so fragment edges cut inside them.
        payload = ("€" * (size // 3)).encode().ljust(size, b"z") if opcode == TEXT else os.urandom(size)
        conn.send_fragments(opcode, [payload[i:i + piece] for i in range(0, size, piece)])
        return finish(conn, f"echoed in {expect_echo(conn, opcode, payload)} frame(s)")


@case("9.3.1", f"binary message of exactly ws.maximum.message.size ({MESSAGE_LIMIT} bytes)", "echoed (the limit is inclusive)")
def _(conn):
    payload = os.urandom(MESSAGE_LIMIT)
    conn.send_frame(BINARY, payload)
    return finish(conn, f"echoed in {expect_echo(conn, BINARY, payload)} frame(s)")


@case("9.3.2", "a frame one byte over ws.maximum.message.size, header only", "close 1009 at once, before the payload")
def _(conn):
    conn.send(frame(BINARY, b"", length=MESSAGE_LIMIT + 1))
    return expect_failure(conn, 1009)


@case("9.3.3", "fragments that pass ws.maximum.message.size only together", "close 1009 at the fragment that passes it")
def _(conn):
    conn.send(frame(BINARY, b"\x00" * (MESSAGE_LIMIT // 2), fin=False)
              + frame(CONTINUATION, b"\x00" * (MESSAGE_LIMIT // 2), fin=False))
    conn.send(frame(CONTINUATION, b"\x01"))
    return expect_failure(conn, 1009)


@case("9.3.4", "a 64-bit length of 2^62 bytes", "close 1009 at once (never allocated)")
def _(conn):
    conn.send(frame(TEXT, b"", length=1 << 62))
    return expect_failure(conn, 1009)


@case("9.4.1", "100 messages of 64 KiB in one burst", "all echoed in order")
def _(conn):
    payloads = [os.urandom(65536) for _ in range(100)]
    conn.send(b"".join(frame(BINARY, p) for p in payloads))
    for p in payloads:
        expect_echo(conn, BINARY, p)
    return finish(conn, "100 echoes in order")


# --- 10 auto-fragmentation ---

@case("10.1", "the server's frames for a 16 MiB echo: unmasked, RSV 0, shortest lengths, reassembled",
      "a valid frame sequence whose message equals what was sent")
def _(conn):
    # recv_frame() checks every server frame against §5.2 (mask bit, reserved bits, opcodes,
    # shortest length form, control frame rules); recv_message() joins any fragmentation.
    payload = ("🙂" * (4 * MiB)).encode()
    conn.send_fragments(TEXT, [payload[i:i + 999_999] for i in range(0, len(payload), 999_999)])
    return finish(conn, f"echoed in {expect_echo(conn, TEXT, payload)} valid frame(s)")
