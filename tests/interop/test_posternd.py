#!/usr/bin/python3
"""Drives the built posternd and postern-keytool as a user would, with clients that are not
Qt: Debian's python3-websockets, Python's http.client and ssl, the openssl command line, and
POSIX signals. Prints 'N passed, N failed' and exits non-zero on any failure."""

import asyncio
import base64
import hashlib
import hmac
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))

import websockets  # noqa: E402

from posternprocess import Gateway, check, free_port, main, serve_in_thread  # noqa: E402

CONFIG = """<?xml version="1.0"?>
<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name>welcome</name>
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
    <name>secure</name>
    <accept>ws://localhost:{http}/secure</accept>
    <accept>wss://localhost:{tls}/secure</accept>
    <type>echo</type>
    <realm-name>demo</realm-name>
    <authorization-constraint><require-role>AUTHORIZED</require-role></authorization-constraint>
  </service>
  <service>
    <name>secure-too</name>
    <accept>ws://localhost:{http}/secure-too</accept>
    <type>echo</type>
    <realm-name>demo</realm-name>
  </service>
  <service>
    <name>to-tcp</name>
    <accept>ws://localhost:{http}/to-tcp</accept>
    <connect>tcp://127.0.0.1:{tcp_backend}</connect>
    <type>proxy</type>
  </service>
  <service>
    <name>manage</name>
    <accept>wss://localhost:{tls}/manage</accept>
    <type>management</type>
    <realm-name>demo</realm-name>
    <authorization-constraint><require-role>AUTHORIZED</require-role></authorization-constraint>
  </service>
  <service>
    <name>flood</name>
    <accept>wss://localhost:{tls}/flood</accept>
    <connect>tcp://127.0.0.1:{flood_backend}</connect>
    <type>proxy</type>
  </service>
  <service>
    <name>to-ws</name>
    <accept>ws://localhost:{http}/to-ws</accept>
    <connect>ws://127.0.0.1:{ws_backend}/chat</connect>
    <type>proxy</type>
  </service>
  <service>
    <name>api</name>
    <accept>ws://localhost:{http}/api</accept>
    <type>echo</type>
    <realm-name>api</realm-name>
  </service>
{extra}
  <security>
    <keystore>
      <file>keystore.p12</file>
      <password-file>keystore.pw</password-file>
    </keystore>
    <realm>
      <name>demo</name>
      <authentication>
        <http-challenge-scheme>Application Basic</http-challenge-scheme>
        <authorization-mode>recycle</authorization-mode>
        <login-modules>
          <login-module><type>file</type><success>required</success><options><file>users.xml</file></options></login-module>
        </login-modules>
      </authentication>
    </realm>
    <realm>
      <name>api</name>
      <authentication>
        <http-challenge-scheme>Application Token</http-challenge-scheme>
        <http-query-parameter>access_token</http-query-parameter>
        <login-modules>
          <login-module><type>token</type><options><algorithm>HS256</algorithm><key-file>jwt.secret</key-file>
            <audience>postern</audience></options></login-module>
        </login-modules>
      </authentication>
    </realm>
  </security>
</gateway-config>
"""


class Backends:
    """Back-ends for the proxy services, in a thread of their own: a TCP echo and a WebSocket
    server from python3-websockets (an implementation independent of Postern's and Qt's)."""

    def __init__(self, tcp_port, ws_port, flood_port):
        self.seen = []  # (sub-protocol, Forwarded) of each WebSocket handshake

        async def tcp_echo(reader, writer):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
            writer.close()

        async def ws_handler(ws, path=None):
            self.seen.append((ws.subprotocol, ws.request_headers.get("Forwarded")))
            async for message in ws:
                if message == "close please":
                    await ws.close(4005, "as asked")
                    return
                await ws.send(message)

        async def flood(reader, writer):
            # 256 MiB toward whoever connects, as fast as it is taken.
            chunk = b"f" * 65536
            for _ in range(4096):
                writer.write(chunk)
                await writer.drain()
            writer.close()

        async def serve():
            await asyncio.start_server(tcp_echo, "127.0.0.1", tcp_port)
            await asyncio.start_server(flood, "127.0.0.1", flood_port)
            await websockets.serve(ws_handler, "127.0.0.1", ws_port, subprotocols=["mqtt", "stomp"])

        self.loop = serve_in_thread(serve, "the back-ends")


async def echo_round_trip(url, ssl_context):
    async with websockets.connect(url, ssl=ssl_context, max_size=None) as ws:
        await ws.send("hello, postern")
        text = await ws.recv()
        payload = bytes(range(256)) * 64  # 16 KiB binary
        await ws.send(payload)
        binary = await ws.recv()
        return text == "hello, postern" and binary == payload and isinstance(binary, bytes)


async def oversize_close_code(url, ssl_context):
    async with websockets.connect(url, ssl=ssl_context, max_size=None) as ws:
        await ws.send(b"x" * (64 * 1024 + 1))
        try:
            await ws.recv()
        except websockets.ConnectionClosed as closed:
            return closed.code
    return None


def run(args):
    work = tempfile.mkdtemp(prefix="postern-interop-")
    try:
        web = os.path.join(work, "web")
        os.mkdir(web)
        with open(os.path.join(web, "index.html"), "w") as f:
            f.write("<h1>interop</h1>\n")
        keystore = os.path.join(work, "keystore.p12")
        password_file = os.path.join(work, "keystore.pw")

        # --- command line ---
        version = subprocess.run([args.posternd, "--version"], capture_output=True, text=True)
        check("posternd --version", version.returncode == 0 and version.stdout.startswith("posternd "), version.stdout)
        help_ = subprocess.run([args.posternd, "--help"], capture_output=True, text=True)
        check("posternd --help", help_.returncode == 0 and "--check" in help_.stdout)
        usage = subprocess.run([args.posternd, "--no-such-option"], capture_output=True, text=True)
        check("posternd unknown option exits 2", usage.returncode == 2, usage.stderr)

        # --- keystore made the way the run command makes it ---
        gen = subprocess.run([args.keytool, "generate", "--keystore", keystore, "--password-file", password_file,
                              "--alias", "localhost", "--dns", "localhost", "--ip", "127.0.0.1"],
                             capture_output=True, text=True)
        check("keytool generate creates keystore and password file",
              gen.returncode == 0 and "SHA-256 fingerprint" in gen.stdout and os.path.exists(password_file), gen.stderr)
        check("keystore and password file are owner-only",
              (os.stat(keystore).st_mode & 0o077) == 0 and (os.stat(password_file).st_mode & 0o077) == 0)
        covered = subprocess.run([args.keytool, "check-host", "--keystore", keystore, "--password-file",
                                  password_file, "localhost"], capture_output=True, text=True)
        not_covered = subprocess.run([args.keytool, "check-host", "--keystore", keystore, "--password-file",
                                      password_file, "example.com"], capture_output=True, text=True)
        check("keytool check-host", covered.returncode == 0 and not_covered.returncode == 3)
        ca_pem = os.path.join(work, "ca.pem")
        exported = subprocess.run(["openssl", "pkcs12", "-in", keystore, "-nokeys", "-passin",
                                   "file:" + password_file, "-out", ca_pem], capture_output=True, text=True)
        check("openssl reads the keystore", exported.returncode == 0, exported.stderr)
        ssl_context = ssl.create_default_context(cafile=ca_pem)

        http_port, tls_port, extra_port = free_port(), free_port(), free_port()
        backend_ports = {"tcp_backend": free_port(), "ws_backend": free_port(), "flood_backend": free_port()}
        backends = Backends(backend_ports["tcp_backend"], backend_ports["ws_backend"], backend_ports["flood_backend"])
        config = os.path.join(work, "gateway-config.xml")

        def write_config(extra="", text=None):
            with open(config, "w") as f:
                f.write(text if text is not None else
                        CONFIG.format(http=http_port, tls=tls_port, web=web, extra=extra, **backend_ports))

        # A users file with an Argon2id hash made by the keytool, as an administrator would.
        hashed = subprocess.run([args.keytool, "hash-password"], input="alice secret\n", capture_output=True, text=True)
        with open(os.path.join(work, "users.xml"), "w") as f:
            f.write("<jaas-config><user><name>alice</name><password>" + hashed.stdout.strip() +
                    "</password><role-name>AUTHORIZED</role-name></user></jaas-config>\n")
        # The token realm's HS256 secret, owner-only.
        jwt_secret = base64.b64encode(os.urandom(33))
        with open(os.open(os.path.join(work, "jwt.secret"), os.O_WRONLY | os.O_CREAT, 0o600), "wb") as f:
            f.write(jwt_secret + b"\n")

        # --- --check ---
        write_config()
        ok = subprocess.run([args.posternd, "--check", "--config", config], capture_output=True, text=True)
        check("--check accepts a valid configuration", ok.returncode == 0 and "valid" in ok.stdout
              and "warning" not in ok.stderr, ok.stderr)
        os.chmod(password_file, 0o644)
        loose = subprocess.run([args.posternd, "--check", "--config", config], capture_output=True, text=True)
        os.chmod(password_file, 0o600)
        check("--check warns about a password file others can read",
              loose.returncode == 0 and "can be read or written by users other than its owner" in loose.stderr,
              loose.stderr)
        bad = CONFIG.format(http=http_port, tls=tls_port, web=web, extra="", **backend_ports).replace(
            "<type>echo</type>", "<type>ekko</type>", 1).replace("64k", "lots")
        write_config(text=bad)
        refused = subprocess.run([args.posternd, "--check", "--config", config], capture_output=True, text=True)
        bad_lines = bad.splitlines()
        service_line = next(i + 1 for i, l in enumerate(bad_lines) if "<name>echo</name>" in l) - 1
        option_line = next(i + 1 for i, l in enumerate(bad_lines) if "lots" in l)
        check("--check lists every problem with file:line:column",
              refused.returncode == 1 and f"{config}:{service_line}:" in refused.stderr
              and f"{config}:{option_line}:" in refused.stderr and "ekko" in refused.stderr
              and "'lots'" in refused.stderr and "2 problem(s)" in refused.stderr, refused.stderr)
        conflict = CONFIG.format(http=http_port, tls=tls_port, web=web, **backend_ports, extra=
                                 f"  <service><name>clash</name><accept>wss://127.0.0.1:{http_port}/x</accept>"
                                 f"<type>echo</type></service>")
        write_config(text=conflict)
        clash = subprocess.run([args.posternd, "--check", "--config", config], capture_output=True, text=True)
        check("--check sees localhost and 127.0.0.1 share a port with and without TLS",
              clash.returncode == 1 and "one with TLS and one without" in clash.stderr, clash.stderr)

        # --- a running gateway ---
        write_config()
        gateway = Gateway(args.posternd, config)
        try:
            check("posternd starts and says where it listens",
                  gateway.wait_for_log(f"listening on localhost:{tls_port} (TLS)"), gateway.log_text())

            conn = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
            conn.request("GET", "/")
            response = conn.getresponse()
            body = response.read()
            check("http GET / serves the web root", response.status == 200 and body == b"<h1>interop</h1>\n")
            conn.request("GET", "/echo")
            response = conn.getresponse()
            response.read()
            check("plain GET to the echo service is 426", response.status == 426
                  and response.getheader("Upgrade") == "websocket")
            conn.close()

            tls_conn = http.client.HTTPSConnection("localhost", tls_port, context=ssl_context, timeout=10)
            tls_conn.request("GET", "/")
            response = tls_conn.getresponse()
            check("https GET / with the keystore's certificate verified", response.status == 200
                  and response.read() == b"<h1>interop</h1>\n")
            tls_conn.close()

            check("ws echo, text and binary (python websockets)",
                  asyncio.run(echo_round_trip(f"ws://localhost:{http_port}/echo", None)))
            check("wss echo, text and binary (python websockets)",
                  asyncio.run(echo_round_trip(f"wss://localhost:{tls_port}/echo", ssl_context)))
            async def refused_origin_status():
                try:
                    async with websockets.connect(f"ws://localhost:{http_port}/echo", origin="https://evil.test"):
                        return 101
                except websockets.exceptions.InvalidStatusCode as refused:
                    return refused.status_code
            async def own_origin_works():
                async with websockets.connect(f"ws://localhost:{http_port}/echo",
                                              origin=f"http://localhost:{http_port}") as ws:
                    await ws.send("same origin")
                    return await ws.recv() == "same origin"
            async def login_status(headers):
                try:
                    async with websockets.connect(f"ws://localhost:{http_port}/secure", extra_headers=headers) as ws:
                        await ws.send("logged in")
                        return 101 if await ws.recv() == "logged in" else 0
                except websockets.exceptions.InvalidStatusCode as refused:
                    return refused.status_code
            basic = lambda user, password: {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}
            async def login_status_over_tls(headers):
                # Over TLS, python3-websockets waits for the server to close a refused handshake.
                try:
                    async with websockets.connect(f"wss://localhost:{tls_port}/secure", ssl=ssl_context,
                                                  extra_headers=headers, open_timeout=5):
                        return 101
                except websockets.exceptions.InvalidStatusCode as refused:
                    return refused.status_code
                except asyncio.TimeoutError:
                    return "timed out: the connection was not closed after the refusal"
            check("a realm challenges a client without credentials (401)", asyncio.run(login_status({})) == 401)
            refused_tls = asyncio.run(login_status_over_tls({}))
            check("a refused wss handshake is answered and closed", refused_tls == 401, str(refused_tls))
            check("a wrong password is refused (401)", asyncio.run(login_status(basic("alice", "wrong"))) == 401)
            check("the right password opens the session", asyncio.run(login_status(basic("alice", "alice secret"))) == 101)
            async def single_sign_on():
                # The first login sets the realm's cookie; the realm's other service takes it alone.
                async with websockets.connect(f"ws://localhost:{http_port}/secure",
                                              extra_headers=basic("alice", "alice secret")) as ws:
                    set_cookie = ws.response_headers.get("Set-Cookie", "")
                cookie = set_cookie.split(";")[0]
                if not cookie.startswith("postern-sso-demo=") or "HttpOnly" not in set_cookie:
                    return "no session cookie: " + set_cookie
                async with websockets.connect(f"ws://localhost:{http_port}/secure-too",
                                              extra_headers={"Cookie": cookie}) as ws:
                    await ws.send("again")
                    if await ws.recv() != "again":
                        return "no echo with the cookie"
                try:
                    async with websockets.connect(f"ws://localhost:{http_port}/api", extra_headers={"Cookie": cookie}):
                        return "another realm took the cookie"
                except websockets.exceptions.InvalidStatusCode as refused:
                    return "ok" if refused.status_code == 401 else f"another realm answered {refused.status_code}"
            sso = asyncio.run(single_sign_on())
            check("single sign-on: the cookie of one login opens the realm's other service, not another realm's",
                  sso == "ok", sso)
            def jwt(claims, secret):
                encode = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=")
                signing_input = encode(b'{"alg":"HS256","typ":"JWT"}') + b"." + encode(json.dumps(claims).encode())
                return (signing_input + b"." + encode(hmac.new(secret, signing_input, hashlib.sha256).digest())).decode()
            async def token_status(token):
                try:
                    async with websockets.connect(f"ws://localhost:{http_port}/api?access_token={token}") as ws:
                        await ws.send("token")
                        return 101 if await ws.recv() == "token" else 0
                except websockets.exceptions.InvalidStatusCode as refused:
                    return refused.status_code
            good_token = jwt({"sub": "robot", "aud": "postern", "exp": int(time.time()) + 60}, jwt_secret)
            check("a JSON Web Token in the query parameter opens the session", asyncio.run(token_status(good_token)) == 101)
            expired_token = jwt({"sub": "robot", "aud": "postern", "exp": int(time.time()) - 60}, jwt_secret)
            check("an expired token is refused (401)", asyncio.run(token_status(expired_token)) == 401)
            wrong_key_token = jwt({"sub": "robot", "aud": "postern", "exp": int(time.time()) + 60}, b"x" * 40)
            check("a token signed with another key is refused (401)", asyncio.run(token_status(wrong_key_token)) == 401)
            async def through_proxies():
                problems = []
                async with websockets.connect(f"ws://localhost:{http_port}/to-tcp") as ws:
                    await ws.send(b"to a tcp back-end")
                    if await ws.recv() != b"to a tcp back-end":
                        problems.append("tcp echo")
                # The back-end chooses from the offer (python3-websockets breaks this tie either way):
                # its choice, whichever, is what the client must be told.
                async with websockets.connect(f"ws://localhost:{http_port}/to-ws", subprotocols=["stomp", "mqtt"]) as ws:
                    await ws.send("text")
                    if await ws.recv() != "text":
                        problems.append("ws text")
                    # Read after a round trip: the back-end's handler has noted its handshake by then.
                    if ws.subprotocol not in ("stomp", "mqtt") or ws.subprotocol != backends.seen[-1][0]:
                        problems.append(f"sub-protocol {ws.subprotocol}, back-end chose {backends.seen[-1][0]}")
                    await ws.send(b"\x00bin")
                    if await ws.recv() != b"\x00bin":
                        problems.append("ws binary")
                    await ws.send("close please")
                    try:
                        await ws.recv()
                    except websockets.exceptions.ConnectionClosed as closed:
                        if (closed.rcvd.code, closed.rcvd.reason) != (4005, "as asked"):
                            problems.append(f"close {closed.rcvd.code} {closed.rcvd.reason}")
                if backends.seen[-1][1] != "for=127.0.0.1;proto=http":
                    problems.append(f"back-end saw {backends.seen[-1]}")
                return problems
            proxied = asyncio.run(through_proxies())
            check("proxy to a tcp back-end and to a python3-websockets back-end (types, sub-protocol, "
                  "Forwarded, close code)", not proxied, proxied)
            # A wss client that never reads while its back-end floods: the gateway's memory must
            # not follow (encrypted bytes waiting count against maximum.pending.bytes too).
            def rss_kib():
                with open(f"/proc/{gateway.process.pid}/status") as status:
                    return int(next(l for l in status if l.startswith("VmRSS")).split()[1])
            before = rss_kib()
            raw = ssl_context.wrap_socket(socket.create_connection(("127.0.0.1", tls_port)), server_hostname="localhost")
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            raw.sendall(b"GET /flood HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        b"Sec-WebSocket-Key: " + base64.b64encode(os.urandom(16)) + b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
            time.sleep(3)
            grown = rss_kib() - before
            raw.close()
            if os.environ.get("POSTERN_SANITIZED"):
                # AddressSanitizer keeps freed memory in quarantine and pads every allocation,
                # so VmRSS measures it, not the gateway; the ordinary build's run checks this.
                print("SKIP   a wss client that does not read does not grow the gateway "
                      f"(VmRSS is not a measure under AddressSanitizer; grew by {grown} KiB)")
            else:
                check("a wss client that does not read does not grow the gateway (back-end flooding)",
                      grown < 16 * 1024, f"VmRSS grew by {grown} KiB")
            # The documented example script lists sessions through the management API.
            async def listed_while_open():
                async with websockets.connect(f"ws://localhost:{http_port}/echo") as ws:
                    await ws.send("keep me open")
                    await ws.recv()
                    env = dict(os.environ, POSTERN_PASSWORD="alice secret")
                    return await asyncio.to_thread(
                        subprocess.run, ["/usr/bin/python3", os.path.join(args.source, "tools/examples/list-sessions.py"),
                                         "--url", f"wss://localhost:{tls_port}/manage", "--user", "alice",
                                         "--cafile", ca_pem, "--service", "echo"],
                        capture_output=True, text=True, env=env, timeout=30)
            listed = asyncio.run(listed_while_open())
            check("tools/examples/list-sessions.py lists an open echo session",
                  listed.returncode == 0 and " echo " in listed.stdout and "1 session(s)" in listed.stdout,
                  listed.stdout + listed.stderr)
            wrong = subprocess.run(["/usr/bin/python3", os.path.join(args.source, "tools/examples/list-sessions.py"),
                                    "--url", f"wss://localhost:{tls_port}/manage", "--user", "alice", "--cafile", ca_pem],
                                   capture_output=True, text=True, env=dict(os.environ, POSTERN_PASSWORD="wrong"), timeout=30)
            check("the example script says why a wrong password is refused",
                  wrong.returncode == 1 and "HTTP 401" in wrong.stderr, wrong.stderr)
            status = asyncio.run(refused_origin_status())
            check("a page from another origin is refused with 403", status == 403, str(status))
            check("a page from the service's own origin is served", asyncio.run(own_origin_works()))
            code = asyncio.run(oversize_close_code(f"ws://localhost:{http_port}/echo", None))
            check("a message over ws.maximum.message.size closes with 1009", code == 1009, str(code))

            # SIGHUP with a broken file: refused, still serving.
            write_config(text=bad)
            gateway.process.send_signal(signal.SIGHUP)
            check("SIGHUP with a broken file is refused and logged", gateway.wait_for_log("reload refused"),
                  gateway.log_text()[-2000:])
            check("the old configuration still serves after a refused reload",
                  asyncio.run(echo_round_trip(f"wss://localhost:{tls_port}/echo", ssl_context)))

            # SIGHUP with a new service on a new port.
            write_config(extra=f"  <service><name>late</name><accept>ws://localhost:{extra_port}/late</accept>"
                               f"<type>echo</type></service>")
            gateway.process.send_signal(signal.SIGHUP)
            check("SIGHUP with a good file reloads", gateway.wait_for_log("configuration reloaded"))
            check("the reloaded service answers",
                  asyncio.run(echo_round_trip(f"ws://localhost:{extra_port}/late", None)))

            # Pipelined GET + upgrade, then FIN at once (a separate process, as a real client is):
            # once such upgrades made sessions that never ended, which SIGTERM then waited for.
            for _ in range(300):
                key = base64.b64encode(os.urandom(16))
                with socket.create_connection(("127.0.0.1", http_port)) as s:
                    s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\nGET /echo HTTP/1.1\r\nHost: localhost\r\n"
                              b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
                              b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    s.shutdown(socket.SHUT_WR)
            time.sleep(1)

            # SIGTERM with an open session: close 1001, exit 0.
            async def terminate_with_session():
                async with websockets.connect(f"wss://localhost:{tls_port}/echo", ssl=ssl_context) as ws:
                    await ws.send("x")
                    await ws.recv()
                    gateway.process.send_signal(signal.SIGTERM)
                    try:
                        await asyncio.wait_for(ws.recv(), 10)
                    except websockets.ConnectionClosed as closed:
                        return closed.code
                return None
            code = asyncio.run(terminate_with_session())
            check("SIGTERM closes sessions with 1001", code == 1001, str(code))
            try:
                exit_code = gateway.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                exit_code = None
            check("SIGTERM exits 0", exit_code == 0, str(exit_code))
            log = gateway.log_text()
            check("no session outlived its client (pipelined upgrades after FIN)",
                  "did not close in time" not in log and "closing 1 session(s)" in log,
                  [l for l in log.splitlines() if "closing" in l or "did not close" in l])
            check("no secret in the log", open(password_file).read().strip() not in log
                  and "alice secret" not in log and "YWxpY2U6" not in log and good_token not in log
                  and expired_token not in log and "postern-sso-demo=" not in log)
        finally:
            gateway.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(run, "posternd", "keytool", "source")
