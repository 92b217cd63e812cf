"""A raw RFC 6455 client for the conformance suite: Python's standard library only (socket,
ssl, struct, os), no WebSocket library and nothing from Qt, so that it shares no code and no
assumptions with the gateway it tests. It can send anything, including what a correct client
never would (reserved bits and opcodes, unmasked frames, bad lengths, invalid UTF-8), split
anywhere across frames and TCP writes; it reads the server's frames strictly and reports any
server frame that breaks the RFC itself."""

import base64
import hashlib
import os
import socket
import struct
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA

# How long the client waits for what it expects from the server. Only a missing answer ever
# waits this long; no case measures how fast an answer came.
ANSWER_TIMEOUT = 10.0


class ServerBrokeProtocol(Exception):
    """A frame from the server that the RFC forbids (masked, reserved bits, bad opcode...)."""


class TimedOut(Exception):
    pass


class ConnectionEnded(Exception):
    """The server ended the TCP connection (or reset it)."""


def mask(payload, key):
    """XORs `payload` with the 4-byte `key` repeated: one big-integer XOR over the whole buffer,
    so that 16 MiB masks in milliseconds rather than in a per-byte Python loop."""
    n = len(payload)
    if n == 0:
        return b""
    keystream = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(keystream, "big")).to_bytes(n, "big")


def frame(opcode, payload=b"", fin=True, rsv=0, masked=True, key=None, length=None, length_form=None):
    """The bytes of one frame. `length` overrides the announced payload length (a frame whose
    payload is then sent short, or long); `length_form` forces the 7-, 16- or 64-bit encoding
    (7, 16, 64) instead of the shortest one."""
    if length is None:
        length = len(payload)
    head = bytes([(0x80 if fin else 0) | (rsv & 7) << 4 | (opcode & 0x0F)])
    mask_bit = 0x80 if masked else 0
    form = length_form or (7 if length <= 125 else 16 if length <= 0xFFFF else 64)
    if form == 7:
        head += bytes([mask_bit | length])
    elif form == 16:
        head += bytes([mask_bit | 126]) + struct.pack("!H", length)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", length)
    if not masked:
        return head + payload
    key = key or os.urandom(4)
    return head + key + mask(payload, key)


def close_payload(code, reason=b""):
    return struct.pack("!H", code) + reason


class Frame:
    __slots__ = ("fin", "rsv", "opcode", "payload")

    def __init__(self, fin, rsv, opcode, payload):
        self.fin, self.rsv, self.opcode, self.payload = fin, rsv, opcode, payload

    def close_code(self):
        return struct.unpack("!H", self.payload[:2])[0] if len(self.payload) >= 2 else None

    def __repr__(self):
        names = {0: "continuation", 1: "text", 2: "binary", 8: "close", 9: "ping", 10: "pong"}
        what = names.get(self.opcode, f"opcode {self.opcode:#x}")
        if self.opcode == CLOSE:
            code = self.close_code()
            return f"close {code if code is not None else '(no code)'}"
        return f"{what}{'' if self.fin else ' (fin=0)'} of {len(self.payload)} bytes"


class Connection:
    """One WebSocket connection after its opening handshake."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = bytearray()
        self.ended = False
        self.pongs = []  # payloads of the pongs recv_message() stepped over
        self.write_error = None  # a write the server refused (it had ended the connection)

    @classmethod
    def request(cls, host, port, request, ssl_context=None):
        """Sends `request` (a whole request head, written as given) and reads the answer's head.
        Returns (status code, {lower-case header name: value}, the Connection)."""
        raw = socket.create_connection((host, port), timeout=ANSWER_TIMEOUT)
        sock = ssl_context.wrap_socket(raw, server_hostname="localhost") if ssl_context else raw
        sock.settimeout(ANSWER_TIMEOUT)
        sock.sendall(request)
        conn = cls(sock)
        lines = conn._read_until(b"\r\n\r\n").decode("latin-1").split("\r\n")
        headers = {l.split(":", 1)[0].strip().lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
        return int(lines[0].split()[1]), headers, conn

    @classmethod
    def open(cls, host, port, path, ssl_context=None, first_bytes=b""):
        """Connects, sends the opening handshake (with `first_bytes` in the same write) and
        checks the 101 answer and its Sec-WebSocket-Accept."""
        raw = socket.create_connection((host, port), timeout=ANSWER_TIMEOUT)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock = ssl_context.wrap_socket(raw, server_hostname="localhost") if ssl_context else raw
        sock.settimeout(ANSWER_TIMEOUT)
        key = base64.b64encode(os.urandom(16))
        request = (f"GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key.decode()}\r\n"
                   f"Sec-WebSocket-Version: 13\r\n\r\n").encode()
        sock.sendall(request + first_bytes)
        conn = cls(sock)
        head = conn._read_until(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        if not lines[0].startswith("HTTP/1.1 101"):
            sock.close()
            raise ServerBrokeProtocol(f"handshake answered '{lines[0]}'")
        headers = {l.split(":", 1)[0].strip().lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
        expected = base64.b64encode(hashlib.sha1(key + GUID).digest()).decode()
        if headers.get("sec-websocket-accept") != expected:
            sock.close()
            raise ServerBrokeProtocol(f"Sec-WebSocket-Accept {headers.get('sec-websocket-accept')!r}, expected {expected}")
        return conn

    def close_socket(self):
        try:
            self.sock.close()
        except OSError:
            pass

    # --- sending ---

    def send(self, data, pieces=1, pause=0.001):
        """Writes `data`; in `pieces` separate writes (TCP_NODELAY, a short pause between
        them, so that they travel as separate segments and reach the server in separate
        reads). pieces=len(data) is one byte per write."""
        step = len(data) if pieces <= 1 else max(1, -(-len(data) // pieces))
        for start in range(0, max(len(data), 1), step):
            try:
                self.sock.sendall(data[start:start + step])
            except OSError as error:
                # The server may fail the connection before it has all of an invalid input
                # (fail fast): what it answered is still there to be read.
                self.write_error = error
                return
            if pieces > 1:
                time.sleep(pause)

    def send_frame(self, opcode, payload=b"", **kwargs):
        pieces = kwargs.pop("pieces", 1)
        self.send(frame(opcode, payload, **kwargs), pieces)

    def send_fragments(self, opcode, payloads, pieces=1):
        """A message in fragments: `payloads` in order, the first with `opcode`."""
        data = b"".join(frame(opcode if i == 0 else CONTINUATION, p, fin=(i == len(payloads) - 1))
                        for i, p in enumerate(payloads))
        self.send(data, pieces)

    # --- receiving ---

    def _fill(self, timeout):
        if self.ended:
            raise ConnectionEnded("the server had already ended the connection")
        self.sock.settimeout(timeout)
        try:
            chunk = self.sock.recv(1 << 20)
        except socket.timeout:
            raise TimedOut(f"nothing within {timeout:g} s")
        except (ConnectionResetError, BrokenPipeError) as error:
            self.ended = True
            raise ConnectionEnded(f"connection reset ({error.strerror})")
        except OSError as error:  # ssl.SSLError and the like: the connection is gone too
            self.ended = True
            raise ConnectionEnded(f"connection failed ({error})")
        if not chunk:
            self.ended = True
            raise ConnectionEnded("the server ended the TCP connection")
        self.buffer += chunk

    def _read_until(self, marker):
        while marker not in self.buffer:
            self._fill(ANSWER_TIMEOUT)
        end = self.buffer.index(marker) + len(marker)
        head = bytes(self.buffer[:end])
        del self.buffer[:end]
        return head

    def _need(self, count, deadline):
        while len(self.buffer) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimedOut(f"no complete frame within {ANSWER_TIMEOUT:g} s")
            self._fill(remaining)

    def recv_frame(self, timeout=ANSWER_TIMEOUT):
        """The next frame from the server, checked against what a server may send."""
        deadline = time.monotonic() + timeout
        self._need(2, deadline)
        b0, b1 = self.buffer[0], self.buffer[1]
        fin, rsv, opcode = bool(b0 & 0x80), (b0 >> 4) & 7, b0 & 0x0F
        if b1 & 0x80:
            raise ServerBrokeProtocol("the server masked a frame")
        if rsv:
            raise ServerBrokeProtocol(f"the server set reserved bits {rsv}")
        if opcode not in (0, 1, 2, 8, 9, 10):
            raise ServerBrokeProtocol(f"the server sent reserved opcode {opcode:#x}")
        length, offset = b1 & 0x7F, 2
        if length == 126:
            self._need(4, deadline)
            length, offset = struct.unpack("!H", self.buffer[2:4])[0], 4
            if length < 126:
                raise ServerBrokeProtocol("the server used a 16-bit length for a short payload")
        elif length == 127:
            self._need(10, deadline)
            length, offset = struct.unpack("!Q", self.buffer[2:10])[0], 10
            if length <= 0xFFFF or length >> 63:
                raise ServerBrokeProtocol(f"the server used a 64-bit length for {length} bytes")
        if opcode >= 8 and (not fin or length > 125):
            raise ServerBrokeProtocol("the server sent a fragmented or long control frame")
        self._need(offset + length, deadline)
        payload = bytes(self.buffer[offset:offset + length])
        del self.buffer[:offset + length]
        return Frame(fin, rsv, opcode, payload)

    def recv_message(self, timeout=ANSWER_TIMEOUT):
        """The next data message, its fragments joined (the server may fragment what it
        sends: RFC 6455 §5.4); pongs on the way are kept in self.pongs. Returns (opcode,
        payload, number of frames), or the close frame if one comes first."""
        deadline = time.monotonic() + timeout
        opcode, parts = None, []
        while True:
            f = self.recv_frame(max(0.0, deadline - time.monotonic()))
            if f.opcode == PONG:
                self.pongs.append(f.payload)
                continue
            if f.opcode == PING:
                raise ServerBrokeProtocol("the server pinged (no inactivity timeout is configured)")
            if f.opcode == CLOSE:
                return f
            if opcode is None:
                if f.opcode == CONTINUATION:
                    raise ServerBrokeProtocol("the server sent a continuation without a message")
                opcode = f.opcode
            elif f.opcode != CONTINUATION:
                raise ServerBrokeProtocol("the server began a message inside another")
            parts.append(f.payload)
            if f.fin:
                return opcode, b"".join(parts), len(parts)

    def wait_for_end(self, timeout=ANSWER_TIMEOUT):
        """True when the server ends the TCP connection within `timeout` (and sends nothing
        more before it); a frame that arrives instead is returned."""
        deadline = time.monotonic() + timeout
        while True:
            if self.buffer:
                return self.recv_frame(max(0.0, deadline - time.monotonic()))
            try:
                self._fill(max(0.001, deadline - time.monotonic()))
            except ConnectionEnded:
                return True
            except TimedOut:
                return False
