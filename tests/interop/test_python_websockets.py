#!/usr/bin/python3
"""Interop with Debian's python3-websockets (an implementation independent of Postern's and
Qt's): the client talks to the built posternd's echo service and, through a proxy service, to
a python3-websockets back-end, over ws:// and wss:// (the certificate verified against a test
CA): text (not only ASCII), binary, a fragmented message, 1 MiB messages, ping/pong,
sub-protocol negotiation through the proxy, and close codes and reasons carried both ways.
Prints 'N passed, N failed' and exits non-zero on any failure.

  test_python_websockets.py --posternd PATH --keytool PATH --source DIR"""

import asyncio
import os
import shutil
import ssl
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))

import websockets  # noqa: E402

from posternprocess import Gateway, WebSocketBackend, check, free_port, main, make_test_pki  # noqa: E402

CONFIG = """<?xml version="1.0"?>
<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name>echo</name>
    <accept>ws://localhost:{http}/echo</accept>
    <accept>wss://localhost:{tls}/echo</accept>
    <type>echo</type>
    <accept-options><ws.maximum.message.size>2m</ws.maximum.message.size></accept-options>
  </service>
  <service>
    <name>to-ws</name>
    <accept>ws://localhost:{http}/to-ws</accept>
    <accept>wss://localhost:{tls}/to-ws</accept>
    <connect>ws://127.0.0.1:{backend}/chat</connect>
    <type>proxy</type>
    <accept-options><ws.maximum.message.size>2m</ws.maximum.message.size></accept-options>
  </service>
  <security>
    <keystore>
      <file>keystore.p12</file>
      <password-file>keystore.pw</password-file>
    </keystore>
  </security>
</gateway-config>
"""

MIB = 1 << 20


async def exchanges(url, context):
    """Each round trip's problem, or nothing when all came back intact."""
    problems = []
    async with websockets.connect(url, ssl=context, max_size=4 * MIB) as ws:
        for message in ["hello, postern", "héllo ✓ 𝄞 — ☃", "", bytes(range(256)), b""]:
            await ws.send(message)
            echoed = await ws.recv()
            if echoed != message or type(echoed) is not type(message):
                problems.append(f"{message!r:.40} came back as {echoed!r:.40}")
        await ws.send(["frag", "mented ", "tëxt"])  # one message in three frames
        if (echoed := await ws.recv()) != "fragmented tëxt":
            problems.append(f"fragmented text came back as {echoed!r:.40}")
        big_binary = os.urandom(MIB)
        await ws.send(big_binary)
        if await ws.recv() != big_binary:
            problems.append("1 MiB binary")
        big_text = ("0123456789abcdé" * (MIB // 16 + 1))[:MIB]
        await ws.send(big_text)
        if await ws.recv() != big_text:
            problems.append("1 MiB text")
        pong = await ws.ping(b"are you there")  # python3-websockets checks the pong's payload
        try:
            await asyncio.wait_for(pong, 10)
        except asyncio.TimeoutError:
            problems.append("no pong")
    return problems


async def client_close(url, context, code, reason):
    """Closes with code and reason; returns what the other end answered with."""
    async with websockets.connect(url, ssl=context) as ws:
        await ws.send("before closing")
        await ws.recv()
        await ws.close(code, reason)
        return (ws.close_rcvd.code, ws.close_rcvd.reason) if ws.close_rcvd else None


async def backend_close(url, context, code, reason):
    """Asks the back-end to close with code and reason; returns what the client received."""
    async with websockets.connect(url, ssl=context) as ws:
        await ws.send(f"close {code} {reason}")
        try:
            await asyncio.wait_for(ws.recv(), 10)
        except websockets.ConnectionClosed:
            pass
        await ws.wait_closed()
        return (ws.close_rcvd.code, ws.close_rcvd.reason) if ws.close_rcvd else None


async def negotiated(url, context, offer):
    async with websockets.connect(url, ssl=context, subprotocols=offer) as ws:
        await ws.send("which")
        await ws.recv()
        return ws.subprotocol


def run(args):
    work = tempfile.mkdtemp(prefix="postern-python-interop-")
    try:
        ca = make_test_pki(args.keytool, work)
        context = ssl.create_default_context(cafile=ca)
        http, tls, backend_port = free_port(), free_port(), free_port()
        backend = WebSocketBackend(backend_port)
        config = os.path.join(work, "gateway-config.xml")
        with open(config, "w") as f:
            f.write(CONFIG.format(http=http, tls=tls, backend=backend_port))
        gateway = Gateway(args.posternd, config)
        try:
            check("posternd starts with a keystore signed by the test CA",
                  gateway.wait_for_log(f"listening on localhost:{tls} (TLS)"), gateway.log_text())
            for scheme, port, ctx in (("ws", http, None), ("wss", tls, context)):
                echo = f"{scheme}://localhost:{port}/echo"
                proxy = f"{scheme}://localhost:{port}/to-ws"
                for name, url in (("echo", echo), ("proxy to a python3-websockets back-end", proxy)):
                    problems = asyncio.run(exchanges(url, ctx))
                    check(f"{scheme} {name}: text, UTF-8, empty, binary, fragmented, 1 MiB text and binary, ping",
                          not problems, problems)

                answered = asyncio.run(client_close(echo, ctx, 4001, "client done"))
                # RFC 6455 5.5.1: the answer typically echoes the code; the reason is the endpoint's own.
                check(f"{scheme} echo: a client's close 4001 is answered with 4001",
                      answered is not None and answered[0] == 4001, str(answered))
                before = len(backend.connections)
                answered = asyncio.run(client_close(proxy, ctx, 4002, "client leaves"))
                deadline = time.time() + 10  # the back-end notes the close in its own thread, on its own time
                while backend.connections[before]["close_code"] is None and time.time() < deadline:
                    time.sleep(0.02)
                reached = backend.connections[before]["close_code"], backend.connections[before]["close_reason"]
                check(f"{scheme} proxy: the client's close 4002 and its reason reach the back-end and its answer "
                      "comes back", reached == (4002, "client leaves") and answered == (4002, "client leaves"),
                      f"back-end got {reached}, client got {answered}")
                answered = asyncio.run(client_close(proxy, ctx, 1000, "bye"))
                check(f"{scheme} proxy: a normal close 1000 is carried through", answered == (1000, "bye"), str(answered))
                received = asyncio.run(backend_close(proxy, ctx, 4005, "back-end says so"))
                check(f"{scheme} proxy: the back-end's close 4005 and its reason reach the client",
                      received == (4005, "back-end says so"), str(received))
                received = asyncio.run(backend_close(proxy, ctx, 1001, "going away"))
                check(f"{scheme} proxy: the back-end's 1001 reaches the client", received == (1001, "going away"),
                      str(received))

                chosen = asyncio.run(negotiated(proxy, ctx, ["stomp"]))
                seen = backend.connections[-1]
                check(f"{scheme} proxy: the offered sub-protocol reaches the back-end and its choice the client",
                      chosen == "stomp" and seen["offered"] == "stomp" and seen["chosen"] == "stomp",
                      f"client {chosen}, back-end {seen}")
                chosen = asyncio.run(negotiated(proxy, ctx, ["amqp", "mqtt"]))
                seen = backend.connections[-1]
                check(f"{scheme} proxy: of several offered, the back-end's choice is the client's",
                      chosen == "mqtt" and seen["chosen"] == "mqtt" and seen["offered"] == "amqp, mqtt",
                      f"client {chosen}, back-end {seen}")
                chosen = asyncio.run(negotiated(proxy, ctx, ["amqp"]))
                check(f"{scheme} proxy: none the back-end speaks, none chosen (the session still opens)",
                      chosen is None and backend.connections[-1]["chosen"] is None, str(chosen))
                check(f"{scheme} proxy: the back-end is asked for the connect URL's path",
                      backend.connections[-1]["path"] == "/chat", str(backend.connections[-1]["path"]))
            log = gateway.log_text()
            check("the gateway logged the proxied sessions' ends with who closed, the code and the reason",
                  "service=to-ws " in log and 'ending="client closed with 4002 \\"client leaves\\""' in log
                  and 'ending="back-end closed with 4005 \\"back-end says so\\""' in log, log[-2000:])
        finally:
            gateway.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(run, "posternd", "keytool")
