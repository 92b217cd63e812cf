#!/usr/bin/python3
"""List the sessions of a running Postern gateway through its management API.

An example of using the API without the console (docs/management-api.md): it connects to
the management service over wss with a user of its realm, sends one request,
sessions.list, and prints the answer as a table (or as JSON with --json).

    tools/examples/list-sessions.py --url wss://localhost:9443/manage --user admin \\
        --cafile gateway-ca.pem [--service echo] [--json]

The password is read from the POSTERN_PASSWORD environment variable, or asked for on the
terminal; it is never taken from the command line. The gateway's certificate is checked
against --cafile (for the self-signed demo certificate: the certificate itself, exported
with postern-keytool export --alias localhost --format pem --out gateway-ca.pem).

Needs Debian's python3-websockets.
"""

import argparse
import asyncio
import base64
import getpass
import json
import os
import ssl
import sys

import websockets


async def list_sessions(url, user, password, cafile, service):
    context = ssl.create_default_context(cafile=cafile) if url.startswith("wss:") else None
    credentials = base64.b64encode(f"{user}:{password}".encode()).decode()
    async with websockets.connect(url, ssl=context, extra_headers={"Authorization": "Basic " + credentials},
                                  max_size=16 * 1024 * 1024) as ws:
        params = {"service": service} if service else {}
        await ws.send(json.dumps({"id": 1, "op": "sessions.list", "params": params}))
        while True:
            message = json.loads(await ws.recv())
            if message.get("id") == 1:  # events (the greeting "hello") are skipped
                return message


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="wss://localhost:9443/manage", help="the management service's accept URL")
    parser.add_argument("--user", required=True, help="a user of the management realm")
    parser.add_argument("--cafile", help="the CA (or self-signed certificate) the gateway's certificate must lead to")
    parser.add_argument("--service", help="only the sessions of this service")
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    args = parser.parse_args()
    password = os.environ.get("POSTERN_PASSWORD") or getpass.getpass(f"password for {args.user}: ")
    try:
        answer = asyncio.run(list_sessions(args.url, args.user, password, args.cafile, args.service))
    except websockets.exceptions.InvalidStatusCode as refused:
        print(f"refused: HTTP {refused.status_code} (401: wrong user or password; 403: not a management role)",
              file=sys.stderr)
        return 1
    except (OSError, ssl.SSLError) as error:
        print(f"cannot connect to {args.url}: {error}", file=sys.stderr)
        return 1
    if "error" in answer:
        print(f"error: {answer['error']['code']}: {answer['error']['message']}", file=sys.stderr)
        return 1
    sessions = answer["result"]["sessions"]
    if args.json:
        print(json.dumps(sessions, indent=2))
        return 0
    print(f"{'ID':>6}  {'SERVICE':<16} {'CLIENT':<24} {'USER':<12} {'IN':>10} {'OUT':>10}  STARTED")
    for s in sessions:
        print(f"{s['id']:>6}  {s['service']:<16} {s['client']:<24} {s['user'] or '-':<12} "
              f"{s['bytesIn']:>10} {s['bytesOut']:>10}  {s['startedAt']}")
    print(f"{len(sessions)} session(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
