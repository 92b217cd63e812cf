#!/usr/bin/python3
"""Two posternd processes as one cluster (docs/cluster.md), with Debian's redis-server and
haproxy, all on loopback on free ports; clients are python3-websockets and http.client:

- a broadcast from a TCP line source reaches clients on both nodes, each message once, from
  one source connection; a client's message on node A reaches a client on node B;
- a single sign-on cookie from a login on node A opens a session on node B, and a logout on A
  is honoured on B;
- redis-server stopped: both nodes stay up and serve their own clients (each connects the
  source itself); redis-server started again on the same port: the cluster is whole again
  (one source connection, A's clients reach B's) without restarting the gateways;
- conf/haproxy-cluster.cfg (shown in docs/cluster.md), run as it is by haproxy: ws and wss clients through it land on
  both nodes and get the broadcast; with node B killed, new ws and wss clients still get in
  and get the broadcast; node B started again is seen healthy by both backends' checks.

Prints 'N passed, N failed' and exits non-zero on any failure.

    test_cluster_processes.py --posternd build/server/posternd \\
        --keytool build/tools/keytool/postern-keytool --source .
"""

import asyncio
import base64
import http.client
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))

import websockets  # noqa: E402

from posternprocess import RESULTS, Gateway, LoggedProcess, check, free_port, main, make_test_pki  # noqa: E402

NODE_CONFIG = """<?xml version="1.0"?>
<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name>b</name>
    <accept>ws://localhost:{ws}/b</accept>
    <accept>wss://localhost:{wss}/b</accept>
    <connect>tcp://127.0.0.1:{source}</connect>
    <type>broadcast</type>
    <properties>
      <source.framing>newline</source.framing>
      <on.client.message>broadcast</on.client.message>
      <reconnect.delay>100</reconnect.delay>
      <reconnect.maximum.delay>1s</reconnect.maximum.delay>
    </properties>
  </service>
  <service>
    <name>chat</name>
    <accept>ws://localhost:{ws}/chat</accept>
    <type>echo</type>
    <realm-name>sso</realm-name>
  </service>
  <service>
    <name>login</name>
    <accept>http://localhost:{ws}/login</accept>
    <type>login</type>
    <realm-name>sso</realm-name>
  </service>
  <security>
    <keystore><file>keystore.p12</file><password-file>keystore.pw</password-file></keystore>
    <realm>
      <name>sso</name>
      <authentication>
        <http-challenge-scheme>Basic</http-challenge-scheme>
        <authorization-mode>recycle</authorization-mode>
        <session-cookie><key-file>sso.key</key-file></session-cookie>
        <login-modules>
          <login-module><type>file</type><options><file>users.xml</file></options></login-module>
        </login-modules>
      </authentication>
    </realm>
  </security>
  <cluster>
    <name>{name}</name>
    <connect>redis://127.0.0.1:{redis}</connect>
    <password-file>redis.pw</password-file>
  </cluster>
</gateway-config>
"""


def write_secret(path, text):
    """An owner-only file from the start (as posternd wants its password and key files)."""
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(text)


async def wait_until(predicate, timeout=15):
    """Whether predicate() holds within `timeout` seconds, polling while the event loop runs."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.05)
    return True


class LineSource:
    """The broadcast's source: a TCP server the nodes connect to; a line sent goes to every
    connection it has at the time."""

    def __init__(self):
        self.writers = []

    async def start(self):
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader, writer):
        self.writers.append(writer)
        try:
            while await reader.read(4096):  # a node sends nothing: the end of input is its leaving
                pass
        except ConnectionError:
            pass
        finally:
            self.writers.remove(writer)
            writer.close()

    def connections(self):
        return len(self.writers)

    async def send(self, line):
        for writer in list(self.writers):
            writer.write(line.encode() + b"\n")
            await writer.drain()

    def close(self):
        self.server.close()
        for writer in self.writers:
            writer.close()


class Client:
    """A python3-websockets client that keeps every message it receives."""

    def __init__(self, ws):
        self.ws = ws
        self.messages = []
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, url, ssl_context=None, headers=None):
        return cls(await websockets.connect(url, ssl=ssl_context, extra_headers=headers, open_timeout=15))

    async def _read(self):
        try:
            async for message in self.ws:
                self.messages.append(message)
        except websockets.ConnectionClosed:
            pass

    async def close(self):
        await self.ws.close()
        await self.reader


async def open_all(urls, ssl_context=None):
    """Clients on every URL, opened one after the other; the error text if one cannot open."""
    clients = []
    for url in urls:
        try:
            clients.append(await Client.open(url, ssl_context))
        except (OSError, asyncio.TimeoutError, websockets.WebSocketException) as e:
            for client in clients:
                await client.close()
            return None, f"{url}: {e!r}"
    return clients, ""


async def close_all(clients):
    for client in clients:
        await client.close()


async def probe(label, send, clients, timeout=30):
    """Sends 'LABEL N' messages through `send` until every client has seen one: the way through
    (source lease, Redis subscriptions) is up. Each call has a label of its own, so that what
    an earlier probe left cannot count."""
    deadline = time.monotonic() + timeout
    n = 0
    while time.monotonic() < deadline:
        n += 1
        await send(f"{label} {n}")
        if await wait_until(lambda: all(any(str(m).startswith(label + " ") for m in c.messages) for c in clients), 0.5):
            return True
    return False


async def delivered_once(source, clients, text):
    """Sends `text` and then an end marker from the source: whether every client got the
    marker, with `text` exactly once before it (the marker comes the same way, so a second
    copy of `text` would come before it)."""
    marker = text + " [end]"
    await source.send(text)
    await source.send(marker)
    if not await wait_until(lambda: all(marker in c.messages for c in clients), 15):
        return False
    return all(c.messages[:c.messages.index(marker)].count(text) == 1 for c in clients)


def http_request(port, method, path, headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.getheader("Set-Cookie", ""), body


async def handshake_status(url, headers):
    """101 with an echo, or the HTTP status of the refused handshake."""
    try:
        async with websockets.connect(url, extra_headers=headers, open_timeout=15) as ws:
            await ws.send("hello")
            return 101 if await ws.recv() == "hello" else "no echo"
    except websockets.exceptions.InvalidStatusCode as refused:
        return refused.status_code


def redis_connections(gateway, name):
    """How often the node has logged its command and its subscriber connection to Redis as made."""
    log = gateway.log_text()
    return tuple(log.count(f"cluster node '{name}' ({role}): connected to") for role in ("commands", "subscriber"))


def session_ends(gateway):
    """How many sessions of the broadcast service the node has logged as ended."""
    return len(re.findall(r"session-end id=\d+ service=b ", gateway.log_text()))


class Redis(LoggedProcess):
    """redis-server on loopback with a password, nothing saved to disk."""

    def __init__(self, work, conf, generation):
        super().__init__(["redis-server", conf], os.path.join(work, f"redis-{generation}.log"))

    @staticmethod
    def write_config(work, port, password):
        conf = os.path.join(work, "redis.conf")
        write_secret(conf, f'port {port}\nbind 127.0.0.1\nrequirepass {password}\nsave ""\nappendonly no\n'
                           f"dir {work}\n")
        return conf


class Cluster:
    """What the test runs: Redis, the source, two nodes (A and B) and later HAProxy."""

    def __init__(self, args, work):
        self.args, self.work = args, work
        self.ca = make_test_pki(args.keytool, work)
        self.tls = ssl.create_default_context(cafile=self.ca)
        self.user_password = secrets.token_urlsafe(18)
        hashed = subprocess.run([args.keytool, "hash-password"], input=self.user_password + "\n",
                                capture_output=True, text=True, check=True).stdout.strip()
        with open(os.path.join(work, "users.xml"), "w") as f:
            f.write(f"<jaas-config><user><name>alice</name><password>{hashed}</password>"
                    "<role-name>AUTHORIZED</role-name></user></jaas-config>\n")
        write_secret(os.path.join(work, "sso.key"), secrets.token_urlsafe(48) + "\n")  # shared by the nodes
        redis_password = secrets.token_urlsafe(24)
        write_secret(os.path.join(work, "redis.pw"), redis_password + "\n")
        self.redis_port = free_port()
        self.redis_conf = Redis.write_config(work, self.redis_port, redis_password)
        self.redis_generation = 0
        self.redis = None
        self.ports = {"a": (free_port(), free_port()), "b": (free_port(), free_port())}  # ws, wss
        self.nodes = {}
        self.haproxy = None
        self.haproxy_ports = (free_port(), free_port())  # ws, wss
        self.source = LineSource()

    def start_redis(self):
        self.redis_generation += 1
        self.redis = Redis(self.work, self.redis_conf, self.redis_generation)
        return self.redis.wait_for_log("Ready to accept connections")

    def start_node(self, node):
        ws, wss = self.ports[node]
        config = os.path.join(self.work, f"node-{node}.xml")
        with open(config, "w") as f:
            f.write(NODE_CONFIG.format(name=f"node-{node}", ws=ws, wss=wss, source=self.source.port,
                                       redis=self.redis_port))
        gateway = Gateway(self.args.posternd, config)
        self.nodes[node] = gateway
        return gateway.wait_listening(wss, tls=True)

    def url(self, node, path="/b", tls=False):
        ws, wss = self.ports[node]
        return f"wss://localhost:{wss}{path}" if tls else f"ws://localhost:{ws}{path}"

    def stop(self):
        for process in [self.haproxy, *self.nodes.values(), self.redis]:
            if process:
                process.stop()
        self.source.close()


async def cluster_over_redis(c):
    a, b = c.nodes["a"], c.nodes["b"]
    check("both nodes connect to Redis (commands and subscriber)",
          await wait_until(lambda: redis_connections(a, "node-a") == redis_connections(b, "node-b") == (1, 1)),
          a.log_text()[-800:] + b.log_text()[-800:])
    on_a, on_b = await Client.open(c.url("a")), await Client.open(c.url("b", tls=True), c.tls)
    check("one node holds the source: one source connection for two nodes",
          await wait_until(lambda: c.source.connections() == 1, 20), c.source.connections())
    check("the way from the source to both nodes is up", await probe("first probe", c.source.send, [on_a, on_b]))
    check("a source line reaches the client on node A (ws) and the client on node B (wss), once each",
          await delivered_once(c.source, [on_a, on_b], "tick 1"), (on_a.messages[-4:], on_b.messages[-4:]))
    check("still one source connection", c.source.connections() == 1, c.source.connections())
    await on_a.ws.send("from a client on node A")
    check("a client's message on node A reaches the client on node B (through Redis)",
          await wait_until(lambda: "from a client on node A" in on_b.messages), on_b.messages[-4:])
    check("and not its sender", "from a client on node A" not in on_a.messages)
    await close_all([on_a, on_b])


async def single_sign_on(c):
    port_a, port_b = c.ports["a"][0], c.ports["b"][0]
    credentials = base64.b64encode(f"alice:{c.user_password}".encode()).decode()
    status, set_cookie, _ = http_request(port_a, "POST", "/login",
                                         {"Authorization": "Basic " + credentials, "Postern-Login": "1"})
    cookie = set_cookie.split(";")[0]
    check("a login at node A's login service gives the realm's cookie",
          status == 200 and cookie.startswith("postern-sso-sso="), f"{status} {set_cookie[:40]}")
    status, _, body = http_request(port_b, "GET", "/login", {"Cookie": cookie})
    check("node B knows who the cookie of node A stands for", status == 200 and b'"alice"' in body, f"{status} {body}")
    status = await handshake_status(c.url("b", "/chat"), {"Cookie": cookie})
    check("the cookie of node A opens a session of the realm on node B", status == 101, status)
    status = await handshake_status(c.url("b", "/chat"), {})
    check("node B asks for a login without it (401)", status == 401, status)
    status, _, body = http_request(port_a, "DELETE", "/login",
                                   {"Cookie": cookie, "Postern-Login": "1", "Origin": f"http://localhost:{port_a}"})
    check("a logout on node A", status == 200 and b'"revoked":true' in body.replace(b" ", b""), f"{status} {body}")
    check("node B refuses the cookie after the logout on node A (401)",
          await wait_until(lambda: http_request(port_b, "GET", "/login", {"Cookie": cookie})[0] == 401, 10))
    status = await handshake_status(c.url("b", "/chat"), {"Cookie": cookie})
    check("and opens no session with it", status == 401, status)


async def redis_away_and_back(c):
    a, b = c.nodes["a"], c.nodes["b"]
    on_a, on_a2 = await Client.open(c.url("a")), await Client.open(c.url("a", tls=True), c.tls)
    on_b = await Client.open(c.url("b"))
    check("the way from the source is up before Redis stops",
          await probe("probe before redis stops", c.source.send, [on_a, on_a2, on_b]))

    c.redis.stop()
    check("both nodes notice that Redis is lost",
          await wait_until(lambda: re.search(r"cluster node 'node-a' \(\w+\): redis://\S+ lost", a.log_text())
                           and re.search(r"cluster node 'node-b' \(\w+\): redis://\S+ lost", b.log_text())),
          a.log_text()[-800:] + b.log_text()[-800:])
    check("without Redis, each node connects the source itself (two source connections)",
          await wait_until(lambda: c.source.connections() == 2, 20), c.source.connections())
    late_a, late_b = await Client.open(c.url("a")), await Client.open(c.url("b", tls=True), c.tls)
    clients = [on_a, on_a2, on_b, late_a, late_b]
    check("without Redis, every client (old and new, on both nodes) gets a source line once, from its own node",
          await delivered_once(c.source, clients, "while redis is down"), [m.messages[-3:] for m in clients])
    await on_a.ws.send("local while redis is down")
    check("without Redis, a client's message on node A reaches the other clients on node A",
          await wait_until(lambda: all("local while redis is down" in m.messages for m in (on_a2, late_a))))
    check("both posternd processes are still running", a.running() and b.running())
    pids = (a.pid, b.pid)

    check("redis-server starts again on the same port", c.start_redis(), c.redis.log_text()[-500:])
    check("both nodes connect to Redis again (commands and subscriber)",
          await wait_until(lambda: redis_connections(a, "node-a") == redis_connections(b, "node-b") == (2, 2), 30),
          a.log_text()[-800:] + b.log_text()[-800:])
    check("with Redis back, one node holds the source again (one source connection)",
          await wait_until(lambda: c.source.connections() == 1, 30), c.source.connections())
    check("with Redis back, clients on node A reach clients on node B again",
          await probe("client probe after redis is back", on_a.ws.send, [on_b, late_b]))
    check("with Redis back, every client gets a source line once",
          await delivered_once(c.source, clients, "after redis is back"), [m.messages[-3:] for m in clients])
    check("the gateways were not restarted", (a.pid, b.pid) == pids and a.running() and b.running())
    await close_all(clients)


async def through_haproxy(c):
    haproxy = shutil.which("haproxy")
    if not check("haproxy is installed (scripts/deps.sh installs it)", haproxy is not None):
        return
    config = os.path.join(c.args.source, "conf", "haproxy-cluster.cfg")
    with open(config) as f:
        body = f.read()
    body = body[body.index("\nglobal\n") + 1:]
    with open(os.path.join(c.args.source, "docs", "cluster.md")) as f:
        check("docs/cluster.md shows conf/haproxy-cluster.cfg as it is (after its comment header)",
              "```\n" + body + "```\n" in f.read())
    check("haproxy -c accepts conf/haproxy-cluster.cfg",
          subprocess.run([haproxy, "-c", "-q", "-f", config], env=haproxy_environment(c)).returncode == 0)
    ws_port, wss_port = c.haproxy_ports
    c.haproxy = LoggedProcess([haproxy, "-db", "-f", config], os.path.join(c.work, "haproxy.log"),
                              env=haproxy_environment(c))
    check("haproxy listens for ws and wss", await wait_until(lambda: accepts(ws_port) and accepts(wss_port)),
          c.haproxy.log_text()[-1500:])
    a, b = c.nodes["a"], c.nodes["b"]
    for scheme, port, context in (("ws", ws_port, None), ("wss", wss_port, c.tls)):
        before = (session_ends(a), session_ends(b))
        clients, error = await open_all([f"{scheme}://localhost:{port}/b"] * 4, context)
        if not check(f"haproxy: four {scheme} clients connect through it", clients is not None, error):
            continue
        check(f"haproxy: the {scheme} clients get the broadcast",
              await probe(f"haproxy {scheme} probe", c.source.send, clients))
        check(f"haproxy: every {scheme} client gets a source line once",
              await delivered_once(c.source, clients, f"through haproxy over {scheme}"))
        await close_all(clients)
        check(f"haproxy: the four {scheme} sessions ended on the nodes",
              await wait_until(lambda: session_ends(a) + session_ends(b) - sum(before) == 4))
        spread = (session_ends(a) - before[0], session_ends(b) - before[1])
        check(f"haproxy: the {scheme} clients were spread over both nodes (sessions on A and on B: {spread})",
              spread[0] > 0 and spread[1] > 0, spread)
    check("haproxy never found a node down while both ran", " is DOWN" not in c.haproxy.log_text(),
          c.haproxy.log_text()[-1500:])

    b.stop()  # SIGKILL: no drain, as when a machine dies
    for scheme, port, context in (("ws", ws_port, None), ("wss", wss_port, c.tls)):
        before = session_ends(a)
        clients, error = await open_all([f"{scheme}://localhost:{port}/b"] * 4, context)
        if not check(f"node B killed: four new {scheme} clients still connect through haproxy", clients is not None,
                     error):
            continue
        check(f"node B killed: the new {scheme} clients get the broadcast (node A holds the source)",
              await probe(f"node B gone, {scheme} probe", c.source.send, clients))
        check(f"node B killed: every new {scheme} client gets a source line once",
              await delivered_once(c.source, clients, f"node B gone, {scheme}"))
        await close_all(clients)
        check(f"node B killed: the new {scheme} clients were all on node A",
              await wait_until(lambda: session_ends(a) - before == 4), session_ends(a) - before)
    for backend in ("postern_ws_nodes", "postern_wss_nodes"):
        check(f"haproxy's checks mark node B down in {backend}",
              await wait_until(lambda: f"{backend}/gw-2 is DOWN" in c.haproxy.log_text(), 20),
              c.haproxy.log_text()[-1500:])

    check("node B starts again", c.start_node("b"), c.nodes["b"].log_text()[-800:])
    for backend in ("postern_ws_nodes", "postern_wss_nodes"):
        check(f"haproxy's checks (426 from the WebSocket service{', over verified TLS' if 'wss' in backend else ''}) "
              f"find node B up again in {backend}",
              await wait_until(lambda: f"{backend}/gw-2 is UP" in c.haproxy.log_text(), 30),
              c.haproxy.log_text()[-1500:])


def accepts(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return True
    except OSError:
        return False


def haproxy_environment(c):
    ws_port, wss_port = c.haproxy_ports
    return dict(os.environ,
                POSTERN_WS_BIND=f"127.0.0.1:{ws_port}", POSTERN_WSS_BIND=f"127.0.0.1:{wss_port}",
                POSTERN_GW1_WS=f"127.0.0.1:{c.ports['a'][0]}", POSTERN_GW1_WSS=f"127.0.0.1:{c.ports['a'][1]}",
                POSTERN_GW2_WS=f"127.0.0.1:{c.ports['b'][0]}", POSTERN_GW2_WSS=f"127.0.0.1:{c.ports['b'][1]}",
                POSTERN_HOST="localhost", POSTERN_CA_FILE=c.ca, POSTERN_CHECK_PATH="/b")


async def run_async(args, work):
    if not check("redis-server is installed (scripts/deps.sh installs it)", shutil.which("redis-server") is not None):
        return
    c = Cluster(args, work)
    await c.source.start()
    try:
        check("redis-server starts", c.start_redis(), c.redis.log_text()[-500:])
        for node in ("a", "b"):
            check(f"posternd node-{node} starts", c.start_node(node), c.nodes[node].log_text()[-1500:])
        for part in (cluster_over_redis, single_sign_on, redis_away_and_back, through_haproxy):
            try:
                await part(c)
            except Exception:  # one part's crash must not hide the others' results
                check(part.__name__, False, traceback.format_exc())
        for name, gateway in c.nodes.items():
            log = gateway.log_text()
            check(f"node-{name}'s log holds no secret", c.user_password not in log and "postern-sso-sso=" not in log
                  and open(os.path.join(work, "redis.pw")).read().strip() not in log)
    finally:
        c.stop()
        if RESULTS["failed"]:
            for name, path in [("node-a", "node-a.xml.log"), ("node-b", "node-b.xml.log"), ("haproxy", "haproxy.log")]:
                full = os.path.join(work, path)
                if os.path.exists(full):
                    print(f"--- {name} log (last 40 lines) ---")
                    with open(full, errors="replace") as f:
                        print("".join(f.readlines()[-40:]))


def run(args):
    work = tempfile.mkdtemp(prefix="postern-cluster-")
    try:
        asyncio.run(run_async(args, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(run, "posternd", "keytool", "source")
