#!/usr/bin/python3
"""posternd's process life as systemd and log shippers see it, with the built posternd as a
process: sd_notify messages on a NOTIFY_SOCKET this test owns (READY, WATCHDOG pings,
RELOADING then READY on SIGHUP whether the reload is applied or refused, STOPPING on
SIGTERM), the same without NOTIFY_SOCKET and with a socket nobody listens on; log levels
changed by a reload without a restart; and the format of the session-end and refusal lines.
Prints 'N passed, N failed' and exits non-zero on any failure."""

import asyncio
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))

import websockets  # noqa: E402

from posternprocess import Gateway, check, free_port, main  # noqa: E402

def config_text(port, logging=""):
    return f"""<?xml version="1.0"?>
<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name>echo</name>
    <accept>ws://localhost:{port}/echo</accept>
    <type>echo</type>
  </service>
  {logging}
</gateway-config>
"""


class Notifications:
    """The unix datagram socket systemd would own: every message posternd sends, in order."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.messages = []

    def wait_for(self, predicate, timeout=15):
        """The first message (after those already seen) for which predicate(fields) holds."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.time()))
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                break
            fields = dict(line.split("=", 1) for line in data.decode().splitlines() if "=" in line)
            self.messages.append(fields)
            if predicate(fields):
                return fields
        return None

    def close(self):
        self.sock.close()


def http_status(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    status = connection.getresponse().status
    connection.close()
    return status


async def echo_session(port):
    async with websockets.connect(f"ws://localhost:{port}/echo") as ws:
        await ws.send("hello")
        answer = await ws.recv()
        await ws.close(1000, 'bye "now"')
    return answer


# The documented formats (docs/operations.md, "Log format").
LINE = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO |WARN |ERROR) postern\.[a-z]+: "
VALUE = r'(?:[A-Za-z0-9._:/@+\-\[\]%,]+|"(?:[^"\\]|\\.)*")'
SESSION_END = (LINE + r"session-end id=\d+ service=echo client=127\.0\.0\.1:\d+ close_sent=1000 close_received=1000 "
               r'ending="client closed with 1000 \\"bye \\"now\\"\\"" msgs_in=1 bytes_in=5 msgs_out=1 bytes_out=5 '
               r"duration_ms=\d+$")
REFUSAL = (LINE + r"refused client=127\.0\.0\.1:\d+ listener=localhost:(\d+) service=echo(?: request=" + VALUE + r")? status=400 "
           r"reason=" + VALUE + "$")


def check_unit(args):
    """conf/posternd.service passes systemd's own checker (with ExecStart pointing to the built
    posternd, since it names the installed path). Needs systemd-analyze, not a running systemd."""
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        check("systemd-analyze is installed (scripts/deps.sh installs systemd)", False)
        return
    with open(os.path.join(args.source, "conf", "posternd.service")) as f:
        unit = f.read()
    for setting in ("Type=notify", "ExecReload=/bin/kill -HUP $MAINPID", "NoNewPrivileges=yes", "ProtectSystem=strict",
                    "PrivateTmp=yes", "CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "WatchdogSec="):
        check(f"the unit has {setting}", setting in unit)
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "posternd.service")
        with open(path, "w") as f:
            f.write(unit.replace("/usr/bin/posternd", os.path.abspath(args.posternd)))
        verify = subprocess.run([analyze, "verify", path], capture_output=True, text=True)
        check("systemd-analyze verify conf/posternd.service", verify.returncode == 0 and not verify.stderr.strip(),
              verify.stderr)


def run(args):
    check_unit(args)

    with tempfile.TemporaryDirectory() as work:
        port = free_port()
        config = os.path.join(work, "gateway-config.xml")
        with open(config, "w") as f:
            f.write(config_text(port))

        # --- systemd notifications, the watchdog, reload and stop ---
        notify_path = os.path.join(work, "notify")
        notes = Notifications(notify_path)
        env = dict(os.environ, NOTIFY_SOCKET=notify_path, WATCHDOG_USEC="200000")
        env.pop("WATCHDOG_PID", None)
        gateway = Gateway(args.posternd, config, env)
        try:
            ready = notes.wait_for(lambda m: m.get("READY") == "1")
            check("READY=1 once the listeners are up", ready is not None, str(notes.messages))
            check("READY comes with a STATUS line", ready is not None and "serving 1 service(s)" in ready.get("STATUS", ""),
                  str(ready))
            check("the gateway answers when it said READY", http_status(port, "/nothing") == 404)
            pings = 0
            for _ in range(3):
                if notes.wait_for(lambda m: m.get("WATCHDOG") == "1", timeout=10):
                    pings += 1
            check("WATCHDOG=1 pings arrive (WATCHDOG_USEC=200000: one every 100 ms)", pings == 3, str(pings))

            # --- log levels: postern.frontdoor at debug after a reload, without a restart ---
            check("a 404 is not logged at the default level", "/nothing" not in gateway.log_text())
            with open(config, "w") as f:
                f.write(config_text(port, "<logging><postern.frontdoor>debug</postern.frontdoor></logging>"))
            gateway.process.send_signal(signal.SIGHUP)
            reloading = notes.wait_for(lambda m: "RELOADING" in m)
            check("SIGHUP: RELOADING=1", reloading is not None and reloading.get("RELOADING") == "1", str(notes.messages[-3:]))
            check("RELOADING carries MONOTONIC_USEC",
                  reloading is not None and reloading.get("MONOTONIC_USEC", "").isdigit(), str(reloading))
            ready = notes.wait_for(lambda m: m.get("READY") == "1")
            check("READY=1 after the reload, with a STATUS that says it was applied",
                  ready is not None and ready.get("STATUS", "").startswith("reloaded"), str(ready))
            check("a 404 after the reload", http_status(port, "/nowhere-after-reload") == 404)
            check("postern.frontdoor at debug level: the 404 is logged now",
                  gateway.wait_for_pattern(r"DEBUG postern\.frontdoor: refused .*request=\"GET /nowhere-after-reload\" status=404") is not None,
                  gateway.log_text()[-2000:])

            # --- the session-end line and a refusal line, in their documented format ---
            check("an echo session", asyncio.run(echo_session(port)) == "hello")
            match = gateway.wait_for_pattern(r"^.*session-end .*$")
            check("a session-end line in the documented format",
                  match is not None and re.match(SESSION_END, match.group(0)) is not None, match.group(0) if match else "none")
            status = http_status(port, "/echo", {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13"})
            check("an upgrade without Sec-WebSocket-Key is refused with 400", status == 400, str(status))
            match = gateway.wait_for_pattern(r"^.*refused .*status=400.*$")
            check("a refusal line in the documented format",
                  match is not None and re.match(REFUSAL, match.group(0)) is not None, match.group(0) if match else "none")

            # --- levels go back down, again without a restart ---
            with open(config, "w") as f:
                f.write(config_text(port, "<logging><postern>warning</postern></logging>"))
            gateway.process.send_signal(signal.SIGHUP)
            check("READY after the second reload", notes.wait_for(lambda m: m.get("READY") == "1") is not None)
            before = len(re.findall("session-end", gateway.log_text()))
            check("another echo session", asyncio.run(echo_session(port)) == "hello")

            # A refused reload: RELOADING, then READY with a STATUS that says so (logged at warning).
            with open(config, "w") as f:
                f.write("<gateway-config><service>")
            gateway.process.send_signal(signal.SIGHUP)
            check("a broken file: RELOADING=1", notes.wait_for(lambda m: m.get("RELOADING") == "1") is not None)
            ready = notes.wait_for(lambda m: m.get("READY") == "1")
            check("a broken file: READY=1 again, STATUS says the reload was refused",
                  ready is not None and ready.get("STATUS", "").startswith("reload refused"), str(ready))
            check("the refusal is logged", gateway.wait_for_pattern("reload refused") is not None)
            check("every category at warning: the session's end was not logged",
                  len(re.findall("session-end", gateway.log_text())) == before, gateway.log_text()[-1500:])
            check("the gateway still serves after the refused reload", asyncio.run(echo_session(port)) == "hello")

            gateway.process.send_signal(signal.SIGTERM)
            stopping = notes.wait_for(lambda m: m.get("STOPPING") == "1")
            check("SIGTERM: STOPPING=1", stopping is not None, str(notes.messages[-3:]))
            try:
                code = gateway.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                code = None
            check("exit 0 after the drain", code == 0, str(code))
        finally:
            gateway.stop()
            notes.close()

        # --- without NOTIFY_SOCKET, and with a socket nobody listens on: nothing breaks ---
        with open(config, "w") as f:
            f.write(config_text(port))
        for label, extra in (("without NOTIFY_SOCKET", {}),
                             ("with a NOTIFY_SOCKET nobody listens on", {"NOTIFY_SOCKET": os.path.join(work, "nobody"),
                                                                        "WATCHDOG_USEC": "200000"})):
            env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID")}
            env.update(extra)
            gateway = Gateway(args.posternd, config, env)
            try:
                check(f"{label}: starts", gateway.wait_for_pattern("listening on") is not None, gateway.log_text())
                check(f"{label}: echoes", asyncio.run(echo_session(port)) == "hello")
                gateway.process.send_signal(signal.SIGHUP)
                check(f"{label}: reloads", gateway.wait_for_pattern("configuration reloaded") is not None)
                gateway.process.send_signal(signal.SIGTERM)
                try:
                    code = gateway.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    code = None
                check(f"{label}: exit 0 on SIGTERM", code == 0, str(code))
            finally:
                gateway.stop()


if __name__ == "__main__":
    main(run, "posternd", "source")
