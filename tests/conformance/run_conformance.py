#!/usr/bin/python3
"""RFC 6455 conformance suite for Postern: starts the built posternd with an echo service on
ws:// and wss:// (keystore signed by the test CA of tests/support/make-test-pki.sh), runs every case
in cases.py against it with the raw client in wsclient.py (Python standard library only, not
Qt), prints one line per case and a summary, and exits non-zero on any failure.

    /usr/bin/python3 tests/conformance/run_conformance.py \\
        --posternd build/server/posternd --keytool build/tools/keytool/postern-keytool \\
        [--scheme ws|wss|both] [--case 6.3] [--verbose]
"""

import os
import shutil
import ssl
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))

import cases  # noqa: E402
from posternprocess import Gateway, command_line, free_port, make_test_pki  # noqa: E402
from wsclient import Connection, ConnectionEnded, ServerBrokeProtocol, TimedOut  # noqa: E402

CONFIG = """<?xml version="1.0"?>
<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service>
    <name>echo</name>
    <accept>ws://localhost:{ws}/echo</accept>
    <accept>wss://localhost:{wss}/echo</accept>
    <type>echo</type>
    <accept-options>
      <!-- group 9 sends messages of exactly this size, and one byte more -->
      <ws.maximum.message.size>{limit}</ws.maximum.message.size>
    </accept-options>
  </service>
  <security>
    <keystore>
      <file>keystore.p12</file>
      <password-file>keystore.pw</password-file>
    </keystore>
  </security>
</gateway-config>
"""


class EchoGateway(Gateway):
    """The built posternd as a process with the echo service on ws:// and wss://, its keystore
    signed by the test CA (tests/support/make-test-pki.sh)."""

    def __init__(self, posternd, keytool, work):
        self.ca_pem = make_test_pki(keytool, work)
        self.ws_port, self.wss_port = free_port(), free_port()
        config = os.path.join(work, "gateway-config.xml")
        with open(config, "w") as f:
            f.write(CONFIG.format(ws=self.ws_port, wss=self.wss_port, limit=cases.MESSAGE_LIMIT))
        super().__init__(posternd, config)
        if not self.wait_listening(self.wss_port, tls=True, timeout=20):
            raise RuntimeError("posternd did not start:\n" + self.log_text())


def run_case(gateway, scheme, case_id, name, expect, function, first_bytes, ssl_context):
    port = gateway.ws_port if scheme == "ws" else gateway.wss_port
    started = time.monotonic()
    conn = None
    try:
        context = ssl_context if scheme == "wss" else None
        if first_bytes is None:  # an opening-handshake case: it sends its own request head
            def request(head):
                nonlocal conn
                status, headers, conn = Connection.request("127.0.0.1", port, head.replace(b"{port}", b"%d" % port),
                                                           context)
                return status, headers, conn
            got, ok = function(request), True
        else:
            conn = Connection.open("127.0.0.1", port, "/echo", context, first_bytes)
            got, ok = function(conn), True
    except cases.Failed as failure:
        got, ok = str(failure), False
    except (TimedOut, ConnectionEnded, ServerBrokeProtocol) as error:
        got, ok = f"{type(error).__name__}: {error}", False
    except Exception:  # a fault in the case itself is a failure too, never a pass
        got, ok = "error in the case: " + traceback.format_exc().strip().splitlines()[-1], False
    finally:
        if conn:
            conn.close_socket()
    took = time.monotonic() - started
    print(f"{'ok  ' if ok else 'FAIL'} {scheme:3} {case_id:10} {name}: expected {expect}; got {got} [{took:.2f} s]",
          flush=True)
    return ok


def main():
    parser = command_line("posternd", "keytool", description=__doc__.splitlines()[0])
    parser.add_argument("--scheme", choices=["ws", "wss", "both"], default="both")
    parser.add_argument("--case", default="", help="run only the cases whose id starts with this (e.g. 6.3)")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="postern-conformance-")
    gateway = None
    passed = failed = 0
    started = time.monotonic()
    try:
        gateway = EchoGateway(args.posternd, args.keytool, work)
        ssl_context = ssl.create_default_context(cafile=gateway.ca_pem)
        schemes = ["ws", "wss"] if args.scheme == "both" else [args.scheme]
        selected = [c for c in cases.CASES if c[0] == args.case or c[0].startswith(args.case.rstrip(".") + ".")
                    or not args.case]
        for scheme in schemes:
            for case_id, name, expect, function, first_bytes in selected:
                if run_case(gateway, scheme, case_id, name, expect, function, first_bytes, ssl_context):
                    passed += 1
                else:
                    failed += 1
        # The gateway outlived every case.
        if gateway.process.poll() is None:
            passed += 1
        else:
            failed += 1
            print(f"FAIL posternd exited with {gateway.process.returncode} during the suite")
    except Exception:
        traceback.print_exc()
        failed += 1
    finally:
        if gateway:
            gateway.stop(graceful=True)
            if failed:
                print("--- posternd log (last 60 lines) ---")
                print("\n".join(gateway.log_text().splitlines()[-60:]))
        shutil.rmtree(work, ignore_errors=True)
    print(f"RFC 6455 conformance ({args.scheme}): {passed} passed, {failed} failed, "
          f"{time.monotonic() - started:.1f} s")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
