"""What the process-level Python tests share: pass/fail bookkeeping that prints
'PASS'/'FAIL!' lines and 'N passed, N failed', free loopback ports, a process with its output
in a log file (the built posternd, and redis-server or haproxy where a test needs them), and
the test PKI (a throwaway CA and a keystore it signed, made by make-test-pki.sh beside this
file).

A test script imports it after putting this folder on its path:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
"""

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import threading
import time
import traceback

RESULTS = {"passed": 0, "failed": 0}
SUPPORT = os.path.dirname(os.path.abspath(__file__))


def check(name, condition, detail=""):
    if condition:
        RESULTS["passed"] += 1
        print(f"PASS   {name}", flush=True)
    else:
        RESULTS["failed"] += 1
        print(f"FAIL!  {name} {detail}", flush=True)
    return condition


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_test_pki(keytool, work):
    """Writes work/ca.pem, work/keystore.p12 and work/keystore.pw (entry 'localhost', for
    localhost and 127.0.0.1, signed by the CA); returns the CA's path."""
    subprocess.run([os.path.join(SUPPORT, "make-test-pki.sh"), keytool, work], check=True)
    return os.path.join(work, "ca.pem")


class LoggedProcess:
    """A command as a process whose stdout and stderr go to LOG_PATH; waits on its log."""

    def __init__(self, argv, log_path, env=None, preexec_fn=None):
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, env=env,
                                        preexec_fn=preexec_fn)
        self.pid = self.process.pid

    def running(self):
        return self.process.poll() is None

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_for_log(self, text, timeout=15):
        """Whether `text` appears in the log within `timeout` seconds (False at once if the
        process ends first)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in self.log_text():
                return True
            if not self.running():
                return text in self.log_text()
            time.sleep(0.05)
        return False

    def wait_for_pattern(self, pattern, timeout=15):
        """The first match of the regular expression `pattern` (multi-line) in the log within
        `timeout` seconds, or None."""
        deadline = time.time() + timeout
        while True:
            match = re.search(pattern, self.log_text(), re.MULTILINE)
            if match or time.time() >= deadline or not self.running():
                return match
            time.sleep(0.05)

    def stop(self, graceful=False, timeout=15):
        """Ends the process: SIGKILL, or with `graceful` SIGTERM first (SIGKILL after `timeout`)."""
        if self.running():
            if graceful:
                self.process.terminate()
                try:
                    self.process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    pass
            if self.running():
                self.process.kill()
            self.process.wait()
        self.log.close()


class Gateway(LoggedProcess):
    """posternd --config CONFIG as a process; its stdout and stderr go to CONFIG.log."""

    def __init__(self, posternd, config, env=None, preexec_fn=None):
        super().__init__([posternd, "--config", config], config + ".log", env=env, preexec_fn=preexec_fn)

    def wait_listening(self, port, tls=False, timeout=15):
        """Whether posternd said it listens on localhost:PORT (with TLS when `tls`)."""
        return self.wait_for_log(f"listening on localhost:{port}" + (" (TLS)" if tls else ""), timeout)


def command_line(*paths, description=None):
    """An argument parser with each of `paths` (posternd, keytool, source) as a required --NAME."""
    parser = argparse.ArgumentParser(description=description)
    for name in paths:
        parser.add_argument("--" + name, required=True)
    return parser


def main(run, *paths):
    """A test script's main(): the command line of `paths`, then finish(run, args)."""
    finish(run, command_line(*paths).parse_args())


def serve_in_thread(serve, what):
    """Runs the coroutine function serve() (which starts servers) on an event loop of its own
    in a daemon thread, and keeps that loop running; returns the loop once serve() is done."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def run():
        asyncio.set_event_loop(loop)
        loop.run_until_complete(serve())
        ready.set()
        loop.run_forever()

    threading.Thread(target=run, daemon=True).start()
    if not ready.wait(10):
        raise RuntimeError(f"{what} did not start")
    return loop


def finish(run, args):
    """Runs run(args), counts a crash of the test itself as a failure, prints the summary and
    exits non-zero on any failure."""
    try:
        run(args)
    except Exception:  # a crash in the test itself is a failure, not a pass
        traceback.print_exc()
        RESULTS["failed"] += 1
    print(f"{RESULTS['passed']} passed, {RESULTS['failed']} failed", flush=True)
    sys.exit(1 if RESULTS["failed"] else 0)


class WebSocketBackend:
    """A ws:// back-end from python3-websockets (independent of Postern's and Qt's code) in a
    thread of its own: it echoes every message, closes with code N and reason R when sent
    'close N R', answers with one of `subprotocols`, and records each connection's request
    path, offered and chosen sub-protocol and the close code and reason its client sent."""

    def __init__(self, port, subprotocols=("mqtt", "stomp")):
        import websockets

        self.port = port
        self.connections = []  # dicts: path, offered, chosen, close_code, close_reason

        async def handler(ws):
            seen = {"path": ws.path, "offered": ws.request_headers.get("Sec-WebSocket-Protocol"),
                    "chosen": ws.subprotocol, "close_code": None, "close_reason": None}
            self.connections.append(seen)
            try:
                async for message in ws:
                    if isinstance(message, str) and message.startswith("close "):
                        _, code, reason = message.split(" ", 2)
                        await ws.close(int(code), reason)
                        break
                    await ws.send(message)
            except websockets.ConnectionClosed:
                pass
            finally:
                await ws.wait_closed()
                if ws.close_rcvd is not None:  # the close frame the gateway sent
                    seen["close_code"], seen["close_reason"] = ws.close_rcvd.code, ws.close_rcvd.reason

        async def serve():
            await websockets.serve(handler, "127.0.0.1", port, subprotocols=list(subprotocols), max_size=8 << 20)

        self.loop = serve_in_thread(serve, f"the python3-websockets back-end on port {port}")
