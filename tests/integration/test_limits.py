#!/usr/bin/python3
"""Limits and attacks: the built posternd as a process, attacked with raw sockets (Python's
stdlib only, no Qt). Each case names the attack and checks the answer documented in
docs/security.md ("Limits and attacks"); the gateway's memory, descriptors and CPU time are
read from /proc. Prints 'N passed, N failed' and exits non-zero on any failure.

    test_limits.py --posternd build/server/posternd --keytool build/tools/keytool/postern-keytool \
                   [--churn-seconds 60] [--only NAME]
"""

import base64
import hashlib
import os
import re
import resource
import socket
import ssl
import struct
import sys
import tempfile
import threading
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))

from posternprocess import Gateway, check, command_line, finish, free_port, make_test_pki  # noqa: E402

# --- /proc ---------------------------------------------------------------------------------

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- a raw WebSocket client ----------------------------------------------------------------

def connect(port, source=None, timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                 source_address=(source, 0) if source else None)
    return s


def handshake(s, path, host="localhost"):
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            raise ConnectionError("closed during the handshake: " + repr(head))
        head += chunk
    head, rest = head.split(b"\r\n\r\n", 1)
    status = int(head.split(b" ", 2)[1])
    if status == 101:
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        assert accept in head, head
    return status, head, rest


def frame(opcode, payload=b"", fin=True, length=None):
    mask = os.urandom(4)
    n = len(payload) if length is None else length
    first = (0x80 if fin else 0) | opcode
    if n < 126:
        header = struct.pack("!BB", first, 0x80 | n)
    elif n < 65536:
        header = struct.pack("!BBH", first, 0x80 | 126, n)
    else:
        header = struct.pack("!BBQ", first, 0x80 | 127, n)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return header + mask + masked


class Reader:
    """Reads server frames (unmasked) from a socket."""

    def __init__(self, s, rest=b""):
        self.s, self.buffer = s, rest

    def _need(self, n):
        while len(self.buffer) < n:
            chunk = self.s.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk

    def next(self):
        self._need(2)
        b0, b1 = self.buffer[0], self.buffer[1]
        n, offset = b1 & 0x7F, 2
        if n == 126:
            self._need(4)
            n, offset = struct.unpack("!H", self.buffer[2:4])[0], 4
        elif n == 127:
            self._need(10)
            n, offset = struct.unpack("!Q", self.buffer[2:10])[0], 10
        self._need(offset + n)
        payload = self.buffer[offset:offset + n]
        self.buffer = self.buffer[offset + n:]
        return b0 & 0x0F, bool(b0 & 0x80), payload

    def message(self):
        """The next data message (fragments joined), or ('close', code)."""
        data, first = b"", None
        while True:
            opcode, fin, payload = self.next()
            if opcode == 8:
                return "close", struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
            if opcode in (9, 10):
                continue
            first = first if first is not None else opcode
            data += payload
            if fin:
                return first, data


def close_code(reader, timeout=10):
    """Reads until the server's close frame; its code (None when the connection just ended)."""
    reader.s.settimeout(timeout)
    try:
        while True:
            kind, value = reader.message()
            if kind == "close":
                return value
    except (ConnectionError, OSError):
        return None


def http_get(port, path="/", source=None, timeout=10):
    """(status, head) of a GET; (None, error) when the connection fails or ends without one."""
    try:
        with connect(port, source, timeout) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            if not data:
                return None, "closed without an answer"
            return int(data.split(b" ", 2)[1]), data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    except OSError as e:
        return None, str(e)


def ended(s, timeout):
    """Seconds until the server ends the connection (EOF or reset), or None past `timeout`."""
    start = time.monotonic()
    s.settimeout(0.2)
    while time.monotonic() - start < timeout:
        try:
            if not s.recv(65536):
                return time.monotonic() - start
        except socket.timeout:
            continue
        except OSError:
            return time.monotonic() - start
    return None


# --- the gateway ---------------------------------------------------------------------------

CONFIG = """<?xml version="1.0"?>
<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name>web</name>
    <accept>http://localhost:{http}/</accept>
    <accept>https://localhost:{tls}/</accept>
    <type>directory</type>
    <properties><directory>{web}</directory></properties>
  </service>
  <service>
    <name>echo</name>
    <accept>ws://localhost:{http}/echo</accept>
    <accept>wss://localhost:{tls}/echo</accept>
    <type>echo</type>
    <accept-options><ws.maximum.message.size>64k</ws.maximum.message.size></accept-options>
  </service>
  <service>
    <name>idle</name>
    <accept>ws://localhost:{http}/idle</accept>
    <type>echo</type>
    <accept-options><ws.inactivity.timeout>2s</ws.inactivity.timeout></accept-options>
  </service>
  <service>
    <name>limited</name>
    <accept>ws://localhost:{http}/limited</accept>
    <type>echo</type>
    <accept-options><ws.maximum.sessions>2</ws.maximum.sessions></accept-options>
  </service>
  <service-defaults>
    <accept-options>
{defaults}
    </accept-options>
  </service-defaults>
  <security>
    <keystore><file>keystore.p12</file><password-file>keystore.pw</password-file></keystore>
  </security>
</gateway-config>
"""


class LimitsGateway(Gateway):
    """posternd on CONFIG with `defaults` as the service defaults' accept options, and at most
    `nofile` descriptors when given; knows its descriptor count once started."""

    def __init__(self, args, work, name, defaults="", nofile=None):
        self.http, self.tls = free_port(), free_port()
        config = os.path.join(work, name + ".xml")
        with open(config, "w") as f:
            f.write(CONFIG.format(http=self.http, tls=self.tls, web=os.path.join(work, "web"), defaults=defaults))

        def limit():
            if nofile:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        super().__init__(args.posternd, config, preexec_fn=limit)
        if not self.wait_listening(self.tls, tls=True):
            raise RuntimeError("posternd did not start:\n" + self.log_text())
        self.base_fds = fd_count(self.pid)

    def settle(self, fds, timeout=15):
        """Waits until the descriptor count is back to `fds`; the count then."""
        deadline = time.time() + timeout
        while time.time() < deadline and fd_count(self.pid) > fds:
            time.sleep(0.1)
        return fd_count(self.pid)

    def stop(self):
        super().stop(graceful=True, timeout=10)


# --- the attacks ---------------------------------------------------------------------------

def test_huge_head(g):
    status, head = http_get_with_header(g.http, "X-Filler", "a" * 20000)
    check("huge request head (20 kB) is answered 431", status == 431, head)


def http_get_with_header(port, name, value):
    with connect(port) as s:
        try:
            s.sendall(f"GET / HTTP/1.1\r\nHost: localhost\r\n{name}: {value}\r\n\r\n".encode())
        except OSError:
            pass  # the answer may come before all of it is taken
        data = b""
        s.settimeout(10)
        try:
            while b"\r\n\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        if not data:
            return None, "no answer"
        return int(data.split(b" ", 2)[1]), data[:200]


def test_slowloris(g, timeout_s):
    """Many connections trickle a request head a byte at a time: each is cut when
    http.request.head.timeout has passed since it connected, and a normal client is served
    meanwhile."""
    count = 40
    head = b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"s" * 200
    results = [None] * count

    def slow(i):
        try:
            s = connect(g.http, f"127.0.1.{i + 1}")
        except OSError as e:
            results[i] = ("connect failed", str(e))
            return
        start = time.monotonic()
        s.settimeout(0.25)
        answer = b""
        try:
            for byte in head:
                try:
                    s.sendall(bytes([byte]))
                except OSError:
                    break
                try:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    answer += chunk
                except socket.timeout:
                    continue
                except OSError:
                    break
                if time.monotonic() - start > timeout_s + 10:
                    break
        finally:
            results[i] = (time.monotonic() - start, answer[:12])
            s.close()

    threads = [threading.Thread(target=slow, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    time.sleep(1)
    status, _ = http_get(g.http, "/", "127.0.0.9")
    check("slowloris: a normal client is served while 40 connections trickle their heads", status == 200, status)
    for t in threads:
        t.join(timeout_s + 15)
    cut = [r for r in results if isinstance(r[0], float) and timeout_s - 0.5 <= r[0] <= timeout_s + 3]
    answered = [r for r in results if isinstance(r[0], float) and r[1].startswith(b"HTTP/1.1 408")]
    check(f"slowloris: every trickling connection is cut at http.request.head.timeout ({timeout_s} s) with 408",
          len(cut) == count and len(answered) == count, results[:3])


def test_silent_connection(g, timeout_s):
    """A client that connects and vanishes (no FIN, nothing sent) before the upgrade."""
    s = connect(g.http)
    took = ended(s, timeout_s + 5)
    s.close()
    check("half-open before the upgrade: a silent connection is closed at http.request.head.timeout",
          took is not None and timeout_s - 0.5 <= took <= timeout_s + 2, took)


def test_half_open_session(g):
    """A WebSocket client that vanishes without a FIN: it answers nothing (not the ping, not the
    close). ws.inactivity.timeout (2 s here) pings at 1 s, closes with 1001 at 2 s, and cuts the
    connection when the close is not answered (5 s)."""
    s = connect(g.http)
    status, _, _ = handshake(s, "/idle")
    start = time.monotonic()
    took = ended(s, 15)  # reads what comes (ping, close) but never answers
    s.close()
    check("half-open session: cut after ws.inactivity.timeout and the unanswered close",
          status == 101 and took is not None and took <= 2 + 5 + 2, took)
    check("half-open session: the log says why it ended",
          g.wait_for_pattern(r'session-end id=\d+ service=idle .*ending="[^"]*1001: inactivity timeout', 5))


def test_huge_message(g):
    s = connect(g.http)
    handshake(s, "/echo")
    s.sendall(frame(2, b"x" * (64 * 1024 + 1)))
    check("a message over ws.maximum.message.size (64k) gets 1009", close_code(Reader(s)) == 1009)
    s.close()

    # One frame announcing 1 GiB, whose payload then streams in: refused on its header, and
    # nothing of it is kept.
    base = rss_kib(g.pid)
    s = connect(g.http)
    handshake(s, "/echo")
    s.sendall(frame(2, b"", length=1 << 30)[:14])
    sent, chunk = 0, os.urandom(65536)
    s.settimeout(2)
    try:
        while sent < 64 * 1024 * 1024:
            s.sendall(chunk)
            sent += len(chunk)
    except OSError:
        pass
    peak = rss_kib(g.pid)
    code = close_code(Reader(s), 5)
    s.close()
    check("a single 1 GiB frame gets 1009 from its header", code == 1009 or code is None, code)
    check("a single 1 GiB frame is not buffered (RSS grows < 8 MiB)", peak - base < 8 * 1024, (base, peak, sent))


def test_fragments(g):
    # ws.maximum.message.size 64k: at most 64k / 64 = 1024 fragments.
    s = connect(g.http)
    _, _, rest = handshake(s, "/echo")
    s.sendall(b"".join(frame(1 if i == 0 else 0, b"a", fin=i == 999) for i in range(1000)))
    kind, data = Reader(s, rest).message()
    check("1000 one-byte fragments (within the limit) make one message, echoed", kind == 1 and data == b"a" * 1000,
          (kind, len(data) if isinstance(data, bytes) else data))
    s.close()

    s = connect(g.http)
    handshake(s, "/echo")
    try:
        s.sendall(frame(2, b"", fin=False) + b"".join(frame(0, b"", fin=False) for _ in range(5000)))
    except OSError:
        pass
    check("a message of empty fragments that never ends gets 1009 (fragment limit)", close_code(Reader(s)) == 1009)
    s.close()


def test_never_reads(g):
    """A client floods the echo service and reads nothing back: what waits for it is bounded
    (1008 once more than 1 MiB waits), and so is the gateway's memory."""
    base = rss_kib(g.pid)
    s = connect(g.http)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    handshake(s, "/echo")
    message = frame(2, os.urandom(60000))
    peak, sent = base, 0
    s.settimeout(3)
    try:
        while sent < 256 * 1024 * 1024:
            s.sendall(message)
            sent += len(message)
            if sent % (4 * 1024 * 1024) < len(message):
                peak = max(peak, rss_kib(g.pid))
    except OSError:
        pass
    peak = max(peak, rss_kib(g.pid))
    s.close()
    check("a client that never reads is cut off (1008, not reading)",
          g.wait_for_pattern(r"client is not reading \(\d+ bytes unsent\)", 10), sent)
    check("a client that never reads: gateway RSS grows < 16 MiB", peak - base < 16 * 1024, (base, peak, sent))


def test_session_limit(g):
    held = []
    for _ in range(2):
        s = connect(g.http)
        status, _, _ = handshake(s, "/limited")
        held.append(s)
    codes = []
    for _ in range(5):
        s = connect(g.http)
        status, _, rest = handshake(s, "/limited")
        codes.append((status, close_code(Reader(s, rest))))
        s.close()
    check("ws.maximum.sessions 2: the third and later sessions get 101 then close 1013",
          all(c == (101, 1013) for c in codes), codes)
    time.sleep(0.5)
    lines = re.findall(r"closed a session of .* for service 'limited' with 1013", g.log_text())
    check("ws.maximum.sessions: five refusals make one log line", len(lines) == 1, len(lines))
    held.pop().close()
    time.sleep(0.5)
    s = connect(g.http)
    status, _, rest = handshake(s, "/limited")
    s.sendall(frame(1, b"again"))
    check("ws.maximum.sessions: a place freed is taken again", Reader(s, rest).message() == (1, b"again"))
    s.close()
    for s in held:
        s.close()


def hold_sessions(port, source, count):
    held = []
    for _ in range(count):
        s = connect(port, source)
        status, _, _ = handshake(s, "/echo")
        assert status == 101, status
        held.append(s)
    return held


def test_connection_limits(g, tls_context):
    """tcp.maximum.connections.per.address 20 and tcp.maximum.connections 45."""
    g.settle(g.base_fds)  # the connections of earlier cases are gone: the counts start at 0
    held = hold_sessions(g.http, "127.0.0.2", 20)
    answers = [http_get(g.http, "/", "127.0.0.2") for _ in range(25)]
    check("per-address limit: the 21st connection from one address gets 503 with Retry-After",
          all(a[0] == 503 and "Retry-After: 5" in a[1] for a in answers), answers[:2])
    check("per-address limit: another address is served meanwhile", http_get(g.http, "/", "127.0.0.3")[0] == 200)
    time.sleep(0.3)
    lines = re.findall(r"refused a connection from 127\.0\.0\.2 .*tcp\.maximum\.connections\.per\.address 20",
                       g.log_text())
    check("per-address limit: 25 refusals make one log line (not one per connection)", len(lines) == 1, len(lines))

    held += hold_sessions(g.http, "127.0.0.3", 20)
    held += hold_sessions(g.http, "127.0.0.4", 5)
    status, head = http_get(g.http, "/", "127.0.0.5")
    check("global limit: with 45 connections open a new one gets 503", status == 503 and "Retry-After" in head,
          (status, head))
    try:
        with socket.create_connection(("127.0.0.1", g.tls), timeout=5) as raw:
            with tls_context.wrap_socket(raw, server_hostname="localhost") as t:
                t.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
                tls_result = t.recv(100)
    except (OSError, ssl.SSLError) as e:
        tls_result = e
    check("global limit: a TLS connection over it is closed before any handshake",
          not isinstance(tls_result, bytes) or tls_result == b"", tls_result)
    for s in held:
        s.close()
    time.sleep(0.5)
    check("connection limits: served again once connections are closed", http_get(g.http, "/", "127.0.0.2")[0] == 200)


def test_fd_exhaustion(args, work):
    """RLIMIT_NOFILE 64: connections beyond what descriptors allow are refused, the gateway does
    not spin (CPU time over 3 s of exhaustion), and it serves again once they are closed."""
    g = LimitsGateway(args, work, "nofile", "<http.request.head.timeout>60s</http.request.head.timeout>", nofile=64)
    try:
        held = []
        for i in range(100):
            try:
                held.append(connect(g.http, timeout=2))
            except OSError:
                break
        time.sleep(0.5)
        check("fd exhaustion: the gateway says it cannot accept",
              g.wait_for_pattern(r"cannot accept connections on .*: .*out of file descriptors", 5), g.log_text()[-500:])
        before = cpu_seconds(g.pid)
        time.sleep(3)
        used = cpu_seconds(g.pid) - before
        check("fd exhaustion: no spinning (CPU time over 3 s < 0.3 s)", used < 0.3, used)
        status, detail = http_get(g.http, "/", timeout=5)
        check("fd exhaustion: a new connection is refused (closed), not left hanging",
              status is None and "timed out" not in detail, detail)
        lines = re.findall(r"cannot accept connections on", g.log_text())
        check("fd exhaustion: logged once per interval", len(lines) <= 2, len(lines))
        for s in held:
            s.close()
        time.sleep(Listener_retry_s + 0.5)
        status = None
        deadline = time.time() + 5
        while time.time() < deadline and status != 200:
            status, _ = http_get(g.http, "/", timeout=2)
        check("fd exhaustion: serves again once descriptors are free", status == 200, status)
    finally:
        g.stop()


Listener_retry_s = 0.25


def test_churn(args, work, seconds):
    """Clients connecting and leaving (clean closes, abrupt ones, HTTP, half heads) for
    `seconds`: afterwards descriptors return to the baseline exactly, and RSS to near it."""
    g = LimitsGateway(args, work, "churn")
    try:
        def churn(duration, workers=32):
            stop = time.monotonic() + duration
            counts = [0] * workers
            errors = []

            def work_loop(w):
                n = 0
                while time.monotonic() < stop:
                    source = f"127.0.{2 + w}.{1 + n % 250}"
                    kind = n % 4
                    try:
                        s = connect(g.http, source, timeout=5)
                        if kind == 0:  # echo and a clean close
                            _, _, rest = handshake(s, "/echo")
                            s.sendall(frame(1, b"churn"))
                            r = Reader(s, rest)
                            r.message()
                            s.sendall(frame(8, struct.pack("!H", 1000)))
                            close_code(r, 5)
                        elif kind == 1:  # echo and gone without a close
                            _, _, rest = handshake(s, "/echo")
                            s.sendall(frame(2, os.urandom(1000)))
                            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        elif kind == 2:  # a page
                            s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                            while s.recv(65536):
                                pass
                        else:  # half a head, then gone
                            s.sendall(b"GET /echo HTTP/1.1\r\nHost: loc")
                        s.close()
                        n += 1
                    except OSError as e:
                        errors.append(str(e))
                        n += 1
                counts[w] = n

            threads = [threading.Thread(target=work_loop, args=(w,)) for w in range(workers)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return sum(counts), errors

        churn(3)  # warm-up: the allocator's arenas and Qt's caches reach their working size
        time.sleep(1)
        base_fds = g.settle(0, 2)
        base_fds = fd_count(g.pid)
        time.sleep(1)
        base_rss = rss_kib(g.pid)
        clients, errors = churn(seconds)
        check(f"churn: at least 1000 clients in {seconds} s", clients >= 1000, clients)
        check("churn: no client failed", len(errors) == 0, errors[:3])
        fds = g.settle(base_fds, 20)
        check("churn: descriptors return to the baseline", fds == base_fds, (base_fds, fds))
        time.sleep(1)
        rss = rss_kib(g.pid)
        check("churn: RSS returns to within 4 MiB of the baseline", rss - base_rss < 4 * 1024, (base_rss, rss, clients))
        print(f"       churn: {clients} clients in {seconds} s, fds {base_fds} -> {fds}, RSS {base_rss} -> {rss} KiB")
    finally:
        g.stop()


def run(args):
    work = tempfile.mkdtemp(prefix="postern-limits-")
    os.mkdir(os.path.join(work, "web"))
    with open(os.path.join(work, "web", "index.html"), "w") as f:
        f.write("<h1>limits</h1>\n")
    tls_context = ssl.create_default_context(cafile=make_test_pki(args.keytool, work))

    def wanted(name):
        return not args.only or args.only in name

    head_timeout = 2
    defaults = (f"<http.request.head.timeout>{head_timeout}s</http.request.head.timeout>"
                "<tcp.maximum.connections>45</tcp.maximum.connections>"
                "<tcp.maximum.connections.per.address>20</tcp.maximum.connections.per.address>")
    g = LimitsGateway(args, work, "limits", defaults)
    try:
        for name, test in [("huge_head", lambda: test_huge_head(g)),
                           ("slowloris", lambda: test_slowloris(g, head_timeout)),
                           ("silent", lambda: test_silent_connection(g, head_timeout)),
                           ("half_open", lambda: test_half_open_session(g)),
                           ("huge_message", lambda: test_huge_message(g)),
                           ("fragments", lambda: test_fragments(g)),
                           ("never_reads", lambda: test_never_reads(g)),
                           ("session_limit", lambda: test_session_limit(g)),
                           ("connection_limits", lambda: test_connection_limits(g, tls_context))]:
            if wanted(name):
                try:
                    test()
                except Exception:
                    check(name, False, traceback.format_exc())
        if wanted("connection_limits"):
            # Refusals after the first are summed into one line at the end of the interval.
            check("per-address limit: the further refusals are summed in one line per interval",
                  g.wait_for_pattern(r"refused 2[45] more connections from 127\.0\.0\.2 in the last 10 s", 12),
                  g.log_text()[-800:])
    finally:
        g.stop()
    for name, test in [("fd_exhaustion", lambda: test_fd_exhaustion(args, work)),
                       ("churn", lambda: test_churn(args, work, args.churn_seconds))]:
        if wanted(name):
            try:
                test()
            except Exception:
                check(name, False, traceback.format_exc())


def main():
    parser = command_line("posternd", "keytool")
    parser.add_argument("--churn-seconds", type=int, default=60)
    parser.add_argument("--only", default="")
    finish(run, parser.parse_args())


if __name__ == "__main__":
    main()
